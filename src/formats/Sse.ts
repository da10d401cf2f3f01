/**
 * Server-Sent Events, shared by every format: an incremental parser that takes bytes cut anywhere
 * (inside a UTF-8 character, between `\r` and `\n`) and an encoder for Anthropic-style frames.
 *
 * Plain JavaScript on purpose: this runs once per chunk on the hot path of every translated stream,
 * where an Effect Stream per chunk would cost more than the translation itself.
 */

export interface SseEvent {
  /** the `event:` field, or undefined when the frame had none (OpenAI, Gemini) */
  readonly event: string | undefined
  /** `data:` lines joined with "\n" */
  readonly data: string
}

/** Incremental SSE parser. `push` returns the events completed by this chunk. */
export class SseParser {
  private readonly decoder = new TextDecoder()
  private buffer = ""
  private event: string | undefined = undefined
  private data: Array<string> = []
  private pendingCr = false

  /** the decoder may hold part of a character (the last chunk did not end on an ASCII byte) */
  private decoderBusy = false

  push(chunk: Uint8Array): Array<SseEvent> {
    this.decoderBusy = chunk.length > 0 ? chunk[chunk.length - 1]! >= 0x80 : this.decoderBusy
    return this.feed(this.decoder.decode(chunk, { stream: true }))
  }

  /** Between events: nothing buffered, so a chunk that is one whole frame may be read without the parser. */
  get idle(): boolean {
    return !this.decoderBusy && !this.pendingCr && this.buffer === "" && this.data.length === 0 && this.event === undefined
  }

  /** Flushes what the upstream left unterminated (a last frame without its blank line). */
  end(): Array<SseEvent> {
    const out = this.feed(this.decoder.decode() + "\n\n")
    return out
  }

  private feed(text: string): Array<SseEvent> {
    const out: Array<SseEvent> = []
    let start = 0
    if (this.pendingCr && text.length > 0) {
      // A "\r\n" split across chunks: the "\r" already ended the line.
      if (text.charCodeAt(0) === 10) start = 1
      this.pendingCr = false
    }
    const buf = this.buffer.length > 0 ? this.buffer + text.slice(start) : text.slice(start)
    const n = buf.length
    // Line ends are found with indexOf (native), not a loop over every character; "\r" is looked
    // for only when the text has one (most upstreams end lines with "\n" alone).
    const hasCr = buf.indexOf("\r") !== -1
    let lineStart = 0
    while (lineStart < n) {
      let end = buf.indexOf("\n", lineStart)
      if (hasCr) {
        const cr = buf.indexOf("\r", lineStart)
        if (cr !== -1 && (end === -1 || cr < end)) end = cr
      }
      if (end === -1) break
      this.line(buf.slice(lineStart, end), out)
      if (buf.charCodeAt(end) === 13) {
        if (end + 1 < n) {
          if (buf.charCodeAt(end + 1) === 10) end++
        } else {
          this.pendingCr = true
        }
      }
      lineStart = end + 1
    }
    this.buffer = lineStart < n ? buf.slice(lineStart) : ""
    return out
  }

  private line(line: string, out: Array<SseEvent>): void {
    if (line.length === 0) {
      if (this.data.length > 0) out.push({ event: this.event, data: this.data.join("\n") })
      this.event = undefined
      this.data = []
      return
    }
    if (line.charCodeAt(0) === 58) return // ":" comment (OpenRouter's ": OPENROUTER PROCESSING")
    const colon = line.indexOf(":")
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    if (field === "data") this.data.push(value)
    else if (field === "event") this.event = value
  }
}

const encoder = new TextEncoder()

interface DeltaFrame {
  readonly type: "content_block_delta"
  readonly index: number
  readonly delta: { readonly type: string; readonly text?: unknown; readonly partial_json?: unknown; readonly thinking?: unknown }
}

const isDeltaFrame = (event: { readonly type: string }): event is DeltaFrame => event.type === "content_block_delta"

/**
 * One frame's text. The deltas (nearly every frame of a stream) are written directly, with the same
 * bytes JSON.stringify gives for the object (same key order), without walking the object.
 */
const frameText = (event: { readonly type: string }): string => {
  if (isDeltaFrame(event)) {
    const { delta, index } = event
    const head = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":`
    if (delta.type === "text_delta" && typeof delta.text === "string") return `${head}"text_delta","text":${JSON.stringify(delta.text)}}}\n\n`
    if (delta.type === "input_json_delta" && typeof delta.partial_json === "string") return `${head}"input_json_delta","partial_json":${JSON.stringify(delta.partial_json)}}}\n\n`
    if (delta.type === "thinking_delta" && typeof delta.thinking === "string") return `${head}"thinking_delta","thinking":${JSON.stringify(delta.thinking)}}}\n\n`
  }
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

/** One Anthropic frame: the event name always equals `data.type` (clients drop frames without it). */
export const encodeEvent = (event: { readonly type: string }): Uint8Array => encoder.encode(frameText(event))

/** Several frames in one chunk (one enqueue per upstream chunk, not per event). */
export const encodeEvents = (events: ReadonlyArray<{ readonly type: string }>): Uint8Array => {
  if (events.length === 1) return encoder.encode(frameText(events[0]!))
  let s = ""
  for (const e of events) s += frameText(e)
  return encoder.encode(s)
}
