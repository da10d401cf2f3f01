/**
 * Stands in for `fast-check` in the Worker bundle (wrangler.toml `[alias]`). effect's Schema and
 * Arbitrary modules import it to generate test data, which the Worker never does; without the stub
 * about 45 KiB of it (and pure-rand) would ship in every deployment. Anything that did call it would
 * fail loudly: the namespace is empty.
 */
export {}
