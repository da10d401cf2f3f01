/**
 * The browser project runs against the real Worker bundle: Debian's Chromium (installed on demand),
 * the fake upstream on loopback, and the bundle that `wrangler deploy` would upload, served by
 * Miniflare (workerd) on a loopback port with an in-memory KV.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { Readable } from "node:stream"
import { resolve } from "node:path"
import { Miniflare } from "miniflare"
import type { TestProject } from "vitest/node"
import { unstable_getMiniflareWorkerOptions } from "wrangler"
import { startFakeUpstream } from "../../scripts/fake-upstream.mjs"

export const ADMIN_TOKEN = "browser-admin-token-0123456789"
/** Where the configured Workers' log lines are written while the tests run. */
export const LOG_FILE = "test-output/browser/configured-workers.log"
let logsFlusher: ReturnType<typeof setInterval>
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
  /** The bundle in Miniflare with these bindings on top; its runtime's output goes to `logs`. */
  const logs: Array<string> = []
  const start = async (bindings: Record<string, string>) => {
    const instance = new Miniflare({
      ...workerOptions,
      name: "claude-failover",
      host: "127.0.0.1",
      port: 0,
      modules: true,
      scriptPath: resolve(BUILD_DIR, "index.js"),
      bindings: { ...workerOptions.bindings, ADMIN_TOKEN, ALLOW_PRIVATE_UPSTREAMS: "true", CONFIG_CACHE_MS: "0", ...bindings },
      handleRuntimeStdio: (out: Readable, err: Readable) => {
        out.on("data", (d: Buffer) => logs.push(String(d)))
        err.on("data", (d: Buffer) => logs.push(String(d)))
      }
    })
    return { instance, url: (await instance.ready).origin }
  }
  const { instance: mf, url } = await start({ LOG_LEVEL: "none" })

  // The same bundle configured as code (README "Configuration as code"): a FAILOVER_CONFIG document
  // with env: references, one that is invalid, and the familiar variables with and without tokens.
  const configured = (bindings: Record<string, string>) => start({ LOG_LEVEL: "info", ...bindings })
  const managed = await configured({
    FAILOVER_CONFIG: JSON.stringify({
      providers: [{ name: "coded", format: "anthropic", baseUrl: `${fake.url}/s/coded`, apiKey: "env:CODED_KEY" }],
      accessTokens: [{ token: "env:CODED_TOKEN", note: "ci" }]
    }),
    CODED_KEY: CODED.key,
    CODED_TOKEN: CODED.token
  })
  const broken = await configured({
    FAILOVER_CONFIG: JSON.stringify({
      providers: [{ name: "coded", format: "anthropic", baseUrl: `${fake.url}/s/coded`, apiKey: "env:NOT_SET_ANYWHERE" }],
      accessTokens: [{ token: CODED.brokenToken }]
    })
  })
  const variables = await configured({
    CLAUDE_API_BASE: `${fake.url}/s/vars`,
    CLAUDE_API_KEY: CODED.key,
    ACCESS_TOKENS: `${CODED.token}, tok_second_0123456789abcdef`,
    PROXY_ALLOWED_ORIGINS: "https://app.example.com",
    PROXY_TIMEOUT_MS: "5000"
  })
  const keyOnly = await configured({ CLAUDE_API_BASE: `${fake.url}/s/vars`, CLAUDE_API_KEY: CODED.key })

  project.provide("workerUrl", url)
  project.provide("fakeUrl", fake.url)
  project.provide("adminToken", ADMIN_TOKEN)
  project.provide("codedUrls", { managed: managed.url, broken: broken.url, variables: variables.url, keyOnly: keyOnly.url })
  // The configured Workers' log lines, for the test that checks them (written to a file: provide() takes data only).
  const flushLogs = () => writeFileSync(LOG_FILE, logs.join(""))
  logsFlusher = setInterval(flushLogs, 200)
  return async () => {
    clearInterval(logsFlusher)
    for (const i of [managed, broken, variables, keyOnly]) await i.instance.dispose()
    await mf.dispose()
    await fake.close()
  }
}

/** The secrets the configured Workers get from their variables (never to be seen in an answer or a log). */
export const CODED = {
  key: "sk-coded-upstream-secret-0001",
  token: "tok_coded_0123456789abcdef",
  brokenToken: "tok_broken_secret_0123456789"
}

declare module "vitest" {
  export interface ProvidedContext {
    workerUrl: string
    fakeUrl: string
    adminToken: string
    codedUrls: { managed: string; broken: string; variables: string; keyOnly: string }
  }
}
