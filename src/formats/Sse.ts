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

  push(chunk: Uint8Array): Array<SseEvent> {
    return this.feed(this.decoder.decode(chunk, { stream: true }))
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
    let lineStart = 0
    const n = buf.length
    for (let i = 0; i < n; i++) {
      const c = buf.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      this.line(buf.slice(lineStart, i), out)
      if (c === 13) {
        if (i + 1 < n) {
          if (buf.charCodeAt(i + 1) === 10) i++
        } else {
          this.pendingCr = true
        }
      }
      lineStart = i + 1
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

/** One Anthropic frame: the event name always equals `data.type` (clients drop frames without it). */
export const encodeEvent = (event: { readonly type: string }): Uint8Array =>
  encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)

/** Several frames in one chunk (one enqueue per upstream chunk, not per event). */
export const encodeEvents = (events: ReadonlyArray<{ readonly type: string }>): Uint8Array => {
  let s = ""
  for (const e of events) s += `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`
  return encoder.encode(s)
}
