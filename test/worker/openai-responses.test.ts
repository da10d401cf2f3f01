import type Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "vitest"
import fixture from "../fixtures/claude-code-request.json"
import { anthropicMessage, anthropicStream, messagesBody, post, putConfig, scenario, sdkClient, type Step, TOKEN } from "./helpers.js"

let seq = 0
const ev = (type: string, fields: Record<string, unknown> = {}) => ({
  data: `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`
})
const response = (status: string, extra: Record<string, unknown> = {}) => ({ id: "resp_1", object: "response", status, model: "gpt-x", output: [], ...extra })
const created = () => [ev("response.created", { response: response("in_progress", { usage: null }) })]
const usage = { input_tokens: 1000, input_tokens_details: { cached_tokens: 400 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 1030 }
const text = (index: number, id: string, t: string) => [
  ev("response.output_item.added", { output_index: index, item: { id, type: "message", role: "assistant", content: [] } }),
  ev("response.output_text.delta", { item_id: id, output_index: index, content_index: 0, delta: t }),
  ev("response.output_item.done", { output_index: index, item: { id, type: "message", role: "assistant", content: [{ type: "output_text", text: t, annotations: [] }] } })
]

const toolStream: Step = {
  chunks: [
    ...created(),
    ev("response.output_item.added", { output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } }),
    ev("response.output_item.done", { output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [], encrypted_content: "ENC" } }),
    ...text(1, "msg_1", "Let me check."),
    ev("response.output_item.added", { output_index: 2, item: { id: "fc_1", type: "function_call", call_id: "call_1", name: "Bash", arguments: "" } }),
    ev("response.function_call_arguments.delta", { item_id: "fc_1", output_index: 2, delta: "{\"command\":\"ls" }),
    ev("response.function_call_arguments.delta", { item_id: "fc_1", output_index: 2, delta: " -la\"}" }),
    ev("response.function_call_arguments.done", { item_id: "fc_1", output_index: 2, arguments: "{\"command\":\"ls -la\"}" }),
    ev("response.output_item.done", { output_index: 2, item: { id: "fc_1", type: "function_call", call_id: "call_1", name: "Bash", arguments: "{\"command\":\"ls -la\"}" } }),
    ev("response.completed", { response: response("completed", { usage }) })
  ]
}

const overloaded: Step = { status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }

