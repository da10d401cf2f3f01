import { OpenApi } from "@effect/platform"
import { env, SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { AdminApi } from "../../src/Admin/Api.js"
import { ADMIN, anthropicMessage, messagesBody, post, putConfig, refusedUrl, scenario, TOKEN } from "./helpers.js"

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
  SELF.fetch(`http://proxy/admin/api${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

const json = async <T = any>(r: Response, status = 200): Promise<T> => {
  const text = await r.text()
  expect(r.status, text).toBe(status)
  return JSON.parse(text) as T
}

const KEY = "sk-ant-api03-backup-secret-c1a9"

describe("admin API: security", () => {
  const spec = OpenApi.fromApi(AdminApi)
  const endpoints = Object.entries(spec.paths).flatMap(([path, item]) =>
    (["get", "put", "post", "delete"] as const).filter((m) => item[m] !== undefined).map((m) => [m.toUpperCase(), path] as const)
  )

  it("covers every endpoint of the definition", () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(20)
  })

  it("answers 401 with an Anthropic-shaped body on every endpoint without the admin token, and changes nothing", async () => {
    await putConfig({ providers: [{ name: "a", format: "anthropic", baseUrl: "https://a.example.com" }] })
    const before = await env.CONFIG.get("config")
    const wrong = [{}, { authorization: "Bearer wrong" }, { authorization: "test-admin-token" }, { authorization: "Basic test-admin-token" }, { authorization: "xxxxxxxtest-admin-token" }]
    for (const [method, path] of endpoints) {
      const url = path.replace("/admin/api", "").replace("{name}", "a").replace("{index}", "0")
      for (const headers of wrong) {
        const r = await api(method, url, method === "GET" || method === "DELETE" ? undefined : {}, headers)
        expect(r.status, `${method} ${path}`).toBe(401)
        expect(await r.json()).toEqual({
          type: "error",
          error: { type: "authentication_error", message: "admin endpoints need Authorization: Bearer <ADMIN_TOKEN>" }
        })
      }
    }
    expect(await env.CONFIG.get("config")).toBe(before)
  }, 60_000) // every endpoint five times: slow when the machine is busy

  it("serves the OpenAPI document of the same definition, without credentials", async () => {
    const r = await SELF.fetch("http://proxy/admin/api/openapi.json")
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual(JSON.parse(JSON.stringify(spec)))
    expect(spec.openapi).toBe("3.1.0")
    expect(spec.components.securitySchemes).toHaveProperty("bearer")
  })
})

describe("admin API: health", () => {
  it("shows breaker state, last error and counts per provider, and resets one or all", async () => {
    const failing = await scenario([{ status: 500, json: { type: "error", error: { type: "api_error", message: "boom" } } }])
    const ok = await scenario([{ json: anthropicMessage("ok") }])
    await putConfig({
      providers: [
        { name: "failing", format: "anthropic", baseUrl: failing.baseUrl, retries: 0 },
        { name: "ok", format: "anthropic", baseUrl: ok.baseUrl, retries: 0 }
      ],
      settings: { cooldown: { threshold: 2, baseMs: 60_000, maxMs: 60_000 } }
    })
    for (let i = 0; i < 2; i++) expect((await post("/v1/messages", messagesBody())).status).toBe(200)
    const health = await json(await api("GET", "/health"))
    // Shared by the deployment where the SHARED Durable Object is bound (the Worker), per process elsewhere.
    expect(health.scope).toBe((env as { SHARED?: unknown }).SHARED === undefined ? "isolate" : "deployment")
    const [bad, good] = health.providers
    expect(bad).toMatchObject({ name: "failing", enabled: true, state: "open", consecutiveFailures: 2, failures: 2, requests: 2 })
    expect(bad.lastError).toMatchObject({ tag: "Upstream5xx", status: 500 })
    expect(bad.openUntil).toBeGreaterThan(Date.now())
    expect(good).toMatchObject({ name: "ok", state: "closed", successes: 2, failures: 0 })
    expect(good.lastSuccessAt).toBeGreaterThan(0)

    // While open, the chain skips it...
    expect((await post("/v1/messages", messagesBody())).status).toBe(200)
    expect(await failing.calls()).toHaveLength(2)
    const afterOne = await json(await api("POST", "/health/failing/reset"))
    expect(afterOne.providers[0]).toMatchObject({ state: "closed", consecutiveFailures: 0, requests: 0 })
    // (successes reach the deployment-wide view at most every few seconds: the third may not be in yet)
    expect(afterOne.providers[1].successes).toBeGreaterThanOrEqual(2)
    // ...and the reset reaches the proxy at once: the admin API and the proxy share one health state.
    expect((await post("/v1/messages", messagesBody())).status).toBe(200)
    expect(await failing.calls()).toHaveLength(3)
    const afterAll = await json(await api("POST", "/health/reset"))
    expect(afterAll.providers[1]).toMatchObject({ successes: 0 })
    expect((await json(await api("POST", "/health/nope/reset"), 404)).error.type).toBe("not_found_error")
  })
})

describe("admin API: provider test", () => {
  it("sends one tiny request through a keyed provider and reports status and latency, touching no health", async () => {
    const upstream = await scenario([{ json: anthropicMessage("pong") }])
    await putConfig({
      providers: [{ name: "keyed", format: "anthropic", baseUrl: upstream.baseUrl, apiKey: KEY, models: { "claude-*": "small-model" } }],
      accessTokens: [{ token: TOKEN }]
    })
    await api("POST", "/health/reset")
    const result = await json(await api("POST", "/providers/keyed/test", {}))
    expect(result).toMatchObject({ provider: "keyed", ok: true, status: 200, model: "small-model" })
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    const [call] = await upstream.calls()
    expect(JSON.parse(call!.body)).toMatchObject({ model: "small-model", max_tokens: 1, messages: [{ role: "user", content: "ping" }] })
    expect(call!.headers["x-api-key"]).toBe(KEY)
    expect((await json(await api("GET", "/health"))).providers[0]).toMatchObject({ requests: 0 })
  })

  it("reports the upstream's status and error body", async () => {
    const body = { type: "error", error: { type: "rate_limit_error", message: "slow down" } }
    const upstream = await scenario([{ status: 429, json: body }])
    await putConfig({ providers: [{ name: "limited", format: "anthropic", baseUrl: upstream.baseUrl, apiKey: KEY }], accessTokens: [{ token: TOKEN }] })
    const result = await json(await api("POST", "/providers/limited/test", {}))
    expect(result).toMatchObject({ ok: false, status: 429, error: { type: "RateLimited" } })
    expect(JSON.parse(result.error.body)).toEqual(body)
    expect(await upstream.calls()).toHaveLength(1)
  })

  it("reports a network failure without a status", async () => {
    await putConfig({ providers: [{ name: "gone", format: "anthropic", baseUrl: refusedUrl, apiKey: KEY }], accessTokens: [{ token: TOKEN }] })
    const result = await json(await api("POST", "/providers/gone/test", {}))
    expect(result).toMatchObject({ ok: false, status: null, error: { type: "Network" } })
  })

  it("tests a translated provider through its adapter", async () => {
    const upstream = await scenario([{
      json: { id: "c1", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "pong" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }
    }])
    await putConfig({ providers: [{ name: "oai", format: "openai", baseUrl: upstream.baseUrl, apiKey: KEY, models: { "*": "gpt-x" } }], accessTokens: [{ token: TOKEN }] })
    const result = await json(await api("POST", "/providers/oai/test", {}))
    expect(result).toMatchObject({ ok: true, status: 200, model: "gpt-x" })
    const [call] = await upstream.calls()
    expect(call!.path).toMatch(/\/chat\/completions$/)
  })

  it("needs the caller's key for a provider that forwards the caller's credential, and never stores it", async () => {
    const upstream = await scenario([{ json: anthropicMessage("pong") }])
    await putConfig({ providers: [{ name: "primary", format: "anthropic", baseUrl: upstream.baseUrl }] })
    const refused = await json(await api("POST", "/providers/primary/test", {}), 400)
    expect(refused.issues).toEqual([{ path: "apiKey", message: expect.stringMatching(/caller's own credential/) }])
    expect(await upstream.calls()).toHaveLength(0)
    const result = await json(await api("POST", "/providers/primary/test", { apiKey: "sk-ant-caller-key-0001" }))
    expect(result).toMatchObject({ ok: true, status: 200, model: "claude-haiku-4-5" })
    expect((await upstream.calls())[0]!.headers["x-api-key"]).toBe("sk-ant-caller-key-0001")
    expect(await env.CONFIG.get("config")).not.toContain("sk-ant-caller-key-0001")
  })
})

describe("admin API: Claude Code env and usage", () => {
  it("gives the settings for this deployment in URL-token and header forms, shell and settings.json", async () => {
    await putConfig({
      providers: [{ name: "keyed", format: "anthropic", baseUrl: "https://k.example.com", apiKey: KEY }],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await SELF.fetch("https://failover.example.workers.dev/admin/api/env", { headers: ADMIN })
    const view = await json(r)
    expect(view).toMatchObject({ baseUrl: "https://failover.example.workers.dev", tokenPlaceholder: "<your-access-token>", needsToken: true })
    const byId = Object.fromEntries(view.variants.map((v: { id: string }) => [v.id, v]))
    expect(byId["url-token"].shell).toBe('export ANTHROPIC_BASE_URL="https://failover.example.workers.dev/t/<your-access-token>"')
    expect(JSON.parse(byId["url-token"].settingsJson)).toEqual({ env: { ANTHROPIC_BASE_URL: "https://failover.example.workers.dev/t/<your-access-token>" } })
    expect(byId["header-token"].shell).toContain('export ANTHROPIC_CUSTOM_HEADERS="x-failover-token: <your-access-token>"')
    expect(JSON.parse(byId["header-token"].settingsJson).env).toEqual({
      ANTHROPIC_BASE_URL: "https://failover.example.workers.dev",
      ANTHROPIC_CUSTOM_HEADERS: "x-failover-token: <your-access-token>"
    })
    expect(byId["own-credential"].shell).toBe('export ANTHROPIC_BASE_URL="https://failover.example.workers.dev"')
    expect(JSON.stringify(view)).not.toContain(TOKEN)
  })

  it("counts requests, failovers and errors per provider and per token since the isolate started", async () => {
    const failing = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "busy" } } }])
    const ok = await scenario([{ json: anthropicMessage("ok") }])
    await putConfig({
      providers: [
        { name: "u-failing", format: "anthropic", baseUrl: failing.baseUrl, apiKey: KEY, retries: 0 },
        { name: "u-ok", format: "anthropic", baseUrl: ok.baseUrl, apiKey: KEY, retries: 0 }
      ],
      accessTokens: [{ token: TOKEN, note: "usage-test" }]
    })
    const before = await json(await api("GET", "/usage"))
    expect(before).toMatchObject({ scope: "isolate" })
    expect(new Date(before.sinceIso).getTime()).toBe(before.since)
    expect(before.note).toMatch(/isolate/)
    expect((await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN })).status).toBe(200)
    const after = await json(await api("GET", "/usage"))
    const delta = (now: { requests: number } | undefined, was: { requests: number } | undefined) => (now?.requests ?? 0) - (was?.requests ?? 0)
    expect(delta(after.providers["u-failing"], before.providers["u-failing"])).toBe(1)
    expect(after.providers["u-failing"].failovers).toBeGreaterThanOrEqual(1)
    expect(delta(after.providers["u-ok"], before.providers["u-ok"])).toBe(1)
    expect(delta(after.tokens["usage-test"], before.tokens["usage-test"])).toBe(1)
  })
})
