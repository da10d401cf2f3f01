import { describe, expect, it } from "@effect/vitest"
import { contextOverflowMessage, type MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { TranslationError } from "../../../src/formats/Format.js"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { toAnthropicMessage } from "../../../src/formats/gemini/response.js"
import { counter } from "./helpers.js"

const usageMetadata = {
  promptTokenCount: 120,
  cachedContentTokenCount: 100,
  candidatesTokenCount: 7,
  thoughtsTokenCount: 30,
  totalTokenCount: 157
}

const answer = (parts: Array<unknown>, finishReason: string | undefined = "STOP") => ({
  candidates: [{ content: { role: "model", parts }, ...(finishReason === undefined ? {} : { finishReason }), index: 0 }],
  usageMetadata,
  modelVersion: "gemini-2.5-pro"
})

const message = (json: unknown) => toAnthropicMessage(json, "claude-opus-4", counter("toolu_"))

describe("Gemini non-streaming response", () => {
  it("maps text, thoughts and calls to blocks, usage, and the client's model", () => {
    const m = message(
      answer([
        { text: "thinking...", thought: true },
        { text: "Let me ", thoughtSignature: "SIG_T" },
        { text: "look." },
        { functionCall: { name: "Read", args: { file_path: "/a" } }, thoughtSignature: "SIG_C" },
        { functionCall: { name: "Bash", args: { command: "ls" } } }
      ])
    )
    expect(m).toMatchObject({ type: "message", role: "assistant", model: "claude-opus-4", stop_reason: "tool_use", stop_sequence: null })
    expect(m.id).toMatch(/^msg_/)
    expect(m.content).toEqual([
      { type: "thinking", thinking: "thinking...", signature: foreignSignature("gemini", "") },
      { type: "thinking", thinking: "", signature: foreignSignature("gemini", "SIG_T") },
      { type: "text", text: "Let me look." },
      { type: "thinking", thinking: "", signature: foreignSignature("gemini", "SIG_C") },
      { type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/a" } },
      { type: "tool_use", id: "toolu_2", name: "Bash", input: { command: "ls" } }
    ])
    expect(m.usage).toEqual({ input_tokens: 20, output_tokens: 37, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 })
  })

  it("maps finish reasons", () => {
    const stop = (parts: Array<unknown>, finish: string | undefined) => message(answer(parts, finish)).stop_reason
    expect(stop([{ text: "hi" }], "STOP")).toBe("end_turn")
    expect(stop([{ text: "hi" }], undefined)).toBe("end_turn")
    expect(stop([{ text: "hi" }], "MAX_TOKENS")).toBe("max_tokens")
    for (const r of ["SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"]) expect(stop([], r)).toBe("refusal")
    expect(stop([{ functionCall: { name: "A", args: {} } }], "STOP")).toBe("tool_use")
    expect(stop([{ text: "hi" }], "OTHER")).toBe("end_turn")
  })

  it("turns a blocked prompt into an empty refusal", () => {
    const m = message({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 9 } })
    expect(m.content).toEqual([])
    expect(m.stop_reason).toBe("refusal")
    expect(m.usage.input_tokens).toBe(9)
  })

  it("rejects bodies that are not Gemini answers", () => {
    expect(() => message({ choices: [] })).toThrow(TranslationError)
    expect(() => message("<html>")).toThrow(TranslationError)
    expect(() => message(null)).toThrow(TranslationError)
    expect(() => message({ error: { code: 500, message: "x" } })).toThrow(TranslationError)
    expect(() => message({ usageMetadata })).toThrow(TranslationError)
  })

  it("is what Translation.response returns", () => {
    const t = GeminiFormat.translate({ model: "claude-x", messages: [{ role: "user", content: "hi" }] }, {
      provider: { name: "g", baseUrl: "https://g.test" },
      model: "gemini-2.5-flash"
    })
    expect(t.response(answer([{ text: "ok" }]))).toMatchObject({ model: "claude-x", content: [{ type: "text", text: "ok" }] })
  })
})

describe("Gemini error mapping", () => {
  const request: MessagesRequest = { model: "claude-opus-4", messages: [], max_tokens: 32000 }
  const map = (status: number, error: unknown) =>
    GeminiFormat.mapError(status, typeof error === "string" ? error : JSON.stringify({ error }), request)

  it("maps Google statuses", () => {
    expect(map(503, { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" })).toEqual({
      type: "overloaded_error",
      message: "The model is overloaded."
    })
    expect(map(429, { code: 429, message: "Quota", status: "RESOURCE_EXHAUSTED" }).type).toBe("rate_limit_error")
    expect(map(400, { code: 400, message: "bad", status: "INVALID_ARGUMENT" }).type).toBe("invalid_request_error")
    expect(map(403, { code: 403, message: "no", status: "PERMISSION_DENIED" }).type).toBe("permission_error")
    expect(map(401, { code: 401, message: "no", status: "UNAUTHENTICATED" }).type).toBe("authentication_error")
    expect(map(404, { code: 404, message: "models/x is not found", status: "NOT_FOUND" }).type).toBe("not_found_error")
    expect(map(500, { code: 500, message: "oops", status: "INTERNAL" }).type).toBe("api_error")
    expect(map(504, { code: 504, message: "slow", status: "DEADLINE_EXCEEDED" }).type).toBe("timeout_error")
  })

  it("maps a bad API key (400 INVALID_ARGUMENT) to authentication_error", () => {
    const e = map(400, {
      code: 400,
      message: "API key not valid. Please pass a valid API key.",
      status: "INVALID_ARGUMENT",
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }]
    })
    expect(e.type).toBe("authentication_error")
  })

  it("rewrites a token-limit error into Anthropic's context overflow wording", () => {
    const e = map(400, {
      code: 400,
      message: "The input token count (1196265) exceeds the maximum number of tokens allowed (1048576).",
      status: "INVALID_ARGUMENT"
    })
    expect(e).toEqual({ type: "invalid_request_error", message: contextOverflowMessage(1196265, 32000, 1048576) })
  })

  it("falls back to the HTTP status for other bodies, and reads array-wrapped errors", () => {
    expect(map(529, "<html>busy</html>")).toEqual({ type: "overloaded_error", message: "<html>busy</html>" })
    expect(map(502, "")).toEqual({ type: "api_error", message: "The Gemini upstream answered HTTP 502" })
    expect(GeminiFormat.mapError(503, JSON.stringify([{ error: { code: 503, message: "m", status: "UNAVAILABLE" } }]), request)).toEqual({
      type: "overloaded_error",
      message: "m"
    })
  })
})
