import { defineConfig } from "vitest/config"

// Two projects: pure modules in Node (fast, fast-check, the official SDKs), and the Worker in workerd.
export default defineConfig({
  test: {
    projects: ["./vitest.unit.config.ts", "./vitest.worker.config.ts"]
  }
})
