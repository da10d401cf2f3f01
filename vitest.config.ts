import { defineConfig } from "vitest/config"

// Four projects: pure modules in Node (fast, fast-check, the official SDKs), the Worker in workerd,
// the admin page in headless Chromium against the built Worker (vitest.browser.config.ts), and the
// Worker tests again against the Node server (vitest.node.config.ts).
export default defineConfig({
  test: {
    projects: ["./vitest.unit.config.ts", "./vitest.worker.config.ts", "./vitest.browser.config.ts", "./vitest.node.config.ts"]
  }
})
