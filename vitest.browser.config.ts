import { defineProject } from "vitest/config"

// The admin page in real headless Chromium (Debian's package, driven by playwright-core) against the
// Worker bundle in Miniflare, and the served OpenAPI document checked by an OpenAPI 3 validator.
export default defineProject({
  test: {
    name: "browser",
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/browser/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
