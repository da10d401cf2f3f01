import { env, SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { ADMIN, putConfig, TOKEN } from "./helpers.js"

const put = (doc: unknown, headers: Record<string, string> = ADMIN) =>
  SELF.fetch("http://proxy/admin/api/config", {
    method: "PUT",
    headers: { ...headers, "content-type": "application/json" },
    body: typeof doc === "string" ? doc : JSON.stringify(doc)
  })
const get = (headers: Record<string, string> = ADMIN) => SELF.fetch("http://proxy/admin/api/config", { headers })

const KEY = "sk-ant-api03-secret-value-c1a9"
const valid = {
  providers: [
    { name: "anthropic", format: "anthropic", baseUrl: "https://api.anthropic.com" },
    { name: "backup", format: "anthropic", baseUrl: "https://backup.example.com", apiKey: KEY, models: { "*": "x-large" } }
  ],
  accessTokens: [{ token: TOKEN, note: "laptop" }]
}

describe("admin config API", () => {
  it("refuses requests without the admin token", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "test-admin-token" }]) {
      expect((await get(headers)).status).toBe(401)
      expect((await put(valid, headers)).status).toBe(401)
    }
    expect(await env.CONFIG.get("config")).toBeNull()
  })

  it("shows the built-in default while nothing is stored", async () => {
    const doc = (await (await get()).json()) as { stored: boolean; providers: Array<{ name: string; baseUrl: string }> }
    expect(doc.stored).toBe(false)
    expect(doc.providers.map((p) => [p.name, p.baseUrl])).toEqual([["anthropic", "https://api.anthropic.com"]])
  })

  it("masks every key and token on read, and a masked round trip keeps the secrets", async () => {
    await putConfig(valid)
    const read = await (await get()).text()
    expect(read).not.toContain(KEY)
    expect(read).not.toContain(TOKEN)
    const doc = JSON.parse(read) as typeof valid & { stored: boolean }
    expect(doc.providers[1]!.apiKey).toBe("sk-\u2026c1a9")
    expect(doc.stored).toBe(true)
    doc.providers[1]!.models = { "*": "changed" }
    expect((await put(doc)).status).toBe(200)
    const stored = JSON.parse((await env.CONFIG.get("config"))!) as typeof valid
    expect(stored.providers[1]!.apiKey).toBe(KEY)
    expect(stored.accessTokens[0]!.token).toBe(TOKEN)
    expect(stored.providers[1]!.models).toEqual({ "*": "changed" })
  })

  it.each([
    ["bad JSON", "{", ""],
    ["unknown format", { providers: [{ name: "a", format: "cohere", baseUrl: "https://x.dev" }] }, "providers[0].format"],
    ["bad URL", { providers: [{ name: "a", format: "anthropic", baseUrl: "not a url" }] }, "providers[0].baseUrl"],
    [
      "duplicate names",
      { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev" }, { name: "a", format: "anthropic", baseUrl: "https://y.dev" }] },
      "providers[1].name"
    ],
    ["no providers", { providers: [] }, "providers"],
    ["unknown field", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", colour: "red" }] }, "providers[0].colour"],
    ["bad retries", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", retries: -1 }] }, "providers[0].retries"],
    ["a header value with CR/LF", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", headers: { "x-a": "1\r\nx-injected: 1" } }] }, "providers[0].headers.x-a"],
    ["a header value with NUL", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", headers: { "x-a": "1\u0000" } }] }, "providers[0].headers.x-a"],
    ["a header name that is not one", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", headers: { "bad header": "1" } }] }, "providers[0].headers.bad header"],
    ["a key with a line break", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", apiKey: "sk-1\nx-evil: 1" }], accessTokens: [{ token: TOKEN }] }, "providers[0].apiKey"],
    ["a beta rename with a line break", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", betas: { rename: { a: "b\r\nx: 1" } } }] }, "providers[0].betas.rename.a"],
    ["a mapped model with a control character", { providers: [{ name: "a", format: "anthropic", baseUrl: "https://x.dev", models: { "*": "m\n" } }] }, "providers[0].models.*"],
    ["a masked key that matches nothing", { providers: [{ name: "z", format: "anthropic", baseUrl: "https://x.dev", apiKey: "sk-\u2026zzzz" }], accessTokens: [{ token: TOKEN }] }, "providers[0].apiKey"]
  ])("rejects %s with the problem's path and stores nothing", async (_, doc, path) => {
    await putConfig(valid)
    const before = await env.CONFIG.get("config")
    const r = await put(doc)
    expect(r.status).toBe(400)
    const body = (await r.json()) as { type: string; error: { type: string }; issues: Array<{ path: string; message: string }> }
    expect(body.type).toBe("error")
    expect(body.error.type).toBe("invalid_request_error")
    expect(body.issues.map((i) => i.path)).toContain(path)
    expect(await env.CONFIG.get("config")).toBe(before)
  })

  it("rejects a keyed provider without any access token, saying why", async () => {
    const r = await put({ providers: valid.providers })
    expect(r.status).toBe(400)
    const body = (await r.json()) as { issues: Array<{ path: string; message: string }> }
    expect(body.issues[0]!.path).toBe("providers[1].apiKey")
    expect(body.issues[0]!.message).toMatch(/open relay/)
    expect(await env.CONFIG.get("config")).toBeNull()
  })
})
