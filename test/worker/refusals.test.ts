/**
 * What a provider's answer is worth: a 200 that is not an answer fails over, and a 400 that names the
 * parameter or beta it refused is sent once more without it and remembered.
 */
import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { ADMIN, anthropicMessage, anthropicStream, messagesBody, post, primaryAndBackup, putConfig, scenario, TOKEN } from "./helpers.js"

const withToken = { "x-failover-token": TOKEN }

describe("a 200 that is not an answer fails over", () => {
  it.each([
    ["JSON", { json: anthropicMessage("not a stream") }],
    ["an HTML page", { headers: { "content-type": "text/html" }, body: "<html>captive portal</html>" }],
    ["SSE without content", { chunks: [{ data: "event: ping\ndata: {\"type\":\"ping\"}\n\n" }] }]
  ])("a streaming request answered with %s", async (_what, step) => {
    const { backup } = await primaryAndBackup([step], [{ chunks: [{ data: anthropicStream("from backup") }] }])
    const r = await post("/v1/messages", messagesBody({ stream: true }), withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(r.headers.get("x-failover-attempts")).toMatch(/^primary=bad-response, backup=200$/)
    expect(await r.text()).toContain("from backup")
    expect(await backup.calls()).toHaveLength(1)
  })

  it.each([
    ["not JSON", { body: "{not json" }],
    ["cut short", { headers: { "content-type": "application/json" }, body: JSON.stringify(anthropicMessage()).slice(0, 40) }],
    ["JSON that is not a message", { json: { ok: true } }],
    ["an HTML page", { headers: { "content-type": "text/html" }, body: "<html>gateway</html>" }]
  ])("a non-streaming request answered with %s", async (_what, step) => {
    await primaryAndBackup([step], [{ json: anthropicMessage("from backup") }])
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(((await r.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe("from backup")
  })

  it("a real message passes, with its usage counted", async () => {
    await primaryAndBackup([{ json: anthropicMessage("fine") }], [{ json: anthropicMessage("from backup") }])
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(await r.json()).toEqual(anthropicMessage("fine"))
  })
})

const unsupported = (param: string) => ({
  status: 400,
  json: { error: { message: `Unsupported parameter: '${param}' is not supported with this model.`, type: "invalid_request_error", param, code: "unsupported_parameter" } }
})
const chatAnswer = {
  json: { id: "c1", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1 } }
}

describe("a 400 that names what it refused", () => {
  it("is sent once more without the parameter, and the next request leaves it out from the start", async () => {
    const up = await scenario([unsupported("temperature"), chatAnswer])
    await putConfig({
      providers: [{ name: "compat", format: "openai", baseUrl: up.baseUrl, apiKey: "sk-compat-0000001", models: { "*": "some-model" }, retries: 0 }],
      accessTokens: [{ token: TOKEN }]
    })
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    const first = await post("/v1/messages", messagesBody({ temperature: 0.7 }), withToken)
    expect(first.status).toBe(200)
    const second = await post("/v1/messages", messagesBody({ temperature: 0.7 }), withToken)
    expect(second.status).toBe(200)
    const calls = await up.calls()
    expect(calls.map((c) => "temperature" in JSON.parse(c.body))).toEqual([true, false, false])

    const health = (await (await SELF.fetch("http://proxy/admin/api/health", { headers: ADMIN })).json()) as {
      providers: Array<{ name: string; learned?: Array<{ model: string; params: Array<string>; betas: Array<string> }> }>
    }
    expect(health.providers[0]!.learned).toEqual([{ model: "some-model", params: ["temperature"], betas: [] }])

    // A health reset forgets it: the next request tries the parameter again.
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    await post("/v1/messages", messagesBody({ temperature: 0.7 }), withToken)
    expect((await up.calls()).map((c) => "temperature" in JSON.parse(c.body))).toEqual([true, false, false, true])
  })

  it("an Anthropic-format provider's refused beta is left out on the retry and from then on", async () => {
    const refusal = {
      status: 400,
      json: { type: "error", error: { type: "invalid_request_error", message: "Unexpected value(s) `effort-2025-11-24`, `per-turn-control-2026-07-01` for the `anthropic-beta` header. Please consult our documentation." } }
    }
    const { backup } = await primaryAndBackup(
      [{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }],
      [refusal, { json: anthropicMessage("from backup") }]
    )
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    const beta = "claude-code-20250219,effort-2025-11-24,per-turn-control-2026-07-01,interleaved-thinking-2025-05-14"
    const r = await post("/v1/messages", messagesBody(), { ...withToken, "anthropic-beta": beta })
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    await post("/v1/messages", messagesBody(), { ...withToken, "anthropic-beta": beta })
    expect((await backup.calls()).map((c) => c.headers["anthropic-beta"])).toEqual([
      beta,
      "claude-code-20250219,interleaved-thinking-2025-05-14",
      "claude-code-20250219,interleaved-thinking-2025-05-14"
    ])
  })

  it("a body field named as not permitted is left out on the retry", async () => {
    const up = await scenario([
      { status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "context_management: Extra inputs are not permitted" } } },
      { json: anthropicMessage("ok") }
    ])
    await putConfig({ providers: [{ name: "compat", format: "anthropic", baseUrl: up.baseUrl, apiKey: "sk-compat-0000001" }], accessTokens: [{ token: TOKEN }] })
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    const r = await post("/v1/messages", messagesBody({ context_management: { edits: [] } }), withToken)
    expect(r.status).toBe(200)
    expect((await up.calls()).map((c) => "context_management" in JSON.parse(c.body))).toEqual([true, false])
  })

  it("is retried at most once per request: a second refusal goes back (first provider)", async () => {
    const up = await scenario([unsupported("temperature"), unsupported("top_p")])
    await putConfig({
      providers: [{ name: "compat", format: "openai", baseUrl: up.baseUrl, apiKey: "sk-compat-0000001", models: { "*": "other-model" }, retries: 0 }],
      accessTokens: [{ token: TOKEN }]
    })
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    const r = await post("/v1/messages", messagesBody({ temperature: 0.5, top_p: 0.9 }), withToken)
    expect(r.status).toBe(400)
    expect(await up.calls()).toHaveLength(2)
  })
})
