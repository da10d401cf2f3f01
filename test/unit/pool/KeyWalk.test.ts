/**
 * A request through a key pool (Chain + KeyWalk): a refused key gives way to the next key of the same
 * provider, as its 429 kind says; set-aside and cooldowns hold for later requests; the bound on keys
 * per request; a pool with every key cooling is skipped until the first comes back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Option, TestClock } from "effect"
import * as ChainModule from "../../../src/Chain.js"
import { ProviderConfig, Settings } from "../../../src/Config/Document.js"
import { type ProviderError, RateLimited, Unauthorized, Upstream5xx } from "../../../src/Errors.js"
import * as Health from "../../../src/Health/Health.js"
import { makePool } from "../../../src/Pool/KeyPool.js"
import type { PooledProvider, Provider, UpstreamReply, UpstreamRequest } from "../../../src/Provider.js"

const ok: UpstreamReply = { status: 200, headers: new Headers(), body: "ok" }
const settings = Settings.make({ maxRetryAfterMs: 2_000, retryBaseDelayMs: 10 })
const KEYS = ["sk-ant-key-one-0001", "sk-ant-key-two-0002", "sk-ant-key-three-0003", "sk-ant-key-four-0004", "sk-ant-key-five-0005"]

const requestFor = (session: string): UpstreamRequest => ({
  requestId: "r",
  method: "POST",
  path: "/v1/messages",
  search: "",
  headers: new Headers({ "x-claude-code-session-id": session }),
  body: undefined,
  message: undefined,
  stream: false
})

type Answer = ProviderError | "ok"
const epochSeconds = (ms: number) => String(Math.floor(ms / 1000))
const quota = (resetAt: number) =>
  new RateLimited({
    provider: "team",
    answer: { status: 429, headers: { "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": epochSeconds(resetAt) }, body: "{}" }
  })
const throttle = (seconds: number) =>
  new RateLimited({ provider: "team", retryAfter: Duration.seconds(seconds), answer: { status: 429, headers: { "retry-after": String(seconds) }, body: "{}" } })
const silent = () => new RateLimited({ provider: "team", answer: { status: 429, headers: {}, body: "{}" } })

/** A pooled provider whose keys answer from `answer(key, call)`; every call's key is recorded. */
const pooled = (name: string, keys: ReadonlyArray<string>, answer: (key: string, now: number) => Answer, retries = 0) => {
  const calls: Array<string> = []
  const config = ProviderConfig.make({ name, format: "anthropic", baseUrl: "https://x.dev", keys: keys.map((key) => ({ key })), retries, enabled: true, timeoutMs: 1000, nonStreamingTimeoutMs: 1000 })
  const pool = makePool<PooledProvider>(config, (variant) => ({
    name,
    config: variant,
    send: () =>
      Effect.gen(function*() {
        calls.push(variant.apiKey!)
        const a = answer(variant.apiKey!, yield* TestClock.currentTimeMillis)
        return a === "ok" ? ok : yield* Effect.fail(a)
      })
  }))!
  const provider: Provider["Type"] = { name, config, send: pool.keys[0]!.provider.send, pool }
  return { provider, calls }
}

const backup = () => {
  const calls: Array<number> = []
  const provider: Provider["Type"] = {
    name: "backup",
    config: ProviderConfig.make({ name: "backup", format: "openai", baseUrl: "https://y.dev", apiKey: "k", retries: 0, enabled: true, timeoutMs: 1000, nonStreamingTimeoutMs: 1000 }),
    send: () => Effect.map(TestClock.currentTimeMillis, (now) => (calls.push(now), ok))
  }
  return { provider, calls }
}

/** The test clock's start: a real date, so reset headers (epoch seconds) read as they do in production. */
const BASE = Date.UTC(2026, 11, 6, 12, 0, 0)
const start = TestClock.setTime(BASE)

const run = (chain: ReadonlyArray<Provider["Type"]>, session: string, s = settings) => ChainModule.run(chain, requestFor(session), s)

