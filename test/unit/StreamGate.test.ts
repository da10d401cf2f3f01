import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as StreamGate from "../../src/StreamGate.js"
import { checkAnthropicStream } from "./AnthropicGrammar.js"

const enc = new TextEncoder()
const sse = (type: string, data: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
const start = sse("message_start", { message: { id: "m", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } })
const text = sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } }) +
  sse("content_block_delta", { index: 0, delta: { type: "text_delta", text: "hi" } })

/** A body that yields the chunks, then fails like a dropped connection. */
const dropping = (chunks: Array<string>) => {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull: (c) => {
      if (i < chunks.length) c.enqueue(enc.encode(chunks[i++]!))
      else c.error(new Error("Network connection lost."))
    }
  })
}

const options = { provider: "p", firstEventTimeoutMs: 1000, firstEventIdleMs: 1000, idleTimeoutMs: 1000 }

describe("StreamGate", () => {
  it.live("reports the answer's token usage when the stream ends", () =>
    Effect.gen(function*() {
      const startWithUsage = start.replace("\"input_tokens\":1", "\"input_tokens\":120,\"cache_read_input_tokens\":30")
      const end = sse("content_block_stop", { index: 0 }) +
        sse("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 42 } }) + sse("message_stop")
      const gated = yield* StreamGate.gate(new Response(startWithUsage + text + end).body!, options)
      yield* Effect.promise(() => new Response(gated.body).text())
      expect(yield* Effect.promise(() => gated.usage)).toEqual({ input: 150, output: 42 })
    }))

  it.live("turns a connection dropped after the commit into an error event", () =>
    Effect.gen(function*() {
      const { body } = yield* StreamGate.gate(dropping([start, text]), options)
      const out = yield* Effect.promise(() => new Response(body).text())
      const checked = checkAnthropicStream(out)
      expect(checked.end).toBe("error")
      expect(checked.error?.type).toBe("api_error")
      expect(out.startsWith(start + text)).toBe(true)
    }))

  it.live("fails (so the chain fails over) when the connection drops before the commit", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(StreamGate.gate(dropping([start]), options))
      expect(Exit.isFailure(exit)).toBe(true)
    }))

  it.live("ends a committed stream whose upstream goes quiet past the idle timeout with a timeout error", () =>
    Effect.gen(function*() {
      let sent = 0
      const stalling = new ReadableStream<Uint8Array>({
        pull: (c) => sent++ === 0 ? c.enqueue(enc.encode(start + text)) : new Promise<void>(() => {}) // then silence
      })
      const started = Date.now()
      const { body } = yield* StreamGate.gate(stalling, { ...options, idleTimeoutMs: 150 })
      const out = yield* Effect.promise(() => new Response(body).text())
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
      const checked = checkAnthropicStream(out)
      expect(checked.end).toBe("error")
      expect(checked.error?.type).toBe("timeout_error")
      expect(out.startsWith(start + text)).toBe(true)
    }))

  it.live("does not count a slow client's pauses as an idle upstream", () =>
    Effect.gen(function*() {
      const chunks = [start + text, sse("content_block_delta", { index: 0, delta: { type: "text_delta", text: " there" } }),
        sse("content_block_stop", { index: 0 }) +
        sse("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } }) + sse("message_stop")]
      let i = 0
      const upstream = new ReadableStream<Uint8Array>({
        pull: (c) => {
          if (i < chunks.length) c.enqueue(enc.encode(chunks[i++]!))
          else c.close()
        }
      }, { highWaterMark: 0 })
      const { body } = yield* StreamGate.gate(upstream, { ...options, idleTimeoutMs: 100 })
      const reader = body.getReader()
      let out = ""
      for (;;) {
        // The client takes longer between reads than the idle timeout; the upstream always has data.
        yield* Effect.sleep("250 millis")
        const r = yield* Effect.promise(() => reader.read())
        if (r.done) break
        out += new TextDecoder().decode(r.value)
      }
      expect(out).toBe(chunks.join(""))
      expect(checkAnthropicStream(out).error).toBeUndefined()
    }))

  it.live("turns a request error before the first content into a refusal with Anthropic's status (no 200 stream)", () =>
    Effect.gen(function*() {
      const err = sse("error", { error: { type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum" } })
      const error = yield* Effect.flip(StreamGate.gate(new Response(start + err).body!, options))
      expect(error._tag).toBe("Refused")
      if (error._tag !== "Refused") return
      expect(error.status).toBe(400)
      expect(error.overflow).toBe(true)
      expect(JSON.parse(error.answer.body)).toEqual({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum" } })
    }))

  it.live("a not_found error before content is a 404 refusal, not an overflow", () =>
    Effect.gen(function*() {
      const err = sse("error", { error: { type: "not_found_error", message: "model: no-such-model" } })
      const error = yield* Effect.flip(StreamGate.gate(new Response(start + err).body!, options))
      expect(error._tag === "Refused" ? [error.status, error.overflow] : error._tag).toEqual([404, undefined])
    }))
})
