import { defineWorkersProject } from "@cloudflare/vitest-pool-workers/config"

export default defineWorkersProject({
  test: {
    name: "worker",
    include: ["test/worker/**/*.test.ts"],
    globalSetup: ["./test/worker/globalSetup.ts"],
    setupFiles: ["./test/worker/selfEntrypoint.ts"],
    testTimeout: 20_000,
    poolOptions: {
      workers: {
        singleWorker: true,
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ADMIN_TOKEN: "test-admin-token",
            CONFIG_CACHE_MS: "0",
            // Short, so that a deferred report (waited on by each test's waitUntil) costs little time.
            SHARED_FLUSH_MS: "50",
            ALLOW_PRIVATE_UPSTREAMS: "true",
            LOG_LEVEL: "none"
          }
        }
      }
    }
  }
})
