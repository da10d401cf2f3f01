/**
 * Grounding segments count UTF-8 bytes; JavaScript strings count UTF-16 units. The conversion, for
 * any text and any cut, and the cutting of the text at the supports.
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { byteToUtf16, mergeGrounding, placeSupports, readGrounding, splitAtSupports } from "../../../src/formats/gemini/grounding.js"

const bytes = (s: string): number => new TextEncoder().encode(s).length

describe("Gemini grounding: UTF-8 offsets and spans", () => {
  it("maps the byte offset of every character boundary to its UTF-16 index, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.nat(), (text, n) => {
        const chars = [...text]
        const prefix = chars.slice(0, n % (chars.length + 1)).join("")
        expect(byteToUtf16(text)(bytes(prefix))).toBe(prefix.length)
      }),
      { numRuns: 500 }
    )
  })

  it("moves an offset inside a character to its end, and clamps past the end", () => {
    const toUnits = byteToUtf16("a😀é")
    // "a" 1 byte, 😀 4 bytes (2 units), é 2 bytes
    expect([0, 1, 2, 3, 4, 5, 6, 7, 99].map(toUnits)).toEqual([0, 1, 3, 3, 3, 3, 4, 4, 4])
  })

  it("cuts the text at the supports, the pieces joining back to it", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }), (text, ranges) => {
        const total = bytes(text)
        const supports = ranges.map(([a, b]) => ({ start: Math.min(a, b) % (total + 1), end: Math.max(a, b) % (total + 1), text: undefined, chunks: [0] }))
        const spans = splitAtSupports(text, placeSupports(text, supports))
        expect(spans.map((s) => s.text).join("")).toBe(text)
        for (const s of spans) expect(s.text.length).toBeGreaterThan(0)
      }),
      { numRuns: 300 }
    )
  })

  it("reads the metadata tolerantly and merges streamed pieces field by field", () => {
    const g = readGrounding({
      webSearchQueries: ["q", "", 3],
      groundingChunks: [{ web: { uri: "https://a.example", title: "a.example" } }, { retrievedContext: { uri: "x" } }, { web: { title: "no uri" } }],
      groundingSupports: [{ segment: { endIndex: 4 }, groundingChunkIndices: [0, -1, "1"] }, { groundingChunkIndices: [0] }]
    })
    expect(g).toEqual({
      queries: ["q"],
      chunks: [{ uri: "https://a.example", title: "a.example", domain: undefined }, undefined, undefined],
      supports: [{ start: 0, end: 4, text: undefined, chunks: [0] }]
    })
    expect(readGrounding("nope")).toBeUndefined()
    const later = { queries: [], chunks: [], supports: [{ start: 0, end: 1, text: undefined, chunks: [0] }] }
    expect(mergeGrounding(g, later)).toEqual({ ...g, supports: later.supports })
  })
})
