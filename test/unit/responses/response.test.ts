import { describe, expect, it } from "@effect/vitest"
import { TranslationError } from "../../../src/formats/Format.js"
import { providerTag, reasoningSignature } from "../../../src/formats/responses/reasoning.js"
import { mapResponsesError } from "../../../src/formats/responses/response.js"
import { baseRequest, ctx, translate, usageOf } from "./helpers.js"

const t = translate(baseRequest())
const tag = providerTag(ctx().provider)

describe("Responses non-streaming answer -> Anthropic message", () => {
  it("keeps output[] in order: reasoning, text and refusals, function calls", () => {
    const message = t.response({
      id: "resp_9",
      object: "response",
      status: "completed",
      output: [
        { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "think" }], encrypted_content: "ENC" },
        { id: "msg_1", type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello ", annotations: [] }, { type: "output_text", text: "there", annotations: [] }] },
        { id: "fc_1", type: "function_call", call_id: "call_1", name: "Bash", arguments: "{\"command\":\"pwd\"}" }
      ],
      usage: usageOf(500, 30, 400)
    })
    expect(message).toEqual({
      id: "msg_resp_9",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "thinking", thinking: "think", signature: reasoningSignature(tag, { id: "rs_1", encryptedContent: "ENC" }) },
        { type: "text", text: "Hello there" },
        { type: "tool_use", id: "call_1", name: "Bash", input: { command: "pwd" } }
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 30, cache_read_input_tokens: 400 }
    })
  })

  it("a refusal is text with stop_reason refusal; incomplete maps to max_tokens", () => {
    const refused = t.response({ id: "r", status: "completed", output: [{ type: "message", content: [{ type: "refusal", refusal: "No." }] }], usage: usageOf(1, 1, 0) })
    expect(refused.content).toEqual([{ type: "text", text: "No." }])
    expect(refused.stop_reason).toBe("refusal")
    const cut = t.response({ id: "r", status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [], usage: usageOf(1, 1, 0) })
    expect(cut.stop_reason).toBe("max_tokens")
  })

  it("something that is not a response, or a failed one, is a translation error (the chain fails over)", () => {
    expect(() => t.response({ choices: [] })).toThrow(TranslationError)
    expect(() => t.response({ id: "r", status: "failed", error: { code: "server_error", message: "x" }, output: [] })).toThrow(/failed/)
  })
})

describe("Responses API HTTP errors -> Anthropic errors", () => {
  const request = baseRequest({ max_tokens: 32000 })

  it("context_length_exceeded becomes the context-limit 400 Claude Code acts on", () => {
    const text = JSON.stringify({ error: { message: "Your input exceeds the context window of this model. Please adjust your input and try again.", type: "invalid_request_error", param: "input", code: "context_length_exceeded" } })
    const mapped = mapResponsesError(400, text, request)
    expect(mapped.type).toBe("invalid_request_error")
    expect(mapped.message).toMatch(/^prompt is too long: /)
    // with numbers, Anthropic's exact wording (Claude Code lowers max_tokens from it)
    const withNumbers = JSON.stringify({ error: { message: "This model's maximum context length is 128000 tokens. However, you requested 140000 tokens (108000 in the messages, 32000 in the completion).", code: "context_length_exceeded" } })
    expect(mapResponsesError(400, withNumbers, request).message).toBe(
      "input length and `max_tokens` exceed context limit: 108000 + 32000 > 128000, decrease input length or `max_tokens` and try again"
    )
  })

  it("429 insufficient_quota is marked exhausted (no retry on the same provider); rate_limit_exceeded is not", () => {
    const quota = mapResponsesError(429, JSON.stringify({ error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" } }), request)
    expect(quota).toMatchObject({ type: "rate_limit_error", exhausted: true })
    const limited = mapResponsesError(429, JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }), request)
    expect(limited.type).toBe("rate_limit_error")
    expect(limited.exhausted).toBeUndefined()
  })

  it("other statuses keep their Anthropic type and the upstream's message", () => {
    expect(mapResponsesError(401, JSON.stringify({ error: { message: "Incorrect API key" } }), request)).toEqual({ type: "authentication_error", message: "Incorrect API key" })
    expect(mapResponsesError(500, "oops", request)).toEqual({ type: "api_error", message: "oops" })
  })
})
