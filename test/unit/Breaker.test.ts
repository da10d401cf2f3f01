import { describe, expect, it } from "@effect/vitest"
import { Cooldown } from "../../src/Config/Document.js"
import * as Breaker from "../../src/Health/Breaker.js"

const c = Cooldown.make({ threshold: 3, baseMs: 30_000, maxMs: 300_000 })
const fail = (s: Breaker.BreakerState, now: number, extra: Partial<Breaker.FailureInfo> = {}) =>
  Breaker.onFailure(s, now, { error: { at: now, tag: "Upstream5xx", status: 529, message: "x" }, countsAgainstProvider: true, ...extra }, c)

describe("circuit breaker", () => {
  it("uses the failure tiers: <3 none, 3-4 base, 5-9 double, 10+ max", () => {
    expect([1, 2, 3, 4, 5, 9, 10, 50].map((n) => Breaker.cooldownFor(n, c))).toEqual([0, 0, 30_000, 30_000, 60_000, 60_000, 300_000, 300_000])
  })

  it("opens after the threshold, half-opens for a single probe, and a success closes it", () => {
    let s = Breaker.initial
    s = fail(fail(s, 0), 1)
    expect(Breaker.stateAt(s, 2)).toBe("closed")
    s = fail(s, 2)
    expect(Breaker.stateAt(s, 3)).toBe("open")
    expect(Breaker.admit(s, 29_000)).toBe("skip")
    expect(Breaker.admit(s, 30_002)).toBe("probe")
    s = Breaker.startProbe(s, 30_002)
    expect(Breaker.admit(s, 30_003)).toBe("skip") // one probe at a time
    s = Breaker.onSuccess(s, 30_500)
    expect(Breaker.stateAt(s, 30_501)).toBe("closed")
    expect(s.consecutiveFailures).toBe(0)
  })

  it("re-opens at once when the probe fails", () => {
    let s = fail(fail(fail(Breaker.initial, 0), 0), 0)
    s = Breaker.startProbe(s, 31_000)
    s = fail(s, 31_001)
    expect(Breaker.stateAt(s, 31_002)).toBe("open")
  })

  it("opens for at least the upstream's Retry-After", () => {
    const s = fail(Breaker.initial, 0, { retryAfterMs: 45_000 })
    expect(Breaker.stateAt(s, 44_000)).toBe("open")
    expect(Breaker.stateAt(s, 45_001)).toBe("half-open")
  })

  it("keeps counting but does not open for failures about the caller's own credential", () => {
    let s = Breaker.initial
    for (let i = 0; i < 10; i++) s = fail(s, i, { countsAgainstProvider: false, retryAfterMs: 60_000 })
    expect(Breaker.stateAt(s, 11)).toBe("closed")
    expect(s.failures).toBe(10)
  })

  it("lets a new probe through when an old one never reported back", () => {
    let s = fail(fail(fail(Breaker.initial, 0), 0), 0)
    s = Breaker.startProbe(s, 30_000)
    expect(Breaker.admit(s, 30_000 + Breaker.PROBE_LEASE_MS + 1)).toBe("probe")
  })
})
