/**
 * Weighted rendezvous (highest-random-weight) hashing: every key scores every conversation, and the
 * conversation goes to the highest score. The score of a key depends only on that key and that
 * conversation, so when a key leaves (cooling down, removed) only the conversations it held move,
 * and a new key takes its share from every other key alike. With the score `-weight / ln(u)` (u a
 * uniform hash in (0, 1)) a key wins a share of conversations in proportion to its weight
 * (Schindelhauer and Schomaker, "Weighted distributed hash tables", 2005).
 */

/** 32-bit FNV-1a of a string's UTF-16 code units: the affinity key and key ids become seeds. */
export const hash32 = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
const fmix32 = (x: number): number => {
  let h = x >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The pair's uniform value in (0, 1): two rounds of mixing, so nearby seeds give unrelated values. */
const uniform = (conversation: number, key: number): number => {
  const h = fmix32(conversation ^ fmix32((key + 0x9e3779b9) >>> 0))
  const g = fmix32(h ^ Math.imul(key, 0x27d4eb2d))
  // 52 bits from the two words: ln() of it separates even close scores.
  return ((h >>> 6) * 67108864 + (g >>> 6) + 0.5) / 4503599627370496
}

/** The score of `key` (a seed and a weight) for `conversation`: higher wins. */
export const score = (conversation: number, key: number, weight: number): number => -weight / Math.log(uniform(conversation, key))

export interface Candidate {
  /** a stable seed for the key (from its id), the same in every isolate */
  readonly seed: number
  readonly weight: number
}

/** The candidates' indices, best first for this conversation. */
export const rank = (conversation: number, candidates: ReadonlyArray<Candidate>): Array<number> =>
  candidates
    .map((c, i) => ({ i, s: score(conversation, c.seed, c.weight) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.i)
