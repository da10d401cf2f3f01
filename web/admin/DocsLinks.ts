/**
 * Where each section of the admin page is explained in the repository's docs/. No DOM here: the
 * docs test (test/unit/docs.test.ts) checks that every page and anchor named below exists.
 */

/**
 * Where the repository's docs/ folder is published: the one place to change for a fork or a copy
 * (replace OWNER with the repository's owner, or the whole URL with wherever the docs live). The page
 * is served by the Worker, not from the repository, so its links must name the published docs.
 */
export const DOCS_BASE = "https://github.com/OWNER/claude-failover/blob/main/docs/"

/** Each section's heading (its id in index.html) and the docs page, with its anchor, that explains it. */
export const SECTION_DOCS: Readonly<Record<string, string>> = {
  "providers-title": "providers.md",
  "requests-title": "troubleshooting.md#what-x-failover-attempts-says",
  "tokens-title": "configuration.md#access-token-fields",
  "env-title": "../README.md#use-it-from-claude-code",
  "settings-title": "configuration.md#settings",
  "usage-title": "admin.md#health-and-usage",
  "raw-title": "configuration.md"
}

/** A docs page (relative to docs/) as an absolute URL. */
export const docsUrl = (page: string): string => new URL(page, DOCS_BASE).href
