import { describe, expect, it } from "vitest"
import { anthropicMessage, messagesBody, post, primaryAndBackup, putConfig, refusedUrl, scenario, type Step, TOKEN } from "./helpers.js"

const overloaded = (status: number, headers: Record<string, string> = {}): Step => ({
  status,
  headers,
  json: { type: "error", error: { type: status === 429 ? "rate_limit_error" : "overloaded_error", message: `upstream ${status}` } }
})

/** primary (client credential) then a keyed backup; returns both fakes. */
const chainOf = (primarySteps: Array<Step>, primaryExtra: Record<string, unknown> = {}, backupSteps: Array<Step> = [{ json: anthropicMessage("from backup") }]) =>
  primaryAndBackup(primarySteps, backupSteps, { primary: primaryExtra, settings: { retryBaseDelayMs: 1 }, tokenNote: "test" })

const withToken = { "x-failover-token": TOKEN }

describe("failover", () => {
  it.each([401, 403, 429, 500, 502, 503, 529])("moves on after a %i", async (status) => {
    const { primary, backup } = await chainOf([overloaded(status)])
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(((await r.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe("from backup")
    expect(await primary.calls()).toHaveLength(1)
    expect(await backup.calls()).toHaveLength(1)
  })

  it("moves on when the connection is refused", async () => {
    const backup = await scenario([{ json: anthropicMessage("from backup") }])
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: refusedUrl, retries: 0 },
        { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-secret-0001" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
  })

  it("moves on when the response headers do not come within timeoutMs", async () => {
    const { backup } = await chainOf([{ delayMs: 3000, json: anthropicMessage("late") }], { timeoutMs: 300, nonStreamingTimeoutMs: 300 })
    const started = Date.now()
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(Date.now() - started).toBeLessThan(2500)
    expect(await backup.calls()).toHaveLength(1)
  })

  it("does not fail over on 400, 404 or 413", async () => {
    for (const status of [400, 404, 413]) {
      const { backup } = await chainOf([overloaded(status)])
      const r = await post("/v1/messages", messagesBody(), withToken)
      expect(r.status).toBe(status)
      expect(await backup.calls()).toHaveLength(0)
    }
  })

  it("answers the primary's own error, Anthropic-shaped with its headers, when every provider fails", async () => {
    await chainOf([overloaded(429, { "retry-after": "7" })], {}, [overloaded(529)])
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(429)
    expect(r.headers.get("retry-after")).toBe("7")
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(r.headers.get("x-failover-attempts")).toMatch(/^primary=429( cooldown-until=\S+)?, backup=529$/)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error")
  })

  it("keeps the primary's 529 when a fallback refuses the request (400): no translation complaint reaches the client", async () => {
    await chainOf([overloaded(529)], {}, [{ status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: 128000 > 8192" } } }])
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(529)
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(r.headers.get("x-failover-attempts")).toBe(`primary=529, backup=400 "max_tokens: 128000 > 8192"`)
  })

  it("turns a non-JSON upstream error page into an Anthropic error body", async () => {
    const primary = await scenario([{ status: 502, headers: { "content-type": "text/html" }, body: "<html>bad gateway</html>" }])
    await putConfig({ providers: [{ name: "primary", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 }] })
    const r = await post("/v1/messages", messagesBody())
    expect(r.status).toBe(502)
    const json = (await r.json()) as { type: string; error: { type: string } }
    expect(json.type).toBe("error")
    expect(json.error.type).toBe("api_error")
  })
})

describe("retries", () => {
  it("retries a provider `retries` times before moving on", async () => {
    const { primary, backup } = await chainOf([overloaded(529)], { retries: 2 })
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await primary.calls()).toHaveLength(3)
    expect(await backup.calls()).toHaveLength(1)
  })

  it("succeeds on a retry without failing over", async () => {
    const { primary, backup } = await chainOf([overloaded(529), { json: anthropicMessage("second try") }], { retries: 1 })
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(await primary.calls()).toHaveLength(2)
    expect(await backup.calls()).toHaveLength(0)
  })

  it("waits out a short Retry-After on the same provider", async () => {
    const { primary, backup } = await chainOf([overloaded(429, { "retry-after-ms": "400" }), { json: anthropicMessage("ok") }], { retries: 1 })
    const started = Date.now()
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(Date.now() - started).toBeGreaterThanOrEqual(390)
    expect(await primary.calls()).toHaveLength(2)
    expect(await backup.calls()).toHaveLength(0)
  })

  it("moves on at once when Retry-After is long", async () => {
    const { primary, backup } = await chainOf([overloaded(429, { "retry-after": "30" })], { retries: 3 })
    const started = Date.now()
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(Date.now() - started).toBeLessThan(2000)
    expect(await primary.calls()).toHaveLength(1)
    expect(await backup.calls()).toHaveLength(1)
  })

  it("does not retry a 401", async () => {
    const { primary } = await chainOf([overloaded(401)], { retries: 3 })
    await post("/v1/messages", messagesBody(), withToken)
    expect(await primary.calls()).toHaveLength(1)
  })
})
