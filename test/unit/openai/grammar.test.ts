import { describe, expect, it } from "@effect/vitest"
import { checkAnthropicStream } from "../AnthropicGrammar.js"

const sse = (...events: Array<Record<string, unknown>>) =>
  events.map((e) => `event: ${String(e["type"])}\ndata: ${JSON.stringify(e)}\n\n`).join("")

const start = { type: "message_start", message: { id: "m", type: "message", role: "assistant", model: "x", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } } }
const textStart = (index: number) => ({ type: "content_block_start", index, content_block: { type: "text", text: "" } })
const textDelta = (index: number, text: string) => ({ type: "content_block_delta", index, delta: { type: "text_delta", text } })
const stop = (index: number) => ({ type: "content_block_stop", index })
const delta = { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 3 } }
const end = { type: "message_stop" }

// The checker guards every translator test, so it must itself reject what clients reject.
describe("Anthropic grammar checker", () => {
  it("accepts a well-formed stream and accumulates the message", () => {
    const r = checkAnthropicStream(sse(start, { type: "ping" }, textStart(0), textDelta(0, "a"), textDelta(0, "b"), stop(0), delta, end))
    expect(r.end).toBe("message_stop")
    expect(r.message?.content).toEqual([{ type: "text", text: "ab" }])
    expect(r.message?.usage).toEqual({ input_tokens: 1, output_tokens: 3 })
  })

  it("accepts an error frame as the end, even before message_start", () => {
    expect(checkAnthropicStream(sse({ type: "error", error: { type: "api_error", message: "x" } })).end).toBe("error")
    expect(checkAnthropicStream(sse(start, textStart(0), { type: "error", error: { type: "overloaded_error", message: "o" } })).error?.type).toBe("overloaded_error")
  })

  it.each([
    ["no message_start", sse(textStart(0), stop(0), delta, end)],
    ["interleaved blocks", sse(start, textStart(0), textStart(1), stop(0), stop(1), delta, end)],
    ["skipped index", sse(start, textStart(1), stop(1), delta, end)],
    ["delta to a closed block", sse(start, textStart(0), stop(0), textDelta(0, "x"), delta, end)],
    ["wrong delta type", sse(start, textStart(0), { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{}" } }, stop(0), delta, end)],
    ["message_delta with a block open", sse(start, textStart(0), delta, stop(0), end)],
    ["no message_delta", sse(start, end)],
    ["no end", sse(start, textStart(0), stop(0), delta)],
    ["frame after the end", sse(start, delta, end, { type: "ping" })],
    ["frame after an error", sse(start, { type: "error", error: { type: "api_error", message: "x" } }, delta, end)],
    ["unsigned thinking", sse(start, { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }, stop(0), delta, end)],
    ["invalid tool JSON", sse(start, { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t", name: "n", input: {} } }, { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{\"a\"" } }, stop(0), delta, end)],
    ["event name != data.type", "event: ping\ndata: {\"type\":\"message_stop\"}\n\n"],
    ["frame without event line", `data: ${JSON.stringify(start)}\n\n`]
  ])("rejects %s", (_, text) => {
    expect(() => checkAnthropicStream(text)).toThrow()
  })
})
