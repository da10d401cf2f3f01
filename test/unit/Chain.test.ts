import { describe, expect, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Option, TestClock } from "effect"
import * as fc from "fast-check"
import * as ChainModule from "../../src/Chain.js"
import * as Health from "../../src/Health/Health.js"
import { ProviderConfig, Settings } from "../../src/Config/Document.js"
import { BadUpstreamResponse, Network, type ProviderError, RateLimited, Timeout, Unauthorized, Upstream5xx } from "../../src/Errors.js"
import type { Provider, UpstreamReply, UpstreamRequest } from "../../src/Provider.js"

const request: UpstreamRequest = {
  requestId: "r",
  method: "POST",
  path: "/v1/messages",
  search: "",
  headers: new Headers(),
  body: undefined,
  message: undefined,
  stream: false
}
const ok: UpstreamReply = { status: 200, headers: new Headers(), body: "ok" }
const settings = Settings.make({ maxRetryAfterMs: 2_000, retryBaseDelayMs: 200 })

/** A provider that answers from a script and records when it was called (TestClock millis). */
const scripted = (name: string, retries: number, script: Array<ProviderError | "ok">) => {
  const calls: Array<number> = []
  const provider: Provider["Type"] = {
    name,
    config: ProviderConfig.make({ name, format: "anthropic", baseUrl: "https://x.dev", retries, enabled: true, timeoutMs: 1000, nonStreamingTimeoutMs: 1000 }),
    send: () =>
      Effect.gen(function*() {
        calls.push(yield* TestClock.currentTimeMillis)
        const next = script[Math.min(calls.length - 1, script.length - 1)]!
        return next === "ok" ? ok : yield* Effect.fail(next)
      })
  }
  return { provider, calls }
}

const Chain = {
  run: (...args: Parameters<typeof ChainModule.run>) => ChainModule.run(...args).pipe(Effect.provide(Health.layerMemory))
}

const overloaded = (provider: string) => new Upstream5xx({ provider, status: 529 })

