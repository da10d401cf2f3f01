import { describe, expect, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Option, TestClock } from "effect"
import * as fc from "fast-check"
import * as ChainModule from "../../src/Chain.js"
import * as Health from "../../src/Health/Health.js"
import { ProviderConfig, Settings } from "../../src/Config/Document.js"
import { BadUpstreamResponse, Network, type ProviderError, RateLimited, Refused, Timeout, Unauthorized, Upstream5xx } from "../../src/Errors.js"
import { compileModels } from "../../src/Config/Models.js"
import { MessageBody } from "../../src/formats/anthropic/MessageBody.js"
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

  it.effect("fails with the primary's own error when all fail (the most useful one: Claude Code retries it)", () =>
    Effect.gen(function*() {
      const a = scripted("a", 0, [overloaded("a")])
      const b = scripted("b", 0, [new Unauthorized({ provider: "b", status: 403 })])
      const failure = yield* Effect.flip(Chain.run([a.provider, b.provider], request, settings))
      expect(failure.provider).toBe("a")
      expect(failure.error._tag).toBe("Upstream5xx")
      expect(failure.attempts).toBe(2)
      expect(failure.failedOver).toEqual(["b"])
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

  it.effect("over any chain of outcomes, answers the first success or the first real failure", () =>
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
        else expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error.provider : "answered").toBe(order[0]!.name)
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

/** A provider that answers every call with this reply (or fails with this error), counting calls. */
const fixed = (name: string, answer: UpstreamReply | ProviderError, config: Partial<ProviderConfig> = {}) => {
  let calls = 0
  const provider: Provider["Type"] = {
    name,
    config: ProviderConfig.make({ name, format: "anthropic", baseUrl: "https://x.dev", retries: 0, enabled: true, timeoutMs: 1000, nonStreamingTimeoutMs: 1000, apiKey: "k-0000000000", ...config }),
    send: () => Effect.suspend(() => (calls++, "status" in answer && !("_tag" in answer) ? Effect.succeed(answer) : Effect.fail(answer as ProviderError)))
  }
  return { provider, calls: () => calls }
}
const refusal = (status: number, message: string): UpstreamReply => ({
  status,
  headers: new Headers({ "content-type": "application/json" }),
  body: JSON.stringify({ type: "error", error: { type: "invalid_request_error", message } })
})
const withMessage = (body: unknown): UpstreamRequest => {
  const bytes = new TextEncoder().encode(JSON.stringify(body))
  return { ...request, body: bytes, message: new MessageBody(bytes) }
}
const tools = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `t${i}`, input_schema: { type: "object" } }))

describe("a fallback's 4xx", () => {
  it.effect("moves the chain on: the next provider serves the request, and the refusal's words are in the trail", () =>
    Effect.gen(function*() {
      const a = fixed("a", overloaded("a"))
      const b = fixed("b", refusal(400, "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"))
      const c = fixed("c", ok)
      const result = yield* Chain.run([a.provider, b.provider, c.provider], request, settings)
      expect(result.provider).toBe("c")
      expect(result.trail.toString()).toBe(`a=529, b=400 "Invalid max_tokens value the valid range of max_tokens is [1 8192]", c=200`)
      expect(result.trail.attempts()[1]).toMatchObject({ provider: "b", outcome: "400", message: "Invalid max_tokens value the valid range of max_tokens is [1 8192]" })
    }))

  it.effect("404, 413 and 422 from a fallback move on too", () =>
    Effect.gen(function*() {
      for (const status of [404, 413, 422]) {
        const a = fixed("a", overloaded("a"))
        const b = fixed("b", refusal(status, "nope"))
        const c = fixed("c", ok)
        expect((yield* Chain.run([a.provider, b.provider, c.provider], request, settings)).provider).toBe("c")
      }
    }))

  it.effect("when no provider serves the request, the client gets the primary's own error, not the fallback's complaint", () =>
    Effect.gen(function*() {
      const a = fixed("a", new RateLimited({ provider: "a", retryAfter: Duration.seconds(30) }))
      const b = fixed("b", refusal(400, "Unsupported parameter: 'max_tokens'"))
      const failure = yield* Effect.flip(Chain.run([a.provider, b.provider], request, settings))
      expect(failure.provider).toBe("a")
      expect(failure.error._tag).toBe("RateLimited")
    }))

  it.effect("the first provider's 400 is still the caller's answer: no fallback is tried", () =>
    Effect.gen(function*() {
      const a = fixed("a", refusal(400, "messages: field required"))
      const b = fixed("b", ok)
      const result = yield* Chain.run([a.provider, b.provider], request, settings)
      expect([result.provider, result.reply.status, b.calls()]).toEqual(["a", 400, 0])
    }))

  it.effect("the first provider's in-band refusal is answered with its status and body", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "bad" } })
      const a = fixed("a", new Refused({ provider: "a", status: 400, answer: { status: 400, headers: {}, body } }))
      const b = fixed("b", ok)
      const result = yield* Chain.run([a.provider, b.provider], request, settings)
      expect([result.reply.status, result.reply.body, b.calls()]).toEqual([400, body, 0])
    }))

  it.effect("when every fallback that could be tried overflowed, the client gets Anthropic's context-limit 400", () =>
    Effect.gen(function*() {
      const a = fixed("a", overloaded("a"))
      const b = fixed("b", refusal(400, "input length and `max_tokens` exceed context limit: 150000 + 8000 > 128000"))
      const failure = yield* Effect.flip(Chain.run([a.provider, b.provider], request, settings))
      expect(failure.provider).toBe("b")
      expect(failure.error._tag === "Refused" ? [failure.error.status, failure.error.overflow] : failure.error._tag).toEqual([400, true])
    }))

  it.effect("a refusal does not count against the provider's health", () =>
    Effect.gen(function*() {
      const a = fixed("a", overloaded("a"))
      const b = fixed("b", refusal(400, "nope"))
      for (let i = 0; i < 5; i++) yield* Effect.either(ChainModule.run([a.provider, b.provider], request, settings))
      const [ha, hb] = yield* (yield* Health.Health).view(["a", "b"])
      expect([ha!.state, hb!.state]).toEqual(["open", "closed"])
    }).pipe(Effect.provide(Health.layerMemory)))
})

