import { SELF } from "cloudflare:test"
import { mkdtemp, readdir, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { describe, expect, inject, it } from "vitest"
import { fileBackend } from "../../src/node/FileConfig.js"
import { anthropicMessage, messagesBody, post, putConfig, scenario } from "../worker/helpers.js"

describe("Node runtime", () => {
  it("sends an upstream answer that fetch decoded without its content-encoding", async () => {
    const body = JSON.stringify(anthropicMessage("zipped"))
    const up = await scenario([{
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      chunks: [{ base64: gzipSync(body).toString("base64") }]
    }])
    await putConfig({ providers: [{ name: "primary", format: "anthropic", baseUrl: up.baseUrl }] })
    const r = await post("/v1/messages", messagesBody())
    expect(r.status).toBe(200)
    expect(r.headers.get("content-encoding")).toBeNull()
    expect(await r.text()).toBe(body)
  })

  it("takes the scheme of the admin page's Claude Code settings from X-Forwarded-Proto only", async () => {
    const env = (headers: Record<string, string>) =>
      SELF.fetch("http://proxy.example/admin/api/env", { headers: { authorization: "Bearer test-admin-token", ...headers } })
        .then((r) => r.json() as Promise<{ baseUrl: string }>)
    expect((await env({})).baseUrl).toBe("http://proxy.example")
    expect((await env({ "x-forwarded-proto": "https" })).baseUrl).toBe("https://proxy.example")
    expect((await env({ "x-forwarded-proto": "gopher" })).baseUrl).toBe("http://proxy.example")
  })
})

describe("start:node's banner", () => {
  it("does not print an admin token it did not generate (this one came from ADMIN_TOKEN)", () => {
    const banner = inject("nodeBanner")
    expect(banner).toContain("admin token:  from ADMIN_TOKEN (not shown)")
    expect(banner).not.toContain("test-admin-token")
  })
})

describe("config file", () => {
  it("reads nothing before the first write, then what was written, owner-only and without temporary files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "claude-failover-config-"))
    try {
      const path = join(dir, "nested", "config.json")
      const backend = fileBackend(path)
      expect(await backend.load()).toBeNull()
      expect(await backend.swap(null, "{\"providers\":[]}")).toBe(true)
      expect(await backend.swap(null, "{\"providers\":[2]}")).toBe(false) // not what is stored: nothing written
      expect(await backend.swap("{\"providers\":[]}", "{\"providers\":[1]}")).toBe(true)
      expect(await backend.load()).toBe("{\"providers\":[1]}")
      expect((await stat(path)).mode & 0o777).toBe(0o600)
      expect(await readdir(join(dir, "nested"))).toEqual(["config.json"])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
