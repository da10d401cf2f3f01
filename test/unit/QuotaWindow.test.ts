import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import * as Quota from "../../src/Quota/Quota.js"
import * as Window from "../../src/Quota/Window.js"

describe("quota windows", () => {
  it("refuses the request over the per-minute limit and resets with the next minute", () => {
    let w = Window.empty
    const t0 = Date.UTC(2026, 10, 21, 12, 0, 10)
    const decisions: Array<Window.Decision> = []
    for (let i = 0; i < 3; i++) {
      const r = Window.take(w, { requestsPerMinute: 2 }, t0 + i * 1000)
      w = r.windows
      decisions.push(r.decision)
    }
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false])
    expect(decisions[2]).toMatchObject({ window: "minute", limit: 2, retryAfterSeconds: 48 })
    expect(Window.take(w, { requestsPerMinute: 2 }, t0 + 50_000).decision.allowed).toBe(true)
  })

  it("counts a daily limit across minutes and resets at UTC midnight", () => {
    let w = Window.empty
    const t0 = Date.UTC(2026, 10, 21, 23, 50, 0)
    for (let i = 0; i < 3; i++) w = Window.take(w, { requestsPerDay: 3 }, t0 + i * 60_000).windows
    const refused = Window.take(w, { requestsPerDay: 3 }, t0 + 150_000)
    expect(refused.decision).toMatchObject({ allowed: false, window: "day", retryAfterSeconds: 450 })
    expect(Window.take(w, { requestsPerDay: 3 }, Date.UTC(2026, 10, 22, 0, 0, 1)).decision.allowed).toBe(true)
  })

  it.effect("the in-memory stand-in follows the Effect clock", () =>
    Effect.gen(function*() {
      const quota = Quota.makeMemory()
      const limits = { requestsPerMinute: 2 }
      const a = yield* quota.take("t", limits)
      const b = yield* quota.take("t", limits)
      const c = yield* quota.take("t", limits)
      expect([a.allowed, b.allowed, c.allowed]).toEqual([true, true, false])
      yield* TestClock.adjust(Duration.minutes(1))
      expect((yield* quota.take("t", limits)).allowed).toBe(true)
    }))
})
