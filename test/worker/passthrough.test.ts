import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { anthropicMessage, messagesBody, post, putConfig, scenario, TOKEN } from "./helpers.js"

const single = async (steps: Parameters<typeof scenario>[0]) => {
  const up = await scenario(steps)
  await putConfig({ providers: [{ name: "primary", format: "anthropic", baseUrl: up.baseUrl }] })
  return up
}

describe("passthrough", () => {
  it("streams the upstream bytes through unchanged, chunk boundaries and odd bytes included", async () => {
    const frames = [
      "event: message_start\ndata: {\"type\":\"message_start\"}\n\n",
      "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"h\u00e9\"}}\r\n\r\n",
      ": comment kept\n\n",
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
    ]
    const up = await single([{ chunks: frames.map((data, i) => ({ data, delayMs: i === 0 ? 0 : 20 })), headers: { "request-id": "req_up" } }])
    const body = messagesBody({ stream: true })
    const r = await post("/v1/messages?beta=true", body)
    expect(r.status).toBe(200)
    expect(r.headers.get("content-type")).toBe("text/event-stream")
    expect(r.headers.get("request-id")).toBe("req_up")
    expect(await r.text()).toBe(frames.join(""))
    const [call] = await up.calls()
    expect(call!.path).toBe("/v1/messages")
    expect(call!.search).toBe("?beta=true")
  })

  it("sends the caller's exact body bytes and credentials to a client-credential provider", async () => {
    const up = await single([{ json: anthropicMessage() }])
    const raw = `{"model":"claude-sonnet-4-5",  "max_tokens":64,"messages":[{"role":"user","content":"h\\u00e9 \u{1F600}"}], "zzz":1}`
    const r = await post("/v1/messages", raw, { authorization: "Bearer sk-ant-oat-user", "anthropic-beta": "oauth-2025-04-20" })
    expect(r.status).toBe(200)
    const [call] = await up.calls()
    expect(call!.body).toBe(raw)
    expect(call!.headers["x-api-key"]).toBe("sk-ant-client-key")
    expect(call!.headers["authorization"]).toBe("Bearer sk-ant-oat-user")
    expect(call!.headers["anthropic-beta"]).toBe("oauth-2025-04-20")
  })

  it("passes count_tokens and other /v1 paths to the client-credential provider", async () => {
    const up = await single([{ json: { input_tokens: 42 } }, { json: { data: [], has_more: false } }])
    const r = await post("/v1/messages/count_tokens?beta=true", messagesBody())
    expect(await r.json()).toEqual({ input_tokens: 42 })
    const models = await SELF.fetch("http://proxy/v1/models?limit=1000", { headers: { "x-api-key": "k" } })
    expect(models.status).toBe(200)
    const calls = await up.calls()
    expect(calls.map((c) => `${c.method} ${c.path}${c.search}`)).toEqual([
      "POST /v1/messages/count_tokens?beta=true",
      "GET /v1/models?limit=1000"
    ])
  })

  it("returns a 400 from upstream to the client as it is, without failover", async () => {
    const primary = await scenario([{ status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "bad thing" } } }])
    const backup = await scenario([{ json: anthropicMessage() }])
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: primary.baseUrl },
        { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-0000" }
      ],
      accessTokens: [{ token: "tok_test_0123456789abcdef" }]
    })
    const r = await post("/v1/messages", messagesBody(), { "x-failover-token": "tok_test_0123456789abcdef" })
    expect(r.status).toBe(400)
    expect(((await r.json()) as { error: { message: string } }).error.message).toBe("bad thing")
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(await backup.calls()).toHaveLength(0)
  })

  it("answers HEAD / and GET /", async () => {
    expect((await SELF.fetch("http://proxy/", { method: "HEAD" })).status).toBe(200)
    expect((await SELF.fetch("http://proxy/")).status).toBe(200)
    expect((await SELF.fetch("http://proxy/t/some-token", { method: "HEAD" })).status).toBe(200)
  })

  it("puts x-failover-provider and x-request-id on every /v1 answer, errors included", async () => {
    await single([{ json: anthropicMessage() }])
    const ok = await post("/v1/messages", messagesBody())
    expect(ok.headers.get("x-failover-provider")).toBe("primary")
    expect(ok.headers.get("x-request-id")).toMatch(/^req_/)
    const bad = await post("/v1/messages", "not json")
    expect(bad.headers.get("x-failover-provider")).toBe("none")
    expect(bad.headers.get("x-request-id")).toMatch(/^req_/)
  })
})