describe("eligibility", () => {
  it.effect("skips a provider that cannot take the request, with the reason, without calling it", () =>
    Effect.gen(function*() {
      const a = fixed("a", overloaded("a"))
      const b = fixed("b", ok, { format: "openai", baseUrl: "https://api.openai.com/v1", models: { "*": "gpt-5.1" } })
      const c = fixed("c", ok)
      const result = yield* ChainModule.run(
        [a.provider, { ...b.provider, mapModel: compileModels(b.provider.config.models) }, c.provider],
        withMessage({ model: "claude-opus-5-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }], tools: tools(150) }),
        settings
      ).pipe(Effect.provide(Health.layerMemory))
      expect(result.provider).toBe("c")
      expect(b.calls()).toBe(0)
      expect(result.trail.toString()).toBe("a=529, b=skipped(150 tools > 128), c=200")
    }))

  it.effect("a request nothing can take is the caller's 400, naming each reason", () =>
    Effect.gen(function*() {
      const b = fixed("b", ok, { format: "openai", baseUrl: "https://api.openai.com/v1", models: { "*": "gpt-5.1" } })
      const failure = yield* Effect.flip(ChainModule.run(
        [{ ...b.provider, mapModel: compileModels(b.provider.config.models) }],
        withMessage({ model: "claude-opus-5-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }], tools: tools(150) }),
        settings
      ).pipe(Effect.provide(Health.layerMemory)))
      expect(failure.error._tag === "Refused" ? [failure.error.status, JSON.parse(failure.error.answer.body).error.message] : failure.error._tag)
        .toEqual([400, "no provider in the chain can serve this request (b: 150 tools > 128)"])
    }))

  it.effect("an input beyond every fallback's context window gets the context-limit 400", () =>
    Effect.gen(function*() {
      const a = fixed("a", overloaded("a"))
      const b = fixed("b", ok, { format: "openai", baseUrl: "https://api.deepseek.com", models: { "*": "deepseek-chat" } })
      const failure = yield* Effect.flip(ChainModule.run(
        [a.provider, { ...b.provider, mapModel: compileModels(b.provider.config.models) }],
        withMessage({ model: "claude-opus-5-5", max_tokens: 4000, messages: [{ role: "user", content: "x".repeat(600_000) }] }),
        settings
      ).pipe(Effect.provide(Health.layerMemory)))
      expect(b.calls()).toBe(0)
      expect(failure.error._tag).toBe("Refused")
      if (failure.error._tag !== "Refused") return
      expect(JSON.parse(failure.error.answer.body).error.message).toMatch(/^input length and `max_tokens` exceed context limit: \d+ \+ 4000 > 128000/)
    }))

  it.effect("the first Anthropic-format provider is never checked (its bytes go as they are)", () =>
    Effect.gen(function*() {
      const a = fixed("a", ok, { capabilities: { maxTools: 1 } })
      const result = yield* ChainModule.run(
        [a.provider],
        withMessage({ model: "claude-opus-5-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }], tools: tools(3) }),
        settings
      ).pipe(Effect.provide(Health.layerMemory))
      expect(result.provider).toBe("a")
    }))
})
