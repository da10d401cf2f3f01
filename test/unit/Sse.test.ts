import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { encodeEvent, encodeEvents, SseParser } from "../../src/formats/Sse.js"

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

  it("parses any mix of LF, CR and CRLF line ends, cut anywhere, like one whole read", () => {
    const frame = fc.tuple(fc.constantFrom("\n", "\r", "\r\n"), fc.array(fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, "")), { minLength: 1, maxLength: 3 }))
    fc.assert(fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 4 }), (frames, cuts) => {
      const text = frames.map(([eol, lines]) => lines.map((l) => `data: ${l}${eol}`).join("") + eol).join("")
      const whole = bytes(text)
      const expected = frames.map(([, lines]) => lines.join("\n"))
      const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b)
      const p = new SseParser()
      const out = []
      let at = 0
      for (const cut of [...points, whole.length]) {
        out.push(...p.push(whole.slice(at, cut)))
        at = cut
      }
      out.push(...p.end())
      expect(out.map((e) => e.data)).toEqual(expected)
    }))
  })

  it("writes delta frames with exactly the bytes JSON.stringify gives", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), fc.nat(), fc.constantFrom("text_delta", "input_json_delta", "thinking_delta"), (text, index, kind) => {
      const field = kind === "text_delta" ? "text" : kind === "input_json_delta" ? "partial_json" : "thinking"
      const event = { type: "content_block_delta", index, delta: { type: kind, [field]: text } }
      const expected = `event: content_block_delta\ndata: ${JSON.stringify(event)}\n\n`
      expect(new TextDecoder().decode(encodeEvent(event))).toBe(expected)
      expect(new TextDecoder().decode(encodeEvents([event, { type: "ping" }]))).toBe(expected + "event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }))
  })

  it("encodes frames whose event name equals data.type", () => {
    expect(new TextDecoder().decode(encodeEvent({ type: "ping" }))).toBe("event: ping\ndata: {\"type\":\"ping\"}\n\n")
  })
})