describe("bad input", () => {
  it.each([
    ["not JSON", "{oops"],
    ["not an object", "[1,2]"],
    ["no model", JSON.stringify({ messages: [] })],
    ["no messages", JSON.stringify({ model: "m" })],
    ["a truncated body", JSON.stringify(messagesBody()).slice(0, -1)]
  ])("answers 400 invalid_request_error for %s without calling upstream", async (_, body) => {
    const up = await single([{ json: anthropicMessage() }])
    const r = await post("/v1/messages", body)
    expect(r.status).toBe(400)
    const json = (await r.json()) as { type: string; error: { type: string; message: string } }
    expect(json.type).toBe("error")
    expect(json.error.type).toBe("invalid_request_error")
    expect(await up.calls()).toHaveLength(0)
  })

  it("sends a body only Anthropic can judge to Anthropic as bytes, and its 400 comes back unchanged", async () => {
    const refusal = { type: "error", error: { type: "invalid_request_error", message: "messages.0.role: Input should be 'user' or 'assistant'" } }
    const up = await single([{ status: 400, json: refusal }])
    const body = JSON.stringify({ model: "m", messages: [{ role: "robot", content: "x" }] })
    const r = await post("/v1/messages", body)
    expect(r.status).toBe(400)
    expect(await r.json()).toEqual(refusal)
    const calls = await up.calls()
    expect(calls.map((c) => c.body)).toEqual([body])
  })

  it("answers 400 for a body a translated first provider cannot read, without calling upstream", async () => {
    const up = await scenario([{ json: {} }])
    await putConfig({
      providers: [{ name: "openai", format: "openai", baseUrl: up.baseUrl, apiKey: "sk-openai-0000" }],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await post("/v1/messages", JSON.stringify({ model: "m", messages: [{ role: "robot", content: "x" }] }), { "x-failover-token": TOKEN })
    expect(r.status).toBe(400)
    expect(((await r.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: "invalid_request_error", message: expect.stringContaining("messages.0.role") })
    expect(await up.calls()).toHaveLength(0)
  })

  it("after a byte-path failure, answers 400 for a body the translated fallback cannot read, without calling it", async () => {
    const primary = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "busy" } } }])
    const backup = await scenario([{ json: {} }])
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
        { name: "openai", format: "openai", baseUrl: backup.baseUrl, apiKey: "sk-openai-0000" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const body = JSON.stringify({ model: "m", messages: [{ role: "robot", content: "x" }] })
    const r = await post("/v1/messages", body, { "x-failover-token": TOKEN, "x-api-key": "sk-ant-client" })
    expect(r.status).toBe(400)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error")
    expect(await primary.calls()).toHaveLength(1)
    expect(await backup.calls()).toHaveLength(0)
  })

  it("answers 413 for a body over 32 MB without calling upstream", async () => {
    const up = await single([{ json: anthropicMessage() }])
    const big = JSON.stringify(messagesBody({ pad: "x".repeat(32 * 1024 * 1024) }))
    const r = await post("/v1/messages", big)
    expect(r.status).toBe(413)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("request_too_large")
    expect(await up.calls()).toHaveLength(0)
  })

  it("answers unknown routes with an Anthropic-shaped 404", async () => {
    const r = await SELF.fetch("http://proxy/nope")
    expect(r.status).toBe(404)
    expect(((await r.json()) as { type: string }).type).toBe("error")
  })
})
