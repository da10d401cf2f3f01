import { describe, expect, it } from "@effect/vitest"
import { CooldownMap, CredentialIds, keyOf, rateLimitLifts } from "../../src/Health/CredentialCooldowns.js"

describe("credential cooldowns", () => {
  it("stay bounded under 10,000 distinct credentials, the oldest evicted", () => {
    const map = new CooldownMap(2_000)
    const now = 1_000_000
    for (let i = 0; i < 10_000; i++) map.set(keyOf("p", `c${i}`), { until: now + 60_000, status: 429, at: now + i })
    expect(map.size).toBe(2_000)
    expect(map.get(keyOf("p", "c9999"), now)?.until).toBe(now + 60_000)
    expect(map.get(keyOf("p", "c0"), now)?.until).toBeUndefined()
    expect(map.summary(now)).toEqual({ p: { count: 2_000, soonestReset: now + 60_000 } })
  })

  it("end at their time, are not shortened by a late report, and a success clears only what came before it", () => {
    const map = new CooldownMap(10)
    const key = keyOf("p", "c")
    map.set(key, { until: 5_000, status: 429, at: 2_000 })
    map.set(key, { until: 3_000, status: 429, at: 1_000 }) // older news
    expect(map.get(key, 4_000)?.until).toBe(5_000)
    map.clear(key, 1_500) // a success before the newest 429
    expect(map.get(key, 4_000)?.until).toBe(5_000)
    expect(map.get(key, 5_000)?.until).toBeUndefined()
  })

  it("read when the limit lifts: a subscription's unified reset, else the latest of Retry-After and the *-reset family", () => {
    const now = Date.UTC(2026, 11, 1, 12)
    const unified = { "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String(now / 1000 + 3 * 3600), "retry-after": "20" }
    expect(rateLimitLifts(unified, now)).toBe(now + 3 * 3_600_000)
    expect(rateLimitLifts({ "retry-after": "20", "anthropic-ratelimit-tokens-reset": "2026-12-01T12:05:00Z", "anthropic-ratelimit-requests-reset": "2026-12-01T12:00:30Z" }, now))
      .toBe(Date.UTC(2026, 11, 1, 12, 5))
    expect(rateLimitLifts({ "retry-after-ms": "1500" }, now)).toBe(now + 1_500)
    expect(rateLimitLifts({}, now)).toBeUndefined()
  })

  it("know credentials only by a keyed hash: the same in every isolate with the same secret, another with another", async () => {
    const a = await new CredentialIds("secret").id("sk-ant-api03-xyz")
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(a).not.toContain("xyz")
    expect(await new CredentialIds("secret").id("sk-ant-api03-xyz")).toBe(a)
    expect(await new CredentialIds("other").id("sk-ant-api03-xyz")).not.toBe(a)
    const ids = new CredentialIds("secret")
    await ids.id("k")
    expect(typeof ids.id("k")).toBe("string") // cached: no second HMAC
  })
})
