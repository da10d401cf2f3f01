import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "unit",
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    // Generous: the consumer test compiles with tsc beside the others on a 2-core machine.
    testTimeout: 30_000
  }
})
