/**
 * Weighted rendezvous hashing: a key that leaves moves only the conversations it held, a key that
 * comes takes only conversations it now wins, and shares follow weights.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { type Candidate, hash32, rank } from "../../../src/Pool/Rendezvous.js"

const winner = (conversation: number, keys: ReadonlyArray<Candidate>) => rank(conversation, keys)[0]!

const pool = fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 2, maxLength: 12 }).chain((seeds) =>
  fc.tuple(fc.constant(seeds), fc.array(fc.double({ min: 0.1, max: 20, noNaN: true }), { minLength: seeds.length, maxLength: seeds.length }))
).map(([seeds, weights]) => seeds.map((seed, i) => ({ seed, weight: weights[i]! })))

describe("Rendezvous", () => {
  it("a key's removal moves only the conversations that key held (property)", () => {
    fc.assert(
      fc.property(pool, fc.array(fc.string(), { minLength: 1, maxLength: 60 }), fc.nat(), (keys, conversations, pick) => {
        const gone = pick % keys.length
        const rest = keys.filter((_, i) => i !== gone)
        for (const c of conversations.map(hash32)) {
          const before = keys[winner(c, keys)]!
          const after = rest[winner(c, rest)]!
          if (before !== keys[gone]) expect(after).toBe(before)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("a new key takes conversations only for itself (property)", () => {
    fc.assert(
      fc.property(pool, fc.array(fc.string(), { minLength: 1, maxLength: 60 }), (keys, conversations) => {
        const smaller = keys.slice(1)
        for (const c of conversations.map(hash32)) {
          const after = keys[winner(c, keys)]!
          if (after !== keys[0]) expect(after).toBe(smaller[winner(c, smaller)])
        }
      }),
      { numRuns: 300 }
    )
  })

  it("the same conversation ranks the keys the same way every time, whatever their order in the list", () => {
    const keys = [{ seed: 11, weight: 1 }, { seed: 22, weight: 2 }, { seed: 33, weight: 1 }]
    const reversed = [...keys].reverse()
    for (let i = 0; i < 200; i++) {
      const c = hash32(`conversation ${i}`)
      expect(rank(c, keys).map((k) => keys[k]!.seed)).toEqual(rank(c, reversed).map((k) => reversed[k]!.seed))
    }
  })

  it("shares follow weights within 2 percentage points over 40,000 conversations", () => {
    const keys = [{ seed: hash32("kid_a"), weight: 1 }, { seed: hash32("kid_b"), weight: 2 }, { seed: hash32("kid_c"), weight: 5 }]
    const n = 40_000
    const won = [0, 0, 0]
    for (let i = 0; i < n; i++) won[winner(hash32(`session ${i}\nopening`), keys)]!++
    const total = keys.reduce((s, k) => s + k.weight, 0)
    keys.forEach((k, i) => expect(Math.abs(won[i]! / n - k.weight / total)).toBeLessThan(0.02))
  })

  it("equal weights split evenly (each within 2 points of a third) for nearby seeds and nearby conversations", () => {
    const keys = [{ seed: 1, weight: 1 }, { seed: 2, weight: 1 }, { seed: 3, weight: 1 }]
    const won = [0, 0, 0]
    const n = 30_000
    for (let i = 0; i < n; i++) won[winner(i, keys)]!++
    for (const w of won) expect(Math.abs(w / n - 1 / 3)).toBeLessThan(0.02)
  })
})
