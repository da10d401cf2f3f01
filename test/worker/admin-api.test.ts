import { env, SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { ADMIN, anthropicMessage, messagesBody, post, putConfig, scenario, TOKEN } from "./helpers.js"

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
  SELF.fetch(`http://proxy/admin/api${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })

const json = async <T = any>(r: Response, status = 200): Promise<T> => {
  const text = await r.text()
  expect(r.status, text).toBe(status)
  return JSON.parse(text) as T
}

const stored = async () => JSON.parse((await env.CONFIG.get("config"))!) as {
  providers: Array<Record<string, unknown> & { name: string; apiKey?: string; enabled?: boolean }>
  accessTokens: Array<{ token: string; note?: string }>
  settings: Record<string, unknown>
}

type Issues = { type: string; error: { type: string; message: string }; issues: Array<{ path: string; message: string }> }

/** A rejected write answers 400 with the issue's path, and the stored document is byte-for-byte unchanged. */
const rejects = async (method: string, path: string, body: unknown, issuePath: string) => {
  const before = await env.CONFIG.get("config")
  const r = await api(method, path, body)
  const error = await json<Issues>(r, 400)
  expect(error.type).toBe("error")
  expect(error.error.type).toBe("invalid_request_error")
  expect(error.issues.map((i) => i.path)).toContain(issuePath)
  expect(await env.CONFIG.get("config")).toBe(before)
  return error
}

const KEY = "sk-ant-api03-backup-secret-c1a9"
const base = {
  providers: [
    { name: "anthropic", format: "anthropic", baseUrl: "https://api.anthropic.com" },
    { name: "backup", format: "anthropic", baseUrl: "https://backup.example.com", apiKey: KEY }
  ],
  accessTokens: [{ token: TOKEN, note: "laptop" }]
}

describe("admin API: providers", () => {
  it("lists the chain with keys masked", async () => {
    await putConfig(base)
    const { providers } = await json(await api("GET", "/providers"))
    expect(providers.map((p: { name: string }) => p.name)).toEqual(["anthropic", "backup"])
    expect(providers[1].apiKey).toBe("sk-\u2026c1a9")
    expect(JSON.stringify(providers)).not.toContain(KEY)
  })

  it("adds a provider at the end of the chain, even while nothing is stored yet", async () => {
    const added = await json(await api("POST", "/providers", { name: "local", format: "anthropic", baseUrl: "http://127.0.0.1:9" }), 201)
    expect(added.providers.map((p: { name: string }) => p.name)).toEqual(["anthropic", "local"])
    expect((await stored()).providers[1]).toMatchObject({ name: "local", enabled: true, retries: 1 })
  })

  it("refuses invalid providers with the field's path and changes nothing", async () => {
    await putConfig(base)
    await rejects("POST", "/providers", { name: "x", format: "anthropic", baseUrl: "not a url" }, "providers[2].baseUrl")
    await rejects("POST", "/providers", { name: "x", format: "cohere", baseUrl: "https://x.dev" }, "providers[2].format")
    await rejects("POST", "/providers", { name: "x", format: "anthropic", baseUrl: "https://x.dev", colour: "red" }, "providers[2].colour")
    // A name that exists is a conflict with the document as it is (409), not a malformed request.
    const taken = await api("POST", "/providers", { name: "backup", format: "anthropic", baseUrl: "https://x.dev" })
    expect(taken.status).toBe(409)
    expect(await taken.json()).toMatchObject({ error: { type: "invalid_request_error", message: "a provider named \"backup\" exists" } })
    await rejects("POST", "/providers", "{", "")
    const retries = await rejects("PUT", "/providers/backup", { name: "backup", format: "anthropic", baseUrl: "https://x.dev", retries: 99 }, "providers[1].retries")
    expect(retries.issues).toEqual([{ path: "providers[1].retries", message: "Expected a number between 0 and 10, actual 99" }])
  })

  it("refuses a keyed provider while there is no access token (no open relay)", async () => {
    const error = await rejects("POST", "/providers", { name: "k", format: "anthropic", baseUrl: "https://k.dev", apiKey: "sk-k-000000000001" }, "providers[1].apiKey")
    expect(error.issues[0]!.message).toMatch(/open relay/)
    expect(await env.CONFIG.get("config")).toBeNull()
  })

  it("updates a provider; a masked key sent back keeps the stored key, also across a rename", async () => {
    await putConfig(base)
    const { providers } = await json(await api("GET", "/providers"))
    const edited = { ...providers[1], name: "backup2", models: { "*": "big" }, retries: 0 }
    const r = await json(await api("PUT", "/providers/backup", edited))
    expect(r.providers[1]).toMatchObject({ name: "backup2", apiKey: "sk-\u2026c1a9", models: { "*": "big" } })
    expect((await stored()).providers[1]).toMatchObject({ name: "backup2", apiKey: KEY, retries: 0 })
    // a masked key that is not this provider's is refused
    await rejects("PUT", "/providers/backup2", { ...edited, apiKey: "sk-\u2026zzzz" }, "providers[1].apiKey")
    // a new key replaces it
    await json(await api("PUT", "/providers/backup2", { ...edited, apiKey: "sk-new-key-0000000001" }))
    expect((await stored()).providers[1]!.apiKey).toBe("sk-new-key-0000000001")
  })

  it("answers 404 for a provider that does not exist", async () => {
    await putConfig(base)
    const body = { name: "nope", format: "anthropic", baseUrl: "https://x.dev" }
    for (const r of [await api("PUT", "/providers/nope", body), await api("DELETE", "/providers/nope"), await api("PUT", "/providers/nope/enabled", { enabled: false }), await api("POST", "/providers/nope/test", {})]) {
      const error = await json(r, 404)
      expect(error).toEqual({ type: "error", error: { type: "not_found_error", message: 'no provider named "nope"' } })
    }
  })

  it("reorders the chain, and refuses an order that is not every provider once", async () => {
    await putConfig({ ...base, providers: [...base.providers, { name: "third", format: "anthropic", baseUrl: "https://third.example.com" }] })
    const r = await json(await api("POST", "/providers/reorder", { names: ["third", "anthropic", "backup"] }))
    expect(r.providers.map((p: { name: string }) => p.name)).toEqual(["third", "anthropic", "backup"])
    expect((await stored()).providers.map((p) => p.name)).toEqual(["third", "anthropic", "backup"])
    await rejects("POST", "/providers/reorder", { names: ["third", "anthropic"] }, "names")
    await rejects("POST", "/providers/reorder", { names: ["third", "third", "backup"] }, "names")
    await rejects("POST", "/providers/reorder", { names: "third" }, "names")
  })

  it("enables and disables a provider, and the chain follows", async () => {
    const primary = await scenario([{ json: anthropicMessage("primary") }])
    const second = await scenario([{ json: anthropicMessage("second") }])
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: primary.baseUrl },
        { name: "second", format: "anthropic", baseUrl: second.baseUrl }
      ]
    })
    const r = await json(await api("PUT", "/providers/primary/enabled", { enabled: false }))
    expect(r.providers[0].enabled).toBe(false)
    expect((await post("/v1/messages", messagesBody())).headers.get("x-failover-provider")).toBe("second")
    await json(await api("PUT", "/providers/primary/enabled", { enabled: true }))
    expect((await post("/v1/messages", messagesBody())).headers.get("x-failover-provider")).toBe("primary")
    await rejects("PUT", "/providers/primary/enabled", { enabled: "no" }, "providers[0].enabled")
  })

  it("deletes a provider, but never the last one", async () => {
    await putConfig(base)
    const r = await json(await api("DELETE", "/providers/anthropic"))
    expect(r.providers.map((p: { name: string }) => p.name)).toEqual(["backup"])
    await rejects("DELETE", "/providers/backup", undefined, "providers")
  })
})

describe("admin API: access tokens", () => {
  it("creates a token shown in plain once; every later read masks it; the token works", async () => {
    const upstream = await scenario([{ json: anthropicMessage("keyed") }])
    await putConfig(base)
    const created = await json(await api("POST", "/tokens", { note: "phone" }), 201)
    expect(created.token).toMatch(/^cfo_[A-Za-z0-9_-]{32}$/)
    expect(created).toMatchObject({ index: 1, note: "phone" })
    const list = await (await api("GET", "/tokens")).text()
    expect(list).not.toContain(created.token)
    expect(list).not.toContain(TOKEN)
    expect(JSON.parse(list).tokens.map((t: { index: number; note?: string }) => [t.index, t.note])).toEqual([[0, "laptop"], [1, "phone"]])
    expect((await stored()).accessTokens[1]!.token).toBe(created.token)
    // the new token unlocks a keyed provider
    await putConfig({ ...(await json(await api("GET", "/config"))), providers: [{ name: "keyed", format: "anthropic", baseUrl: upstream.baseUrl, apiKey: KEY }] })
    const r = await post("/v1/messages", messagesBody(), { "x-failover-token": created.token })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("keyed")
  })

  it("sets and removes a note", async () => {
    await putConfig(base)
    const r = await json(await api("PUT", "/tokens/0/note", { note: "desktop" }))
    expect(r.tokens[0].note).toBe("desktop")
    expect((await stored()).accessTokens[0]).toEqual({ token: TOKEN, note: "desktop" })
    await json(await api("PUT", "/tokens/0/note", {}))
    expect((await stored()).accessTokens[0]).toEqual({ token: TOKEN })
    await rejects("PUT", "/tokens/0/note", { note: 5 }, "accessTokens[0].note")
  })

  it("deletes a token; refuses to drop the last one a keyed provider needs; 404 for no such index", async () => {
    await putConfig({ ...base, accessTokens: [{ token: TOKEN }, { token: "tok_second_0123456789" }] })
    const r = await json(await api("DELETE", "/tokens/0"))
    expect(r.tokens).toHaveLength(1)
    expect((await stored()).accessTokens).toEqual([{ token: "tok_second_0123456789" }])
    await rejects("DELETE", "/tokens/0", undefined, "providers[1].apiKey")
    for (const index of ["1", "x", "-1", "01x"]) {
      const error = await json(await api("DELETE", `/tokens/${index}`), 404)
      expect(error.error.type).toBe("not_found_error")
    }
  })
})

describe("admin API: token ids", () => {
  it("addresses a token by an id that stays right while the list shifts, and reveals nothing of it", async () => {
    const second = "tok_second_0123456789"
    await putConfig({ ...base, accessTokens: [{ token: TOKEN, note: "first" }, { token: second, note: "second" }] })
    const listed = (await json(await api("GET", "/tokens"))).tokens as Array<{ id: string; index: number; token: string }>
    expect(listed.map((t) => t.index)).toEqual([0, 1])
    for (const t of listed) {
      expect(t.id).toMatch(/^tid_[0-9a-f]{12}$/)
      expect(t.id).not.toContain(TOKEN.slice(4, 10))
    }
    expect(new Set(listed.map((t) => t.id)).size).toBe(2)
    const [first, other] = listed
    // Another admin deletes the first token: the second moves to index 0, its id does not change.
    await json(await api("DELETE", `/tokens/${first!.id}`))
    const r = await json(await api("PUT", `/tokens/${other!.id}/note`, { note: "moved" }))
    expect(r.tokens).toEqual([expect.objectContaining({ index: 0, id: other!.id, note: "moved" })])
    expect((await stored()).accessTokens).toEqual([{ token: second, note: "moved" }])
    // The deleted token's id names nothing now: a second delete is a 404, not the wrong token revoked.
    expect((await json(await api("DELETE", `/tokens/${first!.id}`), 404)).error.type).toBe("not_found_error")
    expect((await stored()).accessTokens).toHaveLength(1)
  })

  it("gives the id of a token it creates", async () => {
    await putConfig(base)
    const created = await json(await api("POST", "/tokens", { note: "ci" }), 201)
    const listed = (await json(await api("GET", "/tokens"))).tokens as Array<{ id: string; note?: string }>
    expect(listed.find((t) => t.note === "ci")?.id).toBe(created.id)
  })
})

describe("admin API: settings", () => {
  it("reads the settings with defaults, writes valid ones, refuses invalid ones by path", async () => {
    await putConfig(base)
    const settings = await json(await api("GET", "/settings"))
    expect(settings).toMatchObject({ maxRetryAfterMs: 2000, retryBaseDelayMs: 200, cooldown: { threshold: 3 } })
    const written = await json(await api("PUT", "/settings", { ...settings, maxRetryAfterMs: 500 }))
    expect(written.maxRetryAfterMs).toBe(500)
    expect((await stored()).settings.maxRetryAfterMs).toBe(500)
    await rejects("PUT", "/settings", { maxRetryAfterMs: -1 }, "settings.maxRetryAfterMs")
    await rejects("PUT", "/settings", { cooldown: { threshold: 0 } }, "settings.cooldown.threshold")
    await rejects("PUT", "/settings", { colour: "red" }, "settings.colour")
  })
})
