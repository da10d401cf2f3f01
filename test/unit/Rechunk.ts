/**
 * Cutting a stream's bytes anywhere, for the tests that check a translation does not depend on the
 * upstream's chunk boundaries.
 */

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
