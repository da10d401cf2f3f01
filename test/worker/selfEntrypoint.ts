/**
 * @cloudflare/vitest-pool-workers 0.12 (the last for vitest 3) builds SELF's entrypoint class with
 * `createProxyPrototypeClass`, whose constructor wraps the class's prototype in one more Proxy on
 * every construction, and workerd constructs it once per SELF request. So each SELF.fetch looks its
 * handler up through a chain as long as the requests the isolate served before it: the tests of one
 * run share one isolate (singleWorker), the lookups grow quadratically, and late tests ran several
 * times slower than alone (the 40-stream load test from 0.7 s to past its 20 s timeout). Before each
 * test the class gets back the prototype it had when the run began; a request already made keeps the
 * prototype it was built with.
 */
import { beforeEach, inject } from "vitest"

interface EntrypointClass {
  prototype: object
}

const FIRST = Symbol.for("claude-failover/self-entrypoint-prototype")
const entrypoint = ((await import(/* @vite-ignore */ inject("selfEntrypointModule"))) as { default?: EntrypointClass }).default
if (entrypoint === undefined || typeof entrypoint.prototype !== "object") {
  throw new Error(`no entrypoint class in ${inject("selfEntrypointModule")}: check the pool's version`)
}
const shared = globalThis as { [FIRST]?: object }
// The first file to load this module keeps the prototype for the whole run (the module runs once per file).
const first = shared[FIRST] ??= entrypoint.prototype

beforeEach(() => {
  entrypoint.prototype = first
})