/** anthropic (529) -> the Responses provider -> a last anthropic-format backup. */
const chain = async (responsesSteps: Array<Step>, options: { retries?: number; stream?: boolean; last?: boolean } = {}) => {
  const primary = await scenario([overloaded])
  const responses = await scenario(responsesSteps)
  const last = await scenario([options.stream === true ? { chunks: [{ data: anthropicStream("from the last provider") }] } : { json: anthropicMessage("from the last provider") }])
  await putConfig({
    providers: [
      { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
      { name: "gpt", format: "openai-responses", baseUrl: responses.baseUrl, apiKey: "sk-resp-stored-0001", models: { "*": "gpt-5" }, maxTokens: 8192, retries: options.retries ?? 0 },
      ...(options.last === false ? [] : [{ name: "last", format: "anthropic", baseUrl: last.baseUrl, apiKey: "sk-last-0001", retries: 0 }])
    ],
    accessTokens: [{ token: TOKEN }],
    settings: { retryBaseDelayMs: 0 }
  })
  return { primary, responses, last }
}

describe("openai-responses fallback", () => {
  it("serves a real Claude Code request after the primary fails: reasoning, text and a tool call", async () => {
    const { responses, last } = await chain([toolStream])
    const message = await sdkClient().messages.stream(fixture as unknown as Anthropic.MessageStreamParams).finalMessage()
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"])
    expect(message.content[2]).toMatchObject({ type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls -la" } })
    expect(message.stop_reason).toBe("tool_use")
    expect(message.usage).toMatchObject({ input_tokens: 600, cache_read_input_tokens: 400, output_tokens: 30 })
    expect(await last.calls()).toHaveLength(0)

    const [call] = await responses.calls()
    expect(call!.path).toBe("/responses")
    expect(call!.headers["authorization"]).toBe("Bearer sk-resp-stored-0001")
    expect(call!.headers["x-api-key"]).toBeUndefined()
    const sent = JSON.parse(call!.body) as Record<string, unknown>
    expect(sent).toMatchObject({ model: "gpt-5", store: false, stream: true, max_output_tokens: 8192 })
    expect(sent["instructions"]).toBeTypeOf("string")
    for (const dropped of ["messages", "system", "thinking", "metadata", "context_management", "output_config"]) expect(sent).not.toHaveProperty(dropped)
  })

  it("gives the provider its own reasoning back on the next turn, and nobody else's", async () => {
    const { responses } = await chain([toolStream, { json: response("completed", { output: [{ type: "message", content: [{ type: "output_text", text: "done" }] }], usage }) }])
    const first = await sdkClient().messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "hi" }]
    }).finalMessage()
    const next = await sdkClient().messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "thinking", thinking: "anthropic's", signature: "EqQBCkYIBxgC" }, ...first.content] as Array<Anthropic.ContentBlockParam> },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "a.txt" }] }
      ]
    })
    expect(next.content).toEqual([{ type: "text", text: "done" }])
    const sent = JSON.parse((await responses.calls())[1]!.body) as { input: Array<Record<string, unknown>>; reasoning: unknown; include: unknown }
    expect(sent.reasoning).toEqual({ effort: "low" })
    expect(sent.include).toEqual(["reasoning.encrypted_content"])
    expect(sent.input.filter((i) => i["type"] === "reasoning")).toEqual([{ type: "reasoning", id: "rs_1", encrypted_content: "ENC", summary: [] }])
    expect(sent.input.map((i) => i["type"])).toEqual(["message", "reasoning", "message", "function_call", "function_call_output"])
  })

  it("fails over on an in-band error before any content", async () => {
    const { responses, last } = await chain([{ chunks: [...created(), ev("error", { code: "server_error", message: "The server had an error processing your request." })] }], { stream: true })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(await r.text()).toContain("from the last provider")
    expect(await responses.calls()).toHaveLength(1)
    expect(await last.calls()).toHaveLength(1)
  })

  it("fails over on response.failed before any content", async () => {
    const { last } = await chain([{ chunks: [...created(), ev("response.failed", { response: response("failed", { error: { code: "server_error", message: "failed" } }) })] }], { stream: true })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(await last.calls()).toHaveLength(1)
  })

  it("ends with an error event when the response fails after content was sent", async () => {
    const { last } = await chain([{
      chunks: [...created(), ...text(0, "msg_1", "half an answer"), ev("response.failed", { response: response("failed", { error: { code: "server_error", message: "lost it" } }) })]
    }])
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    expect(r.status).toBe(200)
    const body = await r.text()
    expect(body).toContain("half an answer")
    expect(body).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"lost it"\}\}/)
    expect(body).not.toContain("message_stop")
    expect(await last.calls()).toHaveLength(0)
  })

  it("maps a context overflow to Anthropic's 400 (an HTTP error, and the in-band one before any content too) when no fallback has room", async () => {
    const overflow = { code: "context_length_exceeded", message: "Your input exceeds the context window of this model. Please adjust your input and try again." }
    await chain([{ status: 400, json: { error: { ...overflow, type: "invalid_request_error", param: "input" } } }], { last: false })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.status).toBe(400)
    const error = (await r.json()) as { type: string; error: { type: string; message: string } }
    expect(error.error.type).toBe("invalid_request_error")
    expect(error.error.message).toMatch(/^prompt is too long: /)

    await chain([{ chunks: [...created(), ev("response.failed", { response: response("failed", { error: overflow }) })] }], { last: false })
    const s = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    // Anthropic answers an oversized request with an HTTP 400 before any stream: so do we.
    expect(s.status).toBe(400)
    const inBand = (await s.json()) as { type: string; error: { type: string; message: string } }
    expect(inBand.error.type).toBe("invalid_request_error")
    expect(inBand.error.message).toMatch(/prompt is too long/)
  })

  it("a fallback's context overflow moves on to a provider with room", async () => {
    const overflow = { code: "context_length_exceeded", message: "Your input exceeds the context window of this model. Please adjust your input and try again." }
    const { last } = await chain([{ chunks: [...created(), ev("response.failed", { response: response("failed", { error: overflow }) })] }], { stream: true })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(r.headers.get("x-failover-attempts")).toMatch(/^anthropic=529, gpt=400 "prompt is too long/)
    expect(await last.calls()).toHaveLength(1)
  })

  it("does not retry a 429 insufficient_quota on the same provider, and still fails over", async () => {
    const quota: Step = { status: 429, json: { error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" } } }
    const { responses } = await chain([quota], { retries: 3 })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(await responses.calls()).toHaveLength(1)
  })

  it("retries a 429 rate_limit_exceeded on the same provider", async () => {
    const limited: Step = { status: 429, json: { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } } }
    const { responses } = await chain([limited, { json: response("completed", { output: [{ type: "message", content: [{ type: "output_text", text: "ok" }] }], usage }) }], { retries: 1 })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-provider")).toBe("gpt")
    expect(await responses.calls()).toHaveLength(2)
  })
})

describe("the openai-responses direct route", () => {
  it("translates with the caller's own key for an allowed host", async () => {
    const up = await scenario([{ json: response("completed", { output: [{ type: "message", content: [{ type: "output_text", text: "direct" }] }], usage }) }])
    const anthropic = await scenario([{ json: anthropicMessage() }])
    const u = new URL(up.baseUrl)
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: anthropic.baseUrl }], settings: { directRoutes: true, directHosts: [u.host] } })
    const r = await post(`/openai-responses/${u.host}${u.pathname}/v1/messages`, messagesBody(), { "x-api-key": "sk-caller-own" })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe(`openai-responses:${u.host}`)
    expect(((await r.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe("direct")
    const [call] = await up.calls()
    expect(call!.path).toBe("/responses")
    expect(call!.headers["authorization"]).toBe("Bearer sk-caller-own")
    expect(await anthropic.calls()).toHaveLength(0)
  })
})
