/**
 * Claude Code's gateway protocol: what a gateway in front of it forwards unchanged, how long it waits,
 * which credentials it recognises, and which failures it must not hide.
 */
import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { anthropicMessage, messagesBody, post, primaryAndBackup, putConfig, scenario, TOKEN } from "./helpers.js"

const sse = (type: string, data: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
const start = sse("message_start", {
  message: { id: "msg_1", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }
})
const rest = (text: string) =>
  sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } }) +
  sse("content_block_delta", { index: 0, delta: { type: "text_delta", text } }) +
  sse("content_block_stop", { index: 0 }) +
  sse("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } }) +
  sse("message_stop")
const withToken = { "x-failover-token": TOKEN }

/** Claude Code's first system block, with the volatile `cch=` some versions send. */
const ATTRIBUTED =
  `{"model":"claude-opus-5-5","max_tokens":10,"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.330.034; cc_entrypoint=sdk-cli; cch=9f3a1;"},{"type":"text","text":"You are Claude."}],"messages":[{"role":"user","content":"hi"}]}`

describe("the attribution block", () => {
  it("reaches a client-credential provider byte-identical with default settings", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    expect((await post("/v1/messages", ATTRIBUTED)).status).toBe(200)
    expect((await up.calls())[0]!.body).toBe(ATTRIBUTED)
  })

  it("reaches a keyed provider and a fallback byte-identical with default settings", async () => {
    const { primary, backup } = await primaryAndBackup([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }], [{ json: anthropicMessage() }])
    const r = await post("/v1/messages", ATTRIBUTED, withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect((await primary.calls())[0]!.body).toBe(ATTRIBUTED)
    expect((await backup.calls())[0]!.body).toBe(ATTRIBUTED)
  })
})

describe("stream timing", () => {
  it("answers a 429 that arrives after 10 s as a 429 with its headers, not as a 200 with pings (default settings)", async () => {
    const up = await scenario([{
      delayMs: 10_500,
      status: 429,
      headers: {
        "retry-after": "30",
        "x-should-retry": "true",
        "anthropic-ratelimit-unified-status": "rejected",
        "anthropic-ratelimit-unified-reset": "1893456000"
      },
      json: { type: "error", error: { type: "rate_limit_error", message: "This request would exceed your rate limit" } }
    }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl, retries: 0 }] })
    const r = await post("/v1/messages", messagesBody({ stream: true }))
    expect(r.status).toBe(429)
    expect(r.headers.get("retry-after")).toBe("30")
    expect(r.headers.get("x-should-retry")).toBe("true")
    expect(r.headers.get("anthropic-ratelimit-unified-status")).toBe("rejected")
    expect(r.headers.get("anthropic-ratelimit-unified-reset")).toBe("1893456000")
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error")
  }, 30_000)

  it("rounds a fractional retry-after up to whole seconds", async () => {
    const up = await scenario([{ status: 429, headers: { "retry-after": "2.2" }, json: { type: "error", error: { type: "rate_limit_error", message: "slow down" } } }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl, retries: 0 }] })
    const r = await post("/v1/messages", messagesBody())
    expect(r.status).toBe(429)
    expect(r.headers.get("retry-after")).toBe("3")
  })

  it("waits for an upstream that keeps pinging past the silence limit, and does not send the request again", async () => {
    const pings = Array.from({ length: 8 }, () => ({ data: sse("ping"), delayMs: 150 }))
    const { primary, backup } = await primaryAndBackup(
      [{ chunks: [{ data: start }, ...pings, { data: rest("late but alive") }] }],
      [{ json: anthropicMessage("from backup") }],
      { settings: { stream: { firstEventIdleMs: 500, firstEventTimeoutMs: 10_000 } } }
    )
    const r = await post("/v1/messages", messagesBody({ stream: true }), withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(await r.text()).toContain("late but alive")
    expect(await primary.calls()).toHaveLength(1)
    expect(await backup.calls()).toHaveLength(0)
  })

  it("gives up early on an upstream that sends nothing after its headers, and fails over", async () => {
    const { backup } = await primaryAndBackup(
      [{ chunks: [], stall: true }],
      [{ chunks: [{ data: start + rest("from backup") }] }],
      { settings: { stream: { firstEventIdleMs: 400, firstEventTimeoutMs: 60_000 } } }
    )
    const began = Date.now()
    const r = await post("/v1/messages", messagesBody({ stream: true }), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await r.text()).toContain("from backup")
    expect(Date.now() - began).toBeLessThan(10_000)
    expect(await backup.calls()).toHaveLength(1)
    expect(r.headers.get("x-failover-attempts")).toMatch(/primary/)
  })
})

describe("keyed Anthropic-format providers", () => {
  it("get every anthropic-* header, but never the OAuth beta or a credential", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "keyed", format: "anthropic", baseUrl: up.baseUrl, apiKey: "sk-stored-key-000111" }], accessTokens: [{ token: TOKEN }] })
    await post("/v1/messages", messagesBody(), {
      ...withToken,
      authorization: "Bearer sk-ant-oat01-subscription",
      "anthropic-future-header": "yes",
      "anthropic-workspace-id": "wrkspc_01",
      "anthropic-beta": "claude-code-20250219,oauth-2025-04-20,effort-2025-11-24",
      "anthropic-api-key": "sk-should-not-pass"
    })
    const [call] = await up.calls()
    expect(call!.headers["anthropic-future-header"]).toBe("yes")
    expect(call!.headers["anthropic-workspace-id"]).toBe("wrkspc_01")
    expect(call!.headers["anthropic-beta"]).toBe("claude-code-20250219,effort-2025-11-24")
    expect(call!.headers["anthropic-api-key"]).toBeUndefined()
    expect(call!.headers["authorization"]).toBeUndefined()
    expect(call!.headers["x-api-key"]).toBe("sk-stored-key-000111")
  })

  it("drop anthropic-beta when the OAuth beta was all it held", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "keyed", format: "anthropic", baseUrl: up.baseUrl, apiKey: "sk-stored-key-000111" }], accessTokens: [{ token: TOKEN }] })
    await post("/v1/messages", messagesBody(), { ...withToken, "anthropic-beta": "oauth-2025-04-20" })
    expect((await up.calls())[0]!.headers["anthropic-beta"]).toBeUndefined()
  })

  it("a client-credential provider keeps the OAuth beta its subscription needs", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    await post("/v1/messages", messagesBody(), { authorization: "Bearer sk-ant-oat01-subscription", "anthropic-beta": "claude-code-20250219,oauth-2025-04-20" })
    expect((await up.calls())[0]!.headers["anthropic-beta"]).toBe("claude-code-20250219,oauth-2025-04-20")
  })
})

