import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Cooldown } from "../../src/Config/Document.js"
import * as SharedHealth from "../../src/Shared/SharedHealth.js"
import type { Report } from "../../src/Shared/SharedState.js"
import { LearnedMap } from "../../src/Capabilities/Learned.js"
import { keyOf } from "../../src/Health/CredentialCooldowns.js"

/** The shared state with nothing in it. */
const EMPTY = { breakers: {}, cooldowns: {} }

const unreachable: SharedHealth.SharedStub = {
  report: () => Promise.reject(new Error("DO unreachable")),
  breakerStates: () => Promise.reject(new Error("DO unreachable")),
  resetHealth: () => Promise.reject(new Error("DO unreachable")),
  usageSeries: () => Promise.reject(new Error("DO unreachable")),
  requestLog: () => Promise.reject(new Error("DO unreachable"))
}
/** Health events in a report, a run of successes counted as its successes. */
const eventsIn = (r: Report) => r.health.reduce((n, e) => n + (e.kind === "success" ? e.count ?? 1 : 1), 0)
const cooldown = Cooldown.make({ threshold: 2, baseMs: 60_000, maxMs: 60_000 })
const info = { error: { at: 0, tag: "Upstream5xx", message: "x" }, countsAgainstProvider: true }

describe("shared health when the Durable Object is unreachable", () => {
  it.live("falls back to this isolate's own state", () =>
    Effect.gen(function*() {
      const s = SharedHealth.make(unreachable, Date.now())
      yield* s.health.failure("p", info, cooldown)
      yield* s.health.failure("p", info, cooldown)
      yield* s.sync.flush
      expect(yield* s.health.admit("p")).toBe("skip")
      const [view] = yield* s.health.view(["p"])
      expect(view).toMatchObject({ name: "p", state: "open", failures: 2 })
      yield* s.health.reset("p")
      expect(yield* s.health.admit("p")).toBe("go")
      const series = yield* s.usage.series
      expect(series.scope).toBe("isolate")
    }))

  it.live("skips a provider the shared state says is open", () =>
    Effect.gen(function*() {
      const openUntil = Date.now() + 60_000
      const stub: SharedHealth.SharedStub = {
        ...unreachable,
        report: () => Promise.resolve({ breakers: { p: { consecutiveFailures: 5, openUntil, probeStartedAt: 0, requests: 5, successes: 0, failures: 5 } }, cooldowns: {} })
      }
      const s = SharedHealth.make(stub, Date.now())
      expect(yield* s.health.admit("p")).toBe("go")
      yield* s.sync.flush
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
      expect(yield* s.health.admit("p")).toBe("skip")
      expect(yield* s.health.openUntil("p")).toBe(openUntil)
    }))
})

describe("reporting to the shared state", () => {
  it.live("sends a failure at once but successes at most every few seconds", () =>
    Effect.gen(function*() {
      let reports = 0
      const stub: SharedHealth.SharedStub = { ...unreachable, report: () => (reports++, Promise.resolve(EMPTY)) }
      const s = SharedHealth.make(stub, Date.now())
      const settle = Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
      yield* s.health.success("p")
      yield* s.sync.flush
      yield* settle
      yield* s.health.success("p")
      yield* s.sync.flush
      yield* settle
      expect(reports).toBe(1)
      yield* s.health.failure("p", info, cooldown)
      yield* s.sync.flush
      yield* settle
      expect(reports).toBe(2)
    }))

  it.live("sends what waited for the window at the window's end, with no further request", () =>
    Effect.gen(function*() {
      const sent: Array<number> = []
      const stub: SharedHealth.SharedStub = { ...unreachable, report: (r) => (sent.push(eventsIn(r)), Promise.resolve(EMPTY)) }
      const s = SharedHealth.make(stub, Date.now(), { flushEveryMs: 150 })
      yield* s.health.success("p")
      yield* s.sync.flush // the first report goes at once
      yield* Effect.sleep("10 millis")
      yield* s.health.success("p")
      yield* s.sync.flush // inside the window: deferred
      yield* s.health.success("p")
      yield* s.sync.flush // one deferred send carries both
      yield* Effect.sleep("10 millis")
      expect(sent).toEqual([1])
      yield* Effect.sleep("250 millis")
      expect(sent).toEqual([1, 2])
    }))

  it.live("keeps a window's report small however many requests it counts, and drops none of them", () =>
    Effect.gen(function*() {
      const reports: Array<Report> = []
      const stub: SharedHealth.SharedStub = { ...unreachable, report: (r) => (reports.push(r), Promise.resolve(EMPTY)) }
      const s = SharedHealth.make(stub, Date.now(), { flushEveryMs: 60_000 })
      yield* s.health.success("a")
      yield* s.sync.flush // the first report goes at once; the rest waits for the window
      yield* Effect.sleep("10 millis")
      for (let i = 0; i < 3_000; i++) {
        yield* s.health.success(i % 3 === 0 ? "b" : "a")
        yield* s.usage.record({ token: "laptop", failed: [], answered: "a", error: false })
        yield* s.sync.flush
      }
      yield* s.health.failure("c", info, cooldown)
      yield* s.sync.flush // a failure goes at once, with everything before it
      yield* Effect.sleep("10 millis")
      expect(reports).toHaveLength(2)
      const second = reports[1]!
      expect(second.health.map((e) => [e.name, e.kind, e.kind === "success" ? e.count : 1])).toEqual([["b", "success", 1000], ["a", "success", 2000], ["c", "failure", 1]])
      expect(second.usage.map((u) => [u.key, u.counters.requests])).toEqual([["provider:a", 3000], ["token:laptop", 3000]])
    }))

  it.live("sends what arrived while a report was in flight once it is through", () =>
    Effect.gen(function*() {
      const sent: Array<number> = []
      let answer: () => void = () => {}
      const stub: SharedHealth.SharedStub = {
        ...unreachable,
        report: (r) => {
          sent.push(r.health.length)
          return sent.length === 1 ? new Promise((resolve) => answer = () => resolve(EMPTY)) : Promise.resolve(EMPTY)
        }
      }
      const s = SharedHealth.make(stub, Date.now(), { flushEveryMs: 100 })
      yield* s.health.failure("p", info, cooldown)
      yield* s.sync.flush // goes at once, and hangs
      yield* s.health.failure("p", info, cooldown)
      yield* s.sync.flush // a failure while the first is in flight: right after it
      yield* Effect.sleep("20 millis")
      expect(sent).toEqual([1])
      answer()
      yield* Effect.sleep("20 millis")
      expect(sent).toEqual([1, 1])
    }))
})

