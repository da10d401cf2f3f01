import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "@effect/vitest"
import { EventStreamCodec } from "@smithy/eventstream-codec"
import { fromUtf8, toUtf8 } from "@smithy/util-utf8"
import { bedrockStreamTranslator } from "../../../src/formats/cloud/BedrockStream.js"
import { translateBody } from "../../../src/formats/StreamTranslator.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { concatBytes } from "../Rechunk.js"

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const str = (value: string) => ({ type: "string" as const, value })
const chunk = (event: unknown) =>
  codec.encode({
    headers: { ":message-type": str("event"), ":event-type": str("chunk"), ":content-type": str("application/json") },
    body: fromUtf8(JSON.stringify({ bytes: btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(event)))) }))
  })
const exception = (name: string, message: string) =>
  codec.encode({ headers: { ":message-type": str("exception"), ":exception-type": str(name) }, body: fromUtf8(JSON.stringify({ message })) })

const start = { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }
const events = [
  start,
  { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "caf\u00e9 \u{1F914}" } },
  { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EqBedrockSig" } },
  { type: "content_block_stop", index: 0 },
  { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "hello" } },
  { type: "content_block_stop", index: 1 },
  { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } },
  { type: "message_stop", "amazon-bedrock-invocationMetrics": { inputTokenCount: 10, outputTokenCount: 5, invocationLatency: 100, firstByteLatency: 20 } }
]

const run = (parts: ReadonlyArray<Uint8Array>) => {
  const t = bedrockStreamTranslator()
  let out = ""
  const dec = new TextDecoder()
  for (const p of parts) out += dec.decode(t.push(p) ?? new Uint8Array(0))
  return out + dec.decode(t.end() ?? new Uint8Array(0))
}

const bytes = concatBytes

describe("Bedrock event stream -> Anthropic SSE", () => {
  it("writes each chunk's event as Anthropic's own frame, without Bedrock's invocation metrics", () => {
    const out = run([bytes(...events.map(chunk))])
    const expected = events.map((e) => {
      const { "amazon-bedrock-invocationMetrics": _, ...rest } = e as Record<string, unknown>
      return `event: ${String(rest["type"])}\ndata: ${JSON.stringify(rest)}\n\n`
    }).join("")
    expect(out).toBe(expected)
    expect(out).not.toContain("invocationMetrics")
    checkAnthropicStream(out)
  })

  it("is the same when the frames are cut anywhere", () => {
    const all = bytes(...events.map(chunk))
    const whole = run([all])
    expect(run(Array.from({ length: all.length }, (_, i) => all.subarray(i, i + 1)))).toBe(whole)
  })

  it("an exception frame becomes an error event of the matching type, and ends the stream", () => {
    const out = run([bytes(chunk(start), exception("throttlingException", "Too many tokens"), chunk(events[1]))])
    const checked = checkAnthropicStream(out)
    expect(checked.end).toBe("error")
    expect(checked.error).toEqual({ type: "rate_limit_error", message: "Bedrock throttlingException: Too many tokens" })
    expect(checkAnthropicStream(run([exception("serviceUnavailableException", "busy")])).error?.type).toBe("overloaded_error")
    expect(checkAnthropicStream(run([exception("validationException", "bad")])).error?.type).toBe("invalid_request_error")
  })

  it("a corrupt frame or an early end is an error event, never a silent truncation", () => {
    const open = { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }
    const frame = chunk(open)
    frame[frame.length - 1]! ^= 0xff
    const corrupt = checkAnthropicStream(run([chunk(start), frame]))
    expect(corrupt.error?.message).toMatch(/CRC mismatch/)
    const early = checkAnthropicStream(run([chunk(start), chunk(open), chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "cut" } })]))
    expect(early.end).toBe("error")
    expect(early.error?.message).toMatch(/ended before the message was complete/)
  })

  it("is accepted by the official Anthropic SDK", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes(...events.map(chunk)))
        c.close()
      }
    })
    const client = new Anthropic({
      apiKey: "x",
      baseURL: "http://fake",
      maxRetries: 0,
      fetch: async () => new Response(translateBody(body, bedrockStreamTranslator()), { headers: { "content-type": "text/event-stream" } })
    })
    const message = await client.messages.stream({ model: "claude", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage()
    expect(message.content).toEqual([
      { type: "thinking", thinking: "caf\u00e9 \u{1F914}", signature: "EqBedrockSig" },
      { type: "text", text: "hello" }
    ])
  })
})