describe("an access token in the usual credential headers", () => {
  const keyed = async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "keyed", format: "anthropic", baseUrl: up.baseUrl, apiKey: "sk-stored-key-000111" }], accessTokens: [{ token: TOKEN }] })
    return up
  }

  it("is recognised as x-api-key (ANTHROPIC_API_KEY) and never forwarded", async () => {
    const up = await keyed()
    const r = await SELF.fetch("http://proxy/v1/messages", { method: "POST", headers: { "content-type": "application/json", "x-api-key": TOKEN }, body: JSON.stringify(messagesBody()) })
    expect(r.status).toBe(200)
    const [call] = await up.calls()
    expect(call!.headers["x-api-key"]).toBe("sk-stored-key-000111")
    expect(JSON.stringify(call!.headers)).not.toContain(TOKEN)
  })

  it("is recognised as Authorization: Bearer (ANTHROPIC_AUTH_TOKEN, apiKeyHelper) and never forwarded", async () => {
    const up = await keyed()
    const r = await SELF.fetch("http://proxy/v1/messages", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(messagesBody()) })
    expect(r.status).toBe(200)
    const [call] = await up.calls()
    expect(call!.headers["authorization"]).toBeUndefined()
    expect(JSON.stringify(call!.headers)).not.toContain(TOKEN)
  })

  it("never reaches a client-credential primary either; the caller's other credential does", async () => {
    const { primary, backup } = await primaryAndBackup([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }], [{ json: anthropicMessage() }])
    const r = await post("/v1/messages", messagesBody(), { "x-api-key": TOKEN, authorization: "Bearer sk-ant-oat01-own" })
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    const [p] = await primary.calls()
    expect(p!.headers["authorization"]).toBe("Bearer sk-ant-oat01-own")
    expect(p!.headers["x-api-key"]).toBeUndefined()
    expect(JSON.stringify([p!.headers, (await backup.calls())[0]!.headers])).not.toContain(TOKEN)
  })

  it("a key that is not a configured token stays the caller's own credential", async () => {
    const up = await keyed()
    const r = await SELF.fetch("http://proxy/v1/messages", { method: "POST", headers: { "content-type": "application/json", "x-api-key": "sk-ant-something-else" }, body: JSON.stringify(messagesBody()) })
    expect(r.status).toBe(401)
    expect(await up.calls()).toHaveLength(0)
  })
})

describe("failures are not hidden as successes", () => {
  const refusal = { status: 401, json: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } } }

  it("GET /v1/models passes a refused credential through", async () => {
    const up = await scenario([refusal])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl, models: { "claude-opus-5-5": "x" } }] })
    const r = await SELF.fetch("http://proxy/v1/models?limit=1000", { headers: { "x-api-key": "sk-ant-bad" } })
    expect(r.status).toBe(401)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("authentication_error")
  })

  it("GET /v1/models answers the configured names when the upstream is down", async () => {
    const up = await scenario([{ status: 503, json: { type: "error", error: { type: "api_error", message: "down" } } }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl, retries: 0, models: { "claude-opus-5-5": "x" } }] })
    const r = await SELF.fetch("http://proxy/v1/models?limit=1000", { headers: { "x-api-key": "sk-ant-good" } })
    expect(r.status).toBe(200)
    expect(((await r.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(["claude-opus-5-5"])
  })

  it("count_tokens passes a refused credential through instead of estimating", async () => {
    const up = await scenario([refusal])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    const r = await post("/v1/messages/count_tokens", { model: "m", messages: [{ role: "user", content: "hello" }] })
    expect(r.status).toBe(401)
  })

  it("count_tokens estimates when the upstream is down", async () => {
    const up = await scenario([{ status: 503, json: { type: "error", error: { type: "api_error", message: "down" } } }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl, retries: 0 }] })
    const r = await post("/v1/messages/count_tokens", { model: "m", messages: [{ role: "user", content: "hello" }] })
    expect(r.status).toBe(200)
    expect(((await r.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0)
  })
})

describe("x-should-retry", () => {
  it("false means one try on that provider; the chain still moves on", async () => {
    const { primary, backup } = await primaryAndBackup(
      [{ status: 529, headers: { "x-should-retry": "false" }, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }],
      [{ json: anthropicMessage("from backup") }],
      { primary: { retries: 3 } }
    )
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await primary.calls()).toHaveLength(1)
    expect(await backup.calls()).toHaveLength(1)
  })

  it("without it, the same error is retried", async () => {
    const { primary } = await primaryAndBackup(
      [{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }],
      [{ json: anthropicMessage("from backup") }],
      { primary: { retries: 2 }, settings: { retryBaseDelayMs: 0 } }
    )
    await post("/v1/messages", messagesBody(), withToken)
    expect(await primary.calls()).toHaveLength(3)
  })
})