describe("a reset while a report is in flight", () => {
  /** A stub whose first report waits for `answer` (later ones answer at once, or never); it records the order of calls. */
  const holding = (view: (report: Report) => Awaited<ReturnType<SharedHealth.SharedStub["report"]>>, later: "answer" | "hold" = "answer") => {
    const calls: Array<string> = []
    let answer: () => void = () => {}
    const stub: SharedHealth.SharedStub = {
      ...unreachable,
      report: (report) => {
        calls.push("report")
        return calls.filter((c) => c === "report").length === 1
          ? new Promise((resolve) => answer = () => (calls.push("answered"), resolve(view(report))))
          : later === "answer" ? Promise.resolve(view(report)) : new Promise(() => {})
      },
      resetHealth: () => (calls.push("resetHealth"), Promise.resolve())
    }
    return { stub, calls, answer: () => answer() }
  }

  it.live("does not take back what the reset forgot from the answer to a report sent before it", () =>
    Effect.gen(function*() {
      // The shared state as it stood when the report was sent: it had learned the refused parameter.
      const before = new LearnedMap()
      const fact = { provider: "p", model: "m", fact: { kind: "param" as const, name: "temperature" }, at: Date.now() }
      before.learn(fact)
      const { answer, calls, stub } = holding(() => ({ ...EMPTY, learned: before.toEntries() }))
      const s = SharedHealth.make(stub, Date.now())
      yield* s.health.learn(fact)
      yield* s.sync.flush // a learned fact goes at once, and its answer waits
      const reset = yield* Effect.fork(s.health.reset(undefined))
      yield* Effect.sleep("10 millis")
      // The reset waits for the report sent before it to reach the shared state first.
      expect(calls).toEqual(["report"])
      answer()
      yield* reset.await
      expect(calls).toEqual(["report", "answered", "resetHealth"])
      expect(s.health.learnedFor("p", "m")).toBeUndefined()
    }))

  it.live("does not take back a forgotten key's cooldown from the answer to a report sent before", () =>
    Effect.gen(function*() {
      const now = Date.now()
      const limited = { until: now + 60_000, status: 429, at: now }
      let cooldowns = {}
      // The report that carries the clear is not answered: what is seen here comes from the first.
      const { answer, stub } = holding(() => ({ ...EMPTY, cooldowns }), "hold")
      const s = SharedHealth.make(stub, now)
      yield* s.health.credentialLimited("p", "kid_1", limited)
      yield* s.sync.flush // goes at once; the shared state will answer with the cooldown
      cooldowns = { [keyOf("p", "kid_1")]: limited }
      yield* s.health.credentialForgotten("p", "kid_1")
      answer()
      yield* Effect.sleep("20 millis")
      expect(yield* s.health.credentialCooldown("p", "kid_1")).toBeUndefined()
    }))
})
