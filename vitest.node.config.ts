import { fileURLToPath } from "node:url"
import { defineProject } from "vitest/config"

// The Worker tests against the Node server (`npm run start:node`'s script on a random loopback port,
// config in a temporary file): "cloudflare:test" is a shim (test/node/cloudflare-test-shim.ts) whose
// SELF.fetch goes to that server over HTTP and whose env.CONFIG reads the config file. One server
// serves every file, so files run one after another and each test starts with no config stored.
// test/node/ adds what only the Node runtime has (the config file, bodies fetch decoded, the scheme
// behind a TLS front). Left out: shared-health.test.ts, which drives the SHARED Durable Object
// binding that exists only in the Worker (on Node, health and usage are per process), and
// admin-store-failure.test.ts, which needs the Durable Object's storage limit (test/unit/AdminUpdate.test.ts
// covers a store that fails on Node's side).
export default defineProject({
  resolve: {
    alias: { "cloudflare:test": fileURLToPath(new URL("./test/node/cloudflare-test-shim.ts", import.meta.url)) }
  },
  test: {
    name: "node",
    include: ["test/worker/**/*.test.ts", "test/node/**/*.test.ts"],
    exclude: ["test/worker/shared-health.test.ts", "test/worker/admin-store-failure.test.ts"],
    environment: "node",
    globalSetup: ["./test/node/globalSetup.ts"],
    setupFiles: ["./test/node/setup.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 20_000,
    hookTimeout: 120_000
  }
})
