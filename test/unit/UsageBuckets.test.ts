import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as UsageBuckets from "../../src/Health/UsageBuckets.js"

const counters = fc.record({
  requests: fc.nat(3),
  failovers: fc.nat(3),
  errors: fc.nat(3),
  inputTokens: fc.nat(1000),
  outputTokens: fc.nat(1000)
})

describe("UsageBuckets", () => {
  it("adding in place (per request) keeps the same buckets as the copying add", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3 * UsageBuckets.HOUR), fc.constantFrom("provider:a", "provider:b", "token:t"), counters), { maxLength: 60 }),
        (steps) => {
          let copied: UsageBuckets.Buckets = {}
          const inPlace: UsageBuckets.Buckets = {}
          let now = 1_767_225_600_000
          for (const [advance, key, c] of steps) {
            now += advance // time moves on, sometimes by hours, past the 24 kept
            const delta = { hour: UsageBuckets.hourOf(now), key, counters: c }
            copied = UsageBuckets.add(copied, [delta], now)
            UsageBuckets.addTo(inPlace, delta, now)
            expect(inPlace).toEqual(copied)
          }
        }
      )
    )
  })
})
