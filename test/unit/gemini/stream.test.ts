import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { geminiStream } from "../../../src/formats/gemini/stream.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { sdkReading } from "../sdkClient.js"
import { encoder, events, geminiSse, runStream, streamOptions, translate } from "./helpers.js"

const usage = (candidates: number, thoughts = 0) => ({
  promptTokenCount: 50,
  cachedContentTokenCount: 10,
  candidatesTokenCount: candidates,
  thoughtsTokenCount: thoughts,
  totalTokenCount: 50 + candidates + thoughts
})

const chunk = (parts: Array<unknown>, extra: Record<string, unknown> = {}, u = usage(1)) => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
  usageMetadata: u,
  modelVersion: "gemini-2.5-pro"
})

/** A realistic stream: thoughts, text split over chunks (with multi-byte text), then two calls. */
const FRAMES = [
  chunk([{ text: "Planning the ", thought: true }], {}, usage(0, 12)),
  chunk([{ text: "answer é 😀", thought: true }], {}, usage(0, 20)),
  chunk([{ text: "Voilà — ", thoughtSignature: "SIG_TEXT" }], {}, usage(3, 20)),
  chunk([{ text: "日本語 text." }], {}, usage(6, 20)),
  chunk(
    [
      { functionCall: { name: "Read", args: { file_path: "/tmp/ü.txt", limit: 5 } }, thoughtSignature: "SIG_CALL" },
      { functionCall: { name: "Bash", args: { command: "echo \"hi\"" } } }
    ],
    { finishReason: "STOP" },
    usage(30, 20)
  )
]

