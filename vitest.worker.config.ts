import { defineWorkersProject } from "@cloudflare/vitest-pool-workers/config"

export default defineWorkersProject({
  test: {
    name: "worker",
    include: ["test/worker/**/*.test.ts"],
    poolOptions: {
      workers: {
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { ADMIN_TOKEN: "test-admin-token", CONFIG_CACHE_MS: "0" } }
      }
    }
  }
})
