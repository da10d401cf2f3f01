import { describe, expect, it } from "@effect/vitest"
import { contextOverflowMessage } from "../../../src/formats/anthropic/Messages.js"
import { foreignSignature, isForeignSignature } from "../../../src/formats/ForeignThinking.js"
import { TranslationError } from "../../../src/formats/Format.js"
import { OpenAiFormat } from "../../../src/formats/openai/index.js"
import { shortToolName } from "../../../src/formats/openai/toolNames.js"
import { baseRequest, translate } from "./helpers.js"

const completion = (message: Record<string, unknown>, finish: string | null = "stop", usage?: Record<string, unknown>) => ({
  id: "chatcmpl-abc123",
  object: "chat.completion",
  model: "upstream-model",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
  ...(usage ? { usage } : {})
})

const respond = (json: unknown, request = baseRequest()) => translate(request).response(json)

describe("OpenAI non-streaming response", () => {
  it("maps text, id, client model and usage (cached tokens split out)", () => {
    const m = respond(completion({ content: "Hello" }, "stop", { prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 60 } }))
    expect(m).toEqual({
      id: "msg_chatcmpl-abc123",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "Hello" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 7, cache_read_input_tokens: 60 }
    })
  })

  it("puts reasoning first as a foreign-signed thinking block (reasoning_content and reasoning)", () => {
    const a = respond(completion({ content: "A", reasoning_content: "deep" }))
    expect(a.content).toEqual([{ type: "thinking", thinking: "deep", signature: foreignSignature("openai") }, { type: "text", text: "A" }])
    const b = respond(completion({ content: "B", reasoning: "router" }))
    expect(b.content[0]).toEqual({ type: "thinking", thinking: "router", signature: foreignSignature("openai") })
    expect(isForeignSignature((b.content[0] as { signature: string }).signature)).toBe(true)
  })

  it("maps tool calls with parsed input; bad arguments become {}; stop reason is tool_use", () => {
    const m = respond(completion({
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "Bash", arguments: "{\"command\":\"ls\"}" } },
        { id: "call_2", type: "function", function: { name: "Read", arguments: "{not json" } },
        { id: "call_3", type: "function", function: { name: "Noop", arguments: "" } },
        { id: "call_4", type: "function", function: { name: "Twice", arguments: JSON.stringify(JSON.stringify({ x: 1 })) } }
      ]
    }, "stop"))
    expect(m.content).toEqual([
      { type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls" } },
      { type: "tool_use", id: "call_2", name: "Read", input: {} },
      { type: "tool_use", id: "call_3", name: "Noop", input: {} },
      { type: "tool_use", id: "call_4", name: "Twice", input: { x: 1 } }
    ])
    expect(m.stop_reason).toBe("tool_use")
  })

  it("maps finish reasons", () => {
    const stop = (f: string | null) => respond(completion({ content: "x" }, f)).stop_reason
    expect(stop("stop")).toBe("end_turn")
    expect(stop("length")).toBe("max_tokens")
    expect(stop("tool_calls")).toBe("tool_use")
    expect(stop("function_call")).toBe("tool_use")
    expect(stop("content_filter")).toBe("refusal")
    expect(stop(null)).toBe("end_turn")
    expect(respond(completion({ content: null, refusal: "I can't help with that." }, "content_filter"))).toMatchObject({
      content: [{ type: "text", text: "I can't help with that." }],
      stop_reason: "refusal"
    })
  })

  it("trap: maps shortened tool names back", () => {
    const long = `mcp__${"x".repeat(70)}__tool`
    const request = baseRequest({ tools: [{ name: long, input_schema: { type: "object" } }] })
    const m = respond(completion({ content: null, tool_calls: [{ id: "c", type: "function", function: { name: shortToolName(long), arguments: "{}" } }] }, "tool_calls"), request)
    expect(m.content).toEqual([{ type: "tool_use", id: "c", name: long, input: {} }])
  })

  it("throws TranslationError for a body that is not a chat completion", () => {
    expect(() => respond({ object: "list", data: [] })).toThrow(TranslationError)
    expect(() => respond({ choices: [] })).toThrow(TranslationError)
    expect(() => respond("nope")).toThrow(TranslationError)
    expect(() => respond({ error: { message: "boom", code: 502 } })).toThrow(/boom/)
  })

  it("produces a message shaped like Anthropic's (every block and field a client reads)", () => {
    const m = respond(completion({ content: "t", reasoning_content: "r", tool_calls: [{ id: "c", type: "function", function: { name: "A", arguments: "{}" } }] }, "tool_calls", { prompt_tokens: 3, completion_tokens: 2 }))
    expect(m.id).toMatch(/^msg_/)
    expect(Object.keys(m).sort()).toEqual(["content", "id", "model", "role", "stop_reason", "stop_sequence", "type", "usage"])
    expect(m.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"])
    expect(m.usage).toEqual({ input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 0 })
    // round-trips through JSON unchanged (no undefined, no class instances)
    expect(JSON.parse(JSON.stringify(m))).toEqual(m)
  })
})

describe("OpenAI error mapping", () => {
  const map = (status: number, body: string) => OpenAiFormat.mapError(status, body, baseRequest({ max_tokens: 32000 }))

  it("maps the type by status and keeps the upstream message", () => {
    const body = JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } })
    expect(map(429, body)).toEqual({ type: "rate_limit_error", message: "Rate limit reached" })
    expect(map(401, JSON.stringify({ error: { message: "bad key", type: "invalid_request_error", code: "invalid_api_key" } }))).toEqual({ type: "authentication_error", message: "bad key" })
    expect(map(503, "upstream connect error")).toEqual({ type: "overloaded_error", message: "upstream connect error" })
    expect(map(500, "")).toEqual({ type: "api_error", message: "upstream error" })
    expect(map(400, JSON.stringify({ error: "plain string error" }))).toEqual({ type: "invalid_request_error", message: "plain string error" })
  })

  it("maps OpenAI's context-length error to Anthropic's overflow wording", () => {
    const message = "This model's maximum context length is 128000 tokens. However, you requested 140000 tokens (108000 in the messages, 32000 in the completion). Please reduce the length of the messages or completion."
    expect(map(400, JSON.stringify({ error: { message, type: "invalid_request_error", code: "context_length_exceeded" } }))).toEqual({
      type: "invalid_request_error",
      message: contextOverflowMessage(108000, 32000, 128000)
    })
  })

  it("maps variants of the overflow wording, and keeps the message when numbers are unknown", () => {
    const router = "This endpoint's maximum context length is 200000 tokens. However, you requested about 250000 tokens (218000 of text input, 32000 in the output). Please reduce the length."
    expect(map(400, JSON.stringify({ error: { message: router, code: 400 } }))).toEqual({ type: "invalid_request_error", message: contextOverflowMessage(218000, 32000, 200000) })
    const vllm = "This model's maximum context length is 32768 tokens. However, your messages resulted in 40000 tokens. Please reduce the length of the messages."
    expect(map(400, JSON.stringify({ message: vllm }))).toEqual({ type: "invalid_request_error", message: contextOverflowMessage(40000, 32000, 32768) })
    expect(map(413, JSON.stringify({ error: { message: "too long", code: "context_length_exceeded" } }))).toEqual({ type: "invalid_request_error", message: "too long" })
  })
})