describe("Gemini stream", () => {
  it("produces the exact Anthropic event sequence", async () => {
    const checked = await translate(geminiSse(FRAMES))
    expect(checked.end).toBe("message_stop")
    const thinkingStart = { type: "thinking", thinking: "", signature: "" }
    expect(events(checked)).toEqual([
      {
        type: "message_start",
        message: {
          id: "msg_test",
          type: "message",
          role: "assistant",
          model: "claude-opus-4",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 40, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 }
        }
      },
      { type: "content_block_start", index: 0, content_block: thinkingStart },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Planning the " } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "answer é 😀" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: foreignSignature("gemini", "") } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: thinkingStart },
      { type: "content_block_delta", index: 1, delta: { type: "signature_delta", signature: foreignSignature("gemini", "SIG_TEXT") } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "Voilà — " } },
      { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "日本語 text." } },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: thinkingStart },
      { type: "content_block_delta", index: 3, delta: { type: "signature_delta", signature: foreignSignature("gemini", "SIG_CALL") } },
      { type: "content_block_stop", index: 3 },
      { type: "content_block_start", index: 4, content_block: { type: "tool_use", id: "toolu_1", name: "Read", input: {} } },
      {
        type: "content_block_delta",
        index: 4,
        delta: { type: "input_json_delta", partial_json: JSON.stringify({ file_path: "/tmp/ü.txt", limit: 5 }) }
      },
      { type: "content_block_stop", index: 4 },
      { type: "content_block_start", index: 5, content_block: { type: "tool_use", id: "toolu_2", name: "Bash", input: {} } },
      { type: "content_block_delta", index: 5, delta: { type: "input_json_delta", partial_json: "{\"command\":\"echo \\\"hi\\\"\"}" } },
      { type: "content_block_stop", index: 5 },
      {
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { input_tokens: 40, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 }
      },
      { type: "message_stop" }
    ])
  })

  it("ends a plain answer with end_turn, max_tokens or refusal", async () => {
    const stopReason = async (frames: Array<unknown>) => (await translate(geminiSse(frames))).message?.stop_reason
    expect(await stopReason([chunk([{ text: "a" }]), chunk([{ text: "b" }], { finishReason: "STOP" })])).toBe("end_turn")
    expect(await stopReason([chunk([{ text: "a" }], { finishReason: "MAX_TOKENS" })])).toBe("max_tokens")
    expect(await stopReason([chunk([], { finishReason: "SAFETY" })])).toBe("refusal")
    expect(await stopReason([{ promptFeedback: { blockReason: "OTHER" }, usageMetadata: usage(0) }])).toBe("refusal")
    // A usage-only frame after the finish chunk still counts.
    const late = await translate(geminiSse([chunk([{ text: "a" }], { finishReason: "STOP" }), { usageMetadata: usage(99) }]))
    expect(late.message?.usage["output_tokens"]).toBe(99)
    expect(late.message?.content).toEqual([{ type: "text", text: "a" }])
  })

  it("fails with an error event when the upstream ends without a finishReason", async () => {
    const cut = await translate(geminiSse([chunk([{ text: "partial" }])]))
    expect(cut.end).toBe("error")
    expect(cut.error?.type).toBe("api_error")
    const empty = await translate("")
    expect(empty.end).toBe("error")
    expect(empty.frames).toHaveLength(1)
  })

  it("maps an in-stream error frame and garbage to error events", async () => {
    const overloaded = await translate(
      geminiSse([
        chunk([{ text: "a" }]),
        { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
        chunk([{ text: "ignored" }], { finishReason: "STOP" })
      ])
    )
    expect(overloaded.end).toBe("error")
    expect(overloaded.error).toEqual({ type: "overloaded_error", message: "The model is overloaded." })
    const garbage = await translate(geminiSse([chunk([{ text: "a" }]), "not json"]))
    expect(garbage.error?.type).toBe("api_error")
    const foreign = await translate(geminiSse([{ choices: [] }]))
    expect(foreign.end).toBe("error")
    expect(foreign.message).toBeUndefined()
  })

  it("writes at most one chunk per upstream chunk and does not hold text back", async () => {
    const frames = FRAMES.map((f) => encoder.encode(geminiSse([f])))
    const { text, writes } = await runStream(frames)
    expect(writes).toBe(frames.length + 1) // plus the closing message_delta/message_stop on end
    checkAnthropicStream(text)

    const transform = geminiStream(streamOptions())
    const writer = transform.writable.getWriter()
    const reader = transform.readable.getReader()
    void writer.write(encoder.encode(geminiSse([chunk([{ text: "first" }])])))
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(first).toContain("\"text\":\"first\"")
  })

  it("gives identical events however the bytes are cut (inside UTF-8 chars and CRLF)", async () => {
    const body = encoder.encode(geminiSse(FRAMES, "\r\n"))
    const whole = (await runStream([body])).text
    checkAnthropicStream(whole)
    // Every cut point once, as two chunks.
    for (let cut = 0; cut <= body.length; cut += 1) {
      const { text } = await runStream([body.slice(0, cut), body.slice(cut)])
      if (text !== whole) throw new Error(`differs when cut at ${cut}`)
    }
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 40 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), body.length]
        const chunks = points.slice(1).map((end, i) => body.slice(points[i], end))
        expect((await runStream(chunks)).text).toBe(whole)
      }),
      { numRuns: 300 }
    )
  })

  it("is consumed by the official Anthropic SDK, tool input parsed", async () => {
    const t = GeminiFormat.translate(
      { model: "claude-opus-4", messages: [{ role: "user", content: "hi" }], stream: true, max_tokens: 1000 },
      { provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model: "gemini-3-pro-preview" }
    )
    const upstream = new Response(geminiSse(FRAMES)).body
    if (upstream === null) throw new Error("no body")
    const final = await sdkReading(upstream, t).messages
      .stream({ model: "claude-opus-4", max_tokens: 1000, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
    expect(final.stop_reason).toBe("tool_use")
    expect(final.model).toBe("claude-opus-4")
    const tools = final.content.filter((b) => b.type === "tool_use")
    expect(tools.map((b) => [b.name, b.input])).toEqual([
      ["Read", { file_path: "/tmp/ü.txt", limit: 5 }],
      ["Bash", { command: "echo \"hi\"" }]
    ])
    expect(final.content.find((b) => b.type === "text")).toMatchObject({ text: "Voilà — 日本語 text." })
    expect(final.usage.output_tokens).toBe(50)
  })

  it("makes the SDK raise on an in-stream error", async () => {
    const limited = { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } }
    const upstream = new Response(geminiSse([chunk([{ text: "a" }]), limited])).body
    if (upstream === null) throw new Error("no body")
    const t = GeminiFormat.translate(
      { model: "m", messages: [{ role: "user", content: "hi" }], stream: true, max_tokens: 10 },
      { provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model: "gemini-3-pro-preview" }
    )
    await expect(
      sdkReading(upstream, t).messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage()
    ).rejects.toThrow(/slow down/)
  })
})
