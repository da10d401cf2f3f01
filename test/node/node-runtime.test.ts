import { SELF } from "cloudflare:test"
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { describe, expect, inject, it } from "vitest"
import { fileBackend } from "../../src/node/FileConfig.js"
import { parseHeaders } from "../../src/node/PageFiles.js"
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

describe("the admin page on Node", () => {
  it("serves the same built files as the Worker's Static Assets, with the headers of their _headers file", async () => {
    const dir = join(process.cwd(), "build/page")
    const rules = parseHeaders(await readFile(join(dir, "_headers"), "utf8"))
    const page = await SELF.fetch("http://proxy.example/admin")
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(await page.text()).toBe(await readFile(join(dir, "admin/index.html"), "utf8"))
    const csp = rules("/admin")["content-security-policy"]
    expect(csp).toContain("script-src 'self'")
    expect(page.headers.get("content-security-policy")).toBe(csp)
    const script = await SELF.fetch("http://proxy.example/admin/static/app.js")
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
    expect(script.headers.get("content-security-policy")).toBe(rules("/admin/static/app.js")["content-security-policy"])
    expect(Buffer.from(await script.arrayBuffer()).equals(await readFile(join(dir, "admin/static/app.js")))).toBe(true)
    // The API beside it is still the app's.
    expect((await SELF.fetch("http://proxy.example/admin/api/config")).status).toBe(401)
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
