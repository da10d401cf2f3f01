import { describe, expect, it } from "@effect/vitest"
import { encodeEvent, SseParser } from "../../src/formats/Sse.js"

const bytes = (s: string) => new TextEncoder().encode(s)

describe("SseParser", () => {
  it("parses frames with event names, comments and multi-line data", () => {
    const p = new SseParser()
    const out = p.push(bytes(": OPENROUTER PROCESSING\n\nevent: a\ndata: {\"x\":1}\n\ndata: l1\ndata: l2\n\n"))
    expect(out).toEqual([{ event: "a", data: "{\"x\":1}" }, { event: undefined, data: "l1\nl2" }])
  })

  it("handles CRLF split across chunks and UTF-8 split inside a character", () => {
    const whole = bytes("data: h\u00e9llo \u{1F600}\r\n\r\ndata: two\r\n\r\n")
    for (let cut = 0; cut <= whole.length; cut++) {
      const p = new SseParser()
      const out = [...p.push(whole.slice(0, cut)), ...p.push(whole.slice(cut)), ...p.end()]
      expect(out.map((e) => e.data)).toEqual(["h\u00e9llo \u{1F600}", "two"])
    }
  })

  it("flushes a last frame without its blank line at end", () => {
    const p = new SseParser()
    expect(p.push(bytes("data: {\"a\":1}"))).toEqual([])
    expect(p.end()).toEqual([{ event: undefined, data: "{\"a\":1}" }])
  })

  it("encodes frames whose event name equals data.type", () => {
    expect(new TextDecoder().decode(encodeEvent({ type: "ping" }))).toBe("event: ping\ndata: {\"type\":\"ping\"}\n\n")
  })
})
