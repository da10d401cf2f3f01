/**
 * The browser project runs against the real Worker bundle: Debian's Chromium (installed on demand),
 * the fake upstream on loopback, and the bundle that `wrangler deploy` would upload, served by
 * Miniflare (workerd) on a loopback port with an in-memory KV.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { resolve } from "node:path"
import { Miniflare } from "miniflare"
import type { TestProject } from "vitest/node"
import { unstable_getMiniflareWorkerOptions } from "wrangler"
import { startFakeUpstream } from "../../scripts/fake-upstream.mjs"

export const ADMIN_TOKEN = "browser-admin-token-0123456789"
const BUILD_DIR = ".wrangler/browser-build"

export default async function setup(project: TestProject) {
  execFileSync("bash", ["scripts/ensure-chromium.sh"], { stdio: "inherit" })
  mkdirSync("test-output/browser", { recursive: true })

  const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js")
  execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", BUILD_DIR], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" }
  })

  const fake = await startFakeUpstream()
  // Bindings, KV namespaces and Durable Objects as wrangler.toml declares them; the test's own values win.
  const { workerOptions } = unstable_getMiniflareWorkerOptions("./wrangler.toml")
  const mf = new Miniflare({
    ...workerOptions,
    name: "claude-failover",
    host: "127.0.0.1",
    port: 0,
    modules: true,
    scriptPath: resolve(BUILD_DIR, "index.js"),
    bindings: {
      ...workerOptions.bindings,
      ADMIN_TOKEN,
      ALLOW_PRIVATE_UPSTREAMS: "true",
      CONFIG_CACHE_MS: "0",
      LOG_LEVEL: "none"
    }
  })
  const url = await mf.ready

  project.provide("workerUrl", url.origin)
  project.provide("fakeUrl", fake.url)
  project.provide("adminToken", ADMIN_TOKEN)
  return async () => {
    await mf.dispose()
    await fake.close()
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    workerUrl: string
    fakeUrl: string
    adminToken: string
  }
}
