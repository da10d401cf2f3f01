import { defineConfig } from "vitest/config"

// Three projects: pure modules in Node (fast, fast-check, the official SDKs), the Worker in workerd,
// and the admin page in headless Chromium against the built Worker (vitest.browser.config.ts).
export default defineConfig({
  test: {
    projects: ["./vitest.unit.config.ts", "./vitest.worker.config.ts", "./vitest.browser.config.ts"]
  }
})