describe("Chain.run", () => {
  it.effect("falls over in order and reports the provider that answered", () =>
    Effect.gen(function*() {
      const a = scripted("a", 0, [new Unauthorized({ provider: "a", status: 401 })])
      const b = scripted("b", 0, [overloaded("b")])
      const c = scripted("c", 0, ["ok"])
      const result = yield* Chain.run([a.provider, b.provider, c.provider], request, settings)
      expect(result.provider).toBe("c")
      expect(result.attempts).toBe(3)
    }))

  it.effect("retries with exponential backoff before moving on", () =>
    Effect.gen(function*() {
      const a = scripted("a", 2, [overloaded("a")])
      const b = scripted("b", 0, ["ok"])
      const fiber = yield* Effect.fork(Chain.run([a.provider, b.provider], request, settings))
      yield* TestClock.adjust(Duration.seconds(10))
      const result = yield* Fiber.join(fiber)
      expect(result.provider).toBe("b")
      expect(a.calls).toHaveLength(3)
      // jittered exponential: the second gap is longer than the first, each within [0.8, 1.2] of 200/400 ms
      const [t0, t1, t2] = a.calls as [number, number, number]
      expect(t1 - t0).toBeGreaterThanOrEqual(160)
      expect(t1 - t0).toBeLessThanOrEqual(240)
      expect(t2 - t1).toBeGreaterThanOrEqual(320)
      expect(t2 - t1).toBeLessThanOrEqual(480)
    }))

  it.effect("raises the delay to a short Retry-After", () =>
    Effect.gen(function*() {
      const a = scripted("a", 1, [new RateLimited({ provider: "a", retryAfter: Duration.millis(1500) }), "ok"])
      const fiber = yield* Effect.fork(Chain.run([a.provider], request, settings))
      yield* TestClock.adjust(Duration.seconds(5))
      const result = yield* Fiber.join(fiber)
      expect(result.provider).toBe("a")
      expect(a.calls[1]! - a.calls[0]!).toBeGreaterThanOrEqual(1500)
    }))

  it.effect("moves on at once when Retry-After is longer than maxRetryAfterMs", () =>
    Effect.gen(function*() {
      const a = scripted("a", 5, [new RateLimited({ provider: "a", retryAfter: Duration.seconds(30) })])
      const b = scripted("b", 0, ["ok"])
      const result = yield* Chain.run([a.provider, b.provider], request, settings)
      expect(result.provider).toBe("b")
      expect(a.calls).toHaveLength(1)
      expect(b.calls).toEqual([0])
    }))

  it.effect("fails with the last provider's error when all fail", () =>
    Effect.gen(function*() {
      const a = scripted("a", 0, [overloaded("a")])
      const b = scripted("b", 0, [new Unauthorized({ provider: "b", status: 403 })])
      const failure = yield* Effect.flip(Chain.run([a.provider, b.provider], request, settings))
      expect(failure.provider).toBe("b")
      expect(failure.error._tag).toBe("Unauthorized")
      expect(failure.attempts).toBe(2)
    }))

  it.effect("a provider skipped after a real failure keeps that failure (never a defect)", () =>
    Effect.gen(function*() {
      const a = scripted("a", 0, [overloaded("a")])
      const b = scripted("b", 0, ["ok"])
      const exit = yield* Effect.exit(ChainModule.run([a.provider, b.provider], request, settings).pipe(Effect.provide(healthSkipping(new Set(["b"])))))
      expect(Exit.isFailure(exit)).toBe(true)
      const failure = Exit.isFailure(exit) && Cause.failureOption(exit.cause)
      expect(failure && Option.getOrThrow(failure)).toMatchObject({ provider: "a", error: overloaded("a"), attempts: 1, failedOver: [] })
      // what happened, in order: a's failure, then b skipped by its breaker
      expect(failure && Option.getOrThrow(failure).trail.toString()).toBe("a=529, b=skipped(breaker)")
      expect(b.calls).toEqual([])
    }))

  it.effect("over any chain of outcomes, answers the first success or the last real failure", () =>
    Effect.gen(function*() {
      const outcome = fc.constantFrom<() => ProviderError | "ok">(
        () => "ok",
        () => new Upstream5xx({ provider: "x", status: 529 }),
        () => new RateLimited({ provider: "x" }),
        () => new Unauthorized({ provider: "x", status: 401 }),
        () => new Timeout({ provider: "x", afterMs: 1 }),
        () => new Network({ provider: "x", reason: "refused" }),
        () => new BadUpstreamResponse({ provider: "x", reason: "garbage" })
      )
      const chain = fc.array(fc.record({ outcome, skipped: fc.boolean(), openUntil: fc.nat(1000) }), { minLength: 1, maxLength: 6 })
      for (const spec of fc.sample(chain, { numRuns: 300, seed: 42 })) {
        const steps = spec.map((p, i) => ({ name: `p${i}`, result: p.outcome(), skipped: p.skipped, openUntil: p.openUntil }))
        const providers = steps.map((p) => scripted(p.name, 0, [p.result]).provider)
        const health = healthSkipping(new Set(steps.filter((p) => p.skipped).map((p) => p.name)), new Map(steps.map((p) => [p.name, p.openUntil])))
        const exit = yield* Effect.exit(ChainModule.run(providers, request, settings).pipe(Effect.provide(health)))
        if (Exit.isFailure(exit)) expect(exit.cause._tag).toBe("Fail") // never a defect
        const tried = steps.filter((p) => !p.skipped)
        // Every breaker open: the one ready first is tried anyway.
        const order = tried.length > 0 ? tried : [steps.reduce((m, p) => (p.openUntil < m.openUntil ? p : m))]
        const winner = order.find((p) => p.result === "ok")
        if (winner !== undefined) expect(Exit.isSuccess(exit) ? exit.value.provider : "failed").toBe(winner.name)
        else expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error.provider : "answered").toBe(order[order.length - 1]!.name)
      }
    }))
})

/** Health whose breakers are open for the named providers (the rest admitted). */
const healthSkipping = (skipped: ReadonlySet<string>, openUntil: ReadonlyMap<string, number> = new Map()) =>
  Layer.succeed(Health.Health, {
    ...Health.makeMemory(),
    admit: (name: string) => Effect.succeed(skipped.has(name) ? "skip" as const : "go" as const),
    openUntil: (name: string) => Effect.succeed(openUntil.get(name) ?? 0)
  })