describe("KeyWalk", () => {
  it.effect("a quota-limited key is set aside until its reset: the request goes on with the next key, and no request calls it before the reset", () =>
    Effect.gen(function*() {
      yield* start
      let limited: string | undefined
      const resetAt = BASE + 3_600_000
      const team = pooled("team", KEYS.slice(0, 3), (key, now) => {
        limited ??= key // the first key called is the one out of quota
        return key === limited && now < resetAt ? quota(resetAt) : "ok"
      })
      const first = yield* run([team.provider], "session-0")
      expect(first.reply.status).toBe(200)
      expect(team.calls).toHaveLength(2)
      expect(team.calls[1]).not.toBe(limited)
      expect(first.trail.toString()).toMatch(/^team\(sk-\.\.\.\d{4}\)=429 cooldown-until=2026-12-06T13:00:00Z, team\(sk-\.\.\.\d{4}\)=200$/)
      // Many conversations later, before the reset: the limited key is never called.
      team.calls.length = 0
      for (let i = 0; i < 60; i++) yield* run([team.provider], `session-${i}`)
      expect(team.calls).toHaveLength(60)
      expect(team.calls).not.toContain(limited)
      // After the reset it serves its conversations again.
      yield* TestClock.setTime(resetAt)
      team.calls.length = 0
      yield* run([team.provider], "session-0")
      expect(team.calls).toEqual([limited])
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("a throttle (retry-after) sets the key aside briefly; a 429 with no headers moves on once and leaves the key as it was", () =>
    Effect.gen(function*() {
      yield* start
      let throttled: string | undefined
      const team = pooled("team", KEYS.slice(0, 3), (key, now) => {
        throttled ??= key
        return key === throttled && now < BASE + 5_000 ? throttle(5) : "ok"
      })
      yield* run([team.provider], "s")
      team.calls.length = 0
      yield* run([team.provider], "s")
      expect(team.calls).not.toContain(throttled)
      yield* TestClock.adjust(Duration.seconds(5))
      team.calls.length = 0
      yield* run([team.provider], "s")
      expect(team.calls).toEqual([throttled])

      let bare: string | undefined
      const other = pooled("other", KEYS.slice(0, 3), (key) => {
        bare ??= key
        return key === bare ? silent() : "ok"
      })
      const r = yield* run([other.provider], "t")
      expect(r.reply.status).toBe(200)
      expect(other.calls).toHaveLength(2)
      // request-scoped: the next request tries the same key first again
      other.calls.length = 0
      yield* run([other.provider], "t")
      expect(other.calls[0]).toBe(bare)
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("two header-less 429s in one request: the chain moves on (one retry on another key only)", () =>
    Effect.gen(function*() {
      const team = pooled("team", KEYS.slice(0, 4), () => silent())
      const b = backup()
      const r = yield* run([team.provider, b.provider], "s")
      expect(team.calls).toHaveLength(2)
      expect(r.provider).toBe("backup")
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("a 401 sets the key aside until an operator resets it; the breaker is not touched", () =>
    Effect.gen(function*() {
      let revoked: string | undefined
      const team = pooled("team", KEYS.slice(0, 2), (key) => {
        revoked ??= key
        return key === revoked ? new Unauthorized({ provider: "team", status: 401 }) : "ok"
      })
      const first = yield* run([team.provider], "s")
      expect(first.trail.toString()).toMatch(/^team\(sk-\.\.\.\d{4}\)=401 set-aside, team\(sk-\.\.\.\d{4}\)=200$/)
      expect(first.trail.attempts()[0]).toMatchObject({ outcome: "401", setAside: true })
      yield* TestClock.adjust(Duration.hours(24))
      team.calls.length = 0
      for (let i = 0; i < 20; i++) yield* run([team.provider], `s${i}`)
      expect(team.calls).not.toContain(revoked)
      const health = yield* Health.Health
      expect((yield* health.view(["team"]))[0]!.state).toBe("closed")
      const id = (yield* team.provider.pool!.keyIds)[KEYS.indexOf(revoked!)]!
      yield* health.credentialForgotten("team", id)
      team.calls.length = 0
      yield* run([team.provider], "s")
      expect(team.calls[0]).toBe(revoked)
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("at most keysPerRequest keys are tried, then the chain moves on", () =>
    Effect.gen(function*() {
      const team = pooled("team", KEYS, () => throttle(60))
      const b = backup()
      const r = yield* run([team.provider, b.provider], "s")
      expect(team.calls).toHaveLength(3)
      expect(r.provider).toBe("backup")
      team.calls.length = 0
      yield* run([team.provider, b.provider], "s", Settings.make({ ...settings, keysPerRequest: 1 }))
      expect(team.calls).toHaveLength(1)
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("a 5xx is the provider's: after its retries the chain moves on without trying other keys", () =>
    Effect.gen(function*() {
      const team = pooled("team", KEYS.slice(0, 3), () => new Upstream5xx({ provider: "team", status: 529 }), 1)
      const b = backup()
      const fiber = yield* Effect.fork(run([team.provider, b.provider], "s"))
      // The key ids come from WebCrypto (real time): move the test clock until the retry's wait is over.
      for (let i = 0; i < 200 && Option.isNone(yield* Fiber.poll(fiber)); i++) {
        yield* TestClock.adjust(Duration.seconds(1))
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)))
      }
      const r = yield* Fiber.join(fiber)
      expect(r.provider).toBe("backup")
      expect(team.calls).toHaveLength(2)
      expect(new Set(team.calls).size).toBe(1)
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("a conversation that failed over stays on the fallback while every key cools down, and comes back after the first reset", () =>
    Effect.gen(function*() {
      yield* start
      const resetAt = BASE + 600_000
      const team = pooled("team", KEYS.slice(0, 2), (_key, now) => (now < resetAt ? quota(resetAt) : "ok"))
      const b = backup()
      const first = yield* run([team.provider, b.provider], "s")
      expect(first.provider).toBe("backup")
      expect(team.calls).toHaveLength(2)
      team.calls.length = 0
      for (let i = 0; i < 5; i++) {
        yield* TestClock.adjust(Duration.seconds(60))
        const later = yield* run([team.provider, b.provider], "s")
        expect(later.provider).toBe("backup")
        expect(later.trail.toString()).toBe("team=skipped(cooldown) cooldown-until=2026-12-06T12:10:00Z, backup=200")
      }
      expect(team.calls).toHaveLength(0)
      yield* TestClock.setTime(resetAt)
      const back = yield* run([team.provider, b.provider], "s")
      expect(back.provider).toBe("team")
    }).pipe(Effect.provide(Health.layerMemory)))

  it.effect("every provider skipped: the pool is forced with the key whose cooldown ends first", () =>
    Effect.gen(function*() {
      yield* start
      const resets = new Map([[KEYS[0]!, BASE + 900_000], [KEYS[1]!, BASE + 300_000]])
      const team = pooled("team", KEYS.slice(0, 2), (key, now) => (now < BASE + 10 ? quota(resets.get(key)!) : "ok"))
      const failed = yield* Effect.either(run([team.provider], "s"))
      expect(failed._tag).toBe("Left")
      yield* TestClock.adjust(Duration.millis(10))
      team.calls.length = 0
      const forced = yield* run([team.provider], "s")
      expect(forced.reply.status).toBe(200)
      expect(team.calls).toEqual([KEYS[1]])
    }).pipe(Effect.provide(Health.layerMemory)))
})
