/**
 * What a pooled key's refusal means for the key: the 429 kinds (quota, throttle, request) and the
 * 401/403 set-aside, each capped as the settings say.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration } from "effect"
import { Settings } from "../../../src/Config/Document.js"
import { RateLimited, Unauthorized } from "../../../src/Errors.js"
import { SET_ASIDE_MS, stateOf, verdictOf } from "../../../src/Pool/KeyPool.js"

const now = Date.UTC(2026, 11, 6, 12)
const settings = Settings.make({})
const limited = (headers: Record<string, string>, body = "{}", extra: { exhausted?: boolean; retryAfter?: Duration.Duration } = {}) =>
  new RateLimited({ provider: "p", answer: { status: 429, headers, body }, ...extra })

describe("verdictOf", () => {
  it("a quota rejection sets the key aside until the unified reset", () => {
    const reset = now + 2 * 3_600_000
    const v = verdictOf(limited({ "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String(reset / 1000) }), settings, now)
    expect(v).toEqual({ kind: "quota", cooldown: { until: reset, status: 429, at: now } })
  })

  it("insufficient_quota (no reset named) sets the key aside for credentialCooldownMaxMs", () => {
    const body = JSON.stringify({ error: { type: "insufficient_quota", code: "insufficient_quota", message: "You exceeded your current quota" } })
    expect(verdictOf(limited({}, body), settings, now)).toEqual({ kind: "quota", cooldown: { until: now + settings.credentialCooldownMaxMs, status: 429, at: now } })
    expect(verdictOf(limited({}, "{}", { exhausted: true }), settings, now).kind).toBe("quota")
  })

  it("a throttle sets the key aside until its retry-after, Anthropic's or OpenAI's reset, or the error's own delay", () => {
    expect(verdictOf(limited({ "retry-after": "7" }), settings, now)).toEqual({ kind: "throttle", cooldown: { until: now + 7_000, status: 429, at: now } })
    expect(verdictOf(limited({ "anthropic-ratelimit-requests-reset": new Date(now + 30_000).toISOString() }), settings, now)).toMatchObject({ kind: "throttle", cooldown: { until: now + 30_000 } })
    expect(verdictOf(limited({ "x-ratelimit-reset-requests": "1m6.5s", "x-ratelimit-reset-tokens": "250ms" }), settings, now)).toMatchObject({ kind: "throttle", cooldown: { until: now + 66_500 } })
    expect(verdictOf(limited({}, "{}", { retryAfter: Duration.seconds(12) }), settings, now)).toMatchObject({ kind: "throttle", cooldown: { until: now + 12_000 } })
  })

  it("a 429 with nothing to go by is the request's: the key stays", () => {
    expect(verdictOf(limited({}), settings, now)).toEqual({ kind: "request" })
    expect(verdictOf(limited({ "x-ratelimit-reset-requests": "soon" }), settings, now)).toEqual({ kind: "request" })
  })

  it("every 429 wait is capped by credentialCooldownMaxMs; at 0 no 429 sets a key aside", () => {
    const capped = Settings.make({ credentialCooldownMaxMs: 60_000 })
    const far = limited({ "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String((now + 86_400_000) / 1000) })
    expect(verdictOf(far, capped, now)).toMatchObject({ kind: "quota", cooldown: { until: now + 60_000 } })
    expect(verdictOf(far, Settings.make({ credentialCooldownMaxMs: 0 }), now)).toEqual({ kind: "request" })
  })

  it("401 and 403 set the key aside, shown as set-aside (a 429 as cooling)", () => {
    const v = verdictOf(new Unauthorized({ provider: "p", status: 403 }), settings, now)
    expect(v).toEqual({ kind: "refused", cooldown: { until: now + SET_ASIDE_MS, status: 403, at: now } })
    expect(stateOf(v.kind === "request" ? undefined : v.cooldown)).toEqual({ state: "set-aside", status: 403, since: now })
    expect(stateOf({ until: now + 5, status: 429, at: now })).toEqual({ state: "cooling", until: now + 5, status: 429 })
    expect(stateOf(undefined)).toEqual({ state: "available" })
  })
})
