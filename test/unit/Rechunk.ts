/**
 * Cutting a stream's bytes anywhere, for the tests that check a translation does not depend on the
 * upstream's chunk boundaries.
 */
import { expect } from "@effect/vitest"
import fc from "fast-check"
import { checkAnthropicStream } from "./AnthropicGrammar.js"

/** Byte arrays joined into one. */
export const concatBytes = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** `bytes` cut at the given offsets (repeated and out-of-range offsets ignored). */
export const cutAt = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)
  const parts: Array<Uint8Array> = []
  let prev = 0
  for (const c of points) {
    parts.push(bytes.slice(prev, c))
    prev = c
  }
  parts.push(bytes.slice(prev))
  return parts
}

/** Byte offsets inside a CRLF pair or a multi-byte UTF-8 character: the cuts most likely to break a parser. */
export const trickyCuts = (bytes: Uint8Array): Array<number> => {
  const out: Array<number> = []
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i] ?? 0
    if ((bytes[i - 1] === 13 && b === 10) || (b & 0xc0) === 0x80) out.push(i)
  }
  return out
}

/**
 * Checks that `translate` (upstream chunks -> Anthropic SSE text) gives the same, valid stream for
 * `text` whatever its chunk boundaries: each tricky cut alone, random cuts mixed with tricky ones,
 * and one byte at a time.
 */
export const expectSameForAnyCuts = async (
  text: string,
  translate: (parts: ReadonlyArray<Uint8Array>) => Promise<string>,
  numRuns: number
): Promise<void> => {
  const bytes = new TextEncoder().encode(text)
  const run = (cuts: ReadonlyArray<number>) => translate(cutAt(bytes, cuts))
  const reference = await run([])
  checkAnthropicStream(reference)
  const hard = trickyCuts(bytes)
  expect(hard.length).toBeGreaterThan(5)
  for (const c of hard) expect(await run([c])).toBe(reference)
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
      fc.subarray(hard, { maxLength: Math.min(10, hard.length) }),
      async (cuts, forced) => {
        expect(await run([...cuts, ...forced])).toBe(reference)
      }
    ),
    { numRuns }
  )
  expect(await run(Array.from({ length: bytes.length }, (_, i) => i))).toBe(reference)
}
