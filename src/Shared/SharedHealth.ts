/**
 * Health and usage shared across isolates through the SharedState Durable Object. Every isolate
 * keeps deciding from memory (no call on the request path): it queues what it saw, and after each
 * request `flush` sends the queue in the background (`ctx.waitUntil`) — at once when it holds a
 * failure, otherwise at most every few seconds (what is left waits for the window's end, not for the
 * next request) — and brings back the breaker states all isolates built together. A provider another isolate found failing is skipped here too.
 * If the Durable Object cannot be reached, the local state goes on working alone.
 */
import { Context, Effect, Layer, Option } from "effect"
import type { Cooldown } from "../Config/Document.js"
import { WorkerCtx, WorkerEnv } from "../Env.js"
import * as Breaker from "../Health/Breaker.js"
import { CooldownMap, type CooldownEvent, keyOf, providerOf } from "../Health/CredentialCooldowns.js"
import { Health, learnedView, makeMemory as makeHealthMemory, MAX_COOLDOWNS } from "../Health/Health.js"
import { type LearnedEvent, LearnedMap } from "../Capabilities/Learned.js"
import { LOG_SIZE, type LogEntry } from "../Health/RequestLog.js"
import { keyDeltas, keySeries, makeMemory as makeUsageMemory, Usage } from "../Health/Usage.js"
import * as UsageBuckets from "../Health/UsageBuckets.js"
import type { BreakerStates, HealthEvent, Report, SharedView } from "./SharedState.js"

export interface SharedStub {
  report(report: Report, now: number): Promise<SharedView>
  breakerStates(): Promise<BreakerStates>
  resetHealth(name: string | undefined): Promise<void>
  usageSeries(now: number): Promise<UsageBuckets.Series>
  requestLog(): Promise<ReadonlyArray<LogEntry>>
}

/** Sends what this isolate saw to the shared state, in the background of the current request. */
export class SharedSync extends Context.Tag("claude-failover/SharedSync")<SharedSync, {
  readonly flush: Effect.Effect<void>
}>() {}

/** Failures queued at most (each one is sent at once, so this is only reached when the object is down). */
const MAX_FAILURES = 1_000
/** Successes and usage are sent at most this often per isolate; a failure goes out at once. */
const FLUSH_EVERY_MS = 5_000

/**
 * What this isolate saw since its last report, kept small however many requests it serves: a run of
 * successes of one provider is one event with a count, and usage is summed per hour and key. So
 * queueing costs the same on the thousandth request of a window as on the first, and nothing is
 * dropped.
 */
type SuccessRun = { readonly name: string; readonly kind: "success"; at: number; count: number }

class Pending {
  health: Array<HealthEvent> = []
  cooldowns: Array<CooldownEvent> = []
  learned: Array<LearnedEvent> = []
  log: Array<LogEntry> = []
  usage = new Map<string, UsageBuckets.UsageDelta>()
  /** a failure is queued: send at once */
  urgent = false
  private failures = 0
  /** provider -> its latest run of successes (an event in `health`, counted up in place) */
  private runs = new Map<string, SuccessRun>()

  success(name: string, at: number): void {
    const run = this.runs.get(name)
    if (run !== undefined) {
      run.at = at
      run.count++
      return
    }
    const fresh: SuccessRun = { name, kind: "success", at, count: 1 }
    this.runs.set(name, fresh)
    this.health.push(fresh)
  }

  failure(e: HealthEvent): void {
    this.runs.delete(e.name)
    if (this.failures >= MAX_FAILURES) return
    this.failures++
    this.urgent = true
    this.health.push(e)
  }

  /** A credential cooled down or cleared: other isolates should know at once. */
  cooldown(e: CooldownEvent): void {
    if (this.cooldowns.length >= MAX_FAILURES) return
    this.urgent = true
    this.cooldowns.push(e)
  }

  /** A refused parameter or beta: other isolates should stop sending it at once. */
  learn(e: LearnedEvent): void {
    if (this.learned.length >= MAX_FAILURES) return
    this.urgent = true
    this.learned.push(e)
  }

  addLog(entry: LogEntry): void {
    if (this.log.length >= LOG_SIZE) this.log.shift()
    this.log.push(entry)
  }

  addUsage(d: UsageBuckets.UsageDelta): void {
    const key = `${d.hour}|${d.key}`
    const seen = this.usage.get(key)
    if (seen === undefined) {
      this.usage.set(key, { hour: d.hour, key: d.key, counters: { ...d.counters } })
      return
    }
    const c = seen.counters
    c.requests += d.counters.requests
    c.failovers += d.counters.failovers
    c.errors += d.counters.errors
    c.inputTokens += d.counters.inputTokens
    c.outputTokens += d.counters.outputTokens
  }

  get empty(): boolean {
    return this.health.length === 0 && this.usage.size === 0 && this.cooldowns.length === 0 && this.log.length === 0 && this.learned.length === 0
  }

  /** The report (plain data) and a fresh queue. */
  take(): Report {
    const report: Report = {
      health: this.health,
      usage: [...this.usage.values()],
      ...(this.cooldowns.length === 0 ? {} : { cooldowns: this.cooldowns }),
      ...(this.learned.length === 0 ? {} : { learned: this.learned }),
      ...(this.log.length === 0 ? {} : { log: this.log })
    }
    this.log = []
    this.learned = []
    this.health = []
    this.cooldowns = []
    this.usage = new Map()
    this.runs = new Map()
    this.urgent = false
    this.failures = 0
    return report
  }

  /** Events not sent yet for `name` (or all) describe a state being reset: dropped. */
  drop(name: string | undefined): void {
    if (name === undefined) {
      this.health = []
      this.cooldowns = []
      this.learned = []
      this.runs = new Map()
      this.urgent = false
      this.failures = 0
      return
    }
    this.learned = this.learned.filter((e) => e.provider !== name)
    this.health = this.health.filter((e) => e.name !== name)
    this.cooldowns = this.cooldowns.filter((e) => providerOf(e.key) !== name)
    this.runs.delete(name)
    this.urgent = this.health.some((e) => e.kind === "failure") || this.cooldowns.length > 0
  }
}

export const make = (stub: SharedStub, startedAt: number, options: { readonly flushEveryMs?: number } = {}) => {
  const flushEveryMs = options.flushEveryMs ?? FLUSH_EVERY_MS
  /** facts learned here and by every isolate (the shared state answers them with each report) */
  const learned = new LearnedMap()
  const localHealth = makeHealthMemory(learned)
  const localUsage = makeUsageMemory(startedAt)
  let shared: BreakerStates = {}
  /** the cooldowns every isolate reported, as the shared state last answered them */
  const sharedCooldowns = new CooldownMap(MAX_COOLDOWNS)
  const pending = new Pending()
  /** the report being sent, if any */
  let inFlight: Promise<void> | undefined
  let lastFlush = 0
  /** a send is already scheduled for the end of the current window */
  let deferred = false
  /** counts resets: an answer to a report sent before the last one describes the state before it */
  let epoch = 0

  const health: Health["Type"] = {
    scope: "deployment",
    admit: (name) =>
      Effect.flatMap(localHealth.admit(name), (local) =>
        Effect.clockWith((c) => c.currentTimeMillis).pipe(
          Effect.map((now) => {
            const s = shared[name]
            // Another isolate opened this provider's breaker: skip it here as well.
            return local !== "skip" && s !== undefined && Breaker.stateAt(s, now) === "open" ? "skip" : local
          })
        )),
    success: (name) =>
      Effect.zipRight(
        localHealth.success(name),
        Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (at) => pending.success(name, at))
      ),
    failure: (name, info, cooldown: Cooldown) =>
      Effect.zipRight(
        localHealth.failure(name, info, cooldown),
        Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (at) => pending.failure({ name, at, kind: "failure", info, cooldown }))
      ),
    openUntil: (name) => Effect.map(localHealth.openUntil(name), (local) => Math.max(local, shared[name]?.openUntil ?? 0)),
    view: (names) =>
      Effect.gen(function*() {
        const local = yield* localHealth.view(names)
        const remote = yield* Effect.tryPromise(() => stub.breakerStates()).pipe(Effect.timeout("2 seconds"), Effect.option)
        if (Option.isNone(remote)) return local
        shared = remote.value
        const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
        const cooling = sharedCooldowns.summary(now)
        return local.map((l) => {
          const s = remote.value[l.name]
          const view = s === undefined ? l : { ...s, name: l.name, state: Breaker.stateAt(s, now) }
          // The deployment's count when the shared state has one; this isolate's otherwise.
          const c = cooling[l.name] ?? l.credentialCooldowns
          return { ...(c === undefined ? view : { ...view, credentialCooldowns: c }), ...learnedView(learned, l.name) }
        })
      }),
    reset: (name) =>
      Effect.gen(function*() {
        // A report whose round trip crosses the reset answers with the state before it: not taken.
        epoch++
        yield* localHealth.reset(name)
        // Events not sent yet describe the state being reset: drop them too.
        pending.drop(name)
        // What was sent before the reset reaches the shared state before the reset does.
        const sending = inFlight
        if (sending !== undefined) yield* Effect.promise(() => sending).pipe(Effect.timeout("2 seconds"), Effect.ignore)
        yield* Effect.tryPromise(() => stub.resetHealth(name)).pipe(
          Effect.tap(() =>
            Effect.sync(() => {
              if (name === undefined) shared = {}
              else delete shared[name]
              sharedCooldowns.drop(name)
            })
          ),
          Effect.catchAll((e) => Effect.logWarning("shared health unreachable; reset this isolate only", e))
        )
        epoch++
      }),
    credentialCooldown: (name, credential) =>
      Effect.flatMap(localHealth.credentialCooldown(name, credential), (local) =>
        local !== undefined || sharedCooldowns.size === 0
          ? Effect.succeed(local)
          : Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (now) => sharedCooldowns.get(keyOf(name, credential), now))),
    credentialLimited: (name, credential, cooldown) =>
      Effect.zipRight(
        localHealth.credentialLimited(name, credential, cooldown),
        Effect.sync(() => pending.cooldown({ key: keyOf(name, credential), kind: "set", cooldown }))
      ),
    credentialServed: (name, credential) =>
      Effect.flatMap(health.credentialCooldown(name, credential), (cooldown) =>
        cooldown === undefined
          ? Effect.void
          : Effect.zipRight(
            localHealth.credentialServed(name, credential),
            Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (at) => {
              const key = keyOf(name, credential)
              sharedCooldowns.clear(key)
              pending.cooldown({ key, kind: "clear", at })
            })
          )),
    credentialForgotten: (name, credential) =>
      Effect.zipRight(
        localHealth.credentialForgotten(name, credential),
        Effect.flatMap(Effect.clockWith((c) => c.currentTimeMillis), (at) => {
          const key = keyOf(name, credential)
          // a report in flight would bring the forgotten cooldown back
          epoch++
          sharedCooldowns.clear(key)
          pending.cooldown({ key, kind: "clear", at })
          return flush
        })
      ),
    learnedFor: localHealth.learnedFor,
    learn: (event) => Effect.zipRight(localHealth.learn(event), Effect.sync(() => pending.learn(event)))
  }

  const usage: Usage["Type"] = {
    record: (e) =>
      Effect.zipRight(
        localUsage.record(e),
        Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (now) => {
          const hour = UsageBuckets.hourOf(now)
          const one = (key: string, counters: Partial<Record<"requests" | "failovers" | "errors" | "inputTokens" | "outputTokens", number>>) =>
            pending.addUsage({ hour, key, counters: { requests: 0, failovers: 0, errors: 0, inputTokens: 0, outputTokens: 0, ...counters } })
          for (const name of e.failed) one(`provider:${name}`, { requests: 1, errors: 1, failovers: 1 })
          if (e.answered !== undefined) one(`provider:${e.answered}`, { requests: 1, errors: e.error ? 1 : 0 })
          if (e.token !== undefined) one(`token:${e.token}`, { requests: 1, failovers: e.failed.length, errors: e.error ? 1 : 0 })
          for (const d of keyDeltas(e.keys)) one(d.key, d.counters)
        })
      ),
    tokens: (provider, token, input, output, key) =>
      Effect.zipRight(
        localUsage.tokens(provider, token, input, output, key),
        Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (now) => {
          const hour = UsageBuckets.hourOf(now)
          const counters = { requests: 0, failovers: 0, errors: 0, inputTokens: input, outputTokens: output }
          pending.addUsage({ hour, key: `provider:${provider}`, counters })
          if (token !== undefined) pending.addUsage({ hour, key: `token:${token}`, counters })
          if (key !== undefined) pending.addUsage({ hour, key: keySeries(provider, key), counters })
        })
      ),
    view: Effect.map(localUsage.view, (v) => ({ ...v, scope: "isolate" as const })),
    series: Effect.tryPromise(() => stub.usageSeries(Date.now())).pipe(
      Effect.map((series) => ({ ...series, scope: "deployment" as const })),
      Effect.catchAll(() => localUsage.series)
    ),
    reset: localUsage.reset,
    log: (entry) => Effect.zipRight(localUsage.log(entry), Effect.sync(() => pending.addLog(entry))),
    recent: Effect.tryPromise(() => stub.requestLog()).pipe(
      Effect.timeout("2 seconds"),
      // What this isolate saw and has not reported yet is newer than anything the object holds.
      Effect.map((entries) => ({ scope: "deployment" as const, entries: [...[...pending.log].reverse(), ...entries].slice(0, LOG_SIZE) })),
      Effect.catchAll(() => localUsage.recent)
    )
  }

  const send = (): Promise<void> => {
    lastFlush = Date.now()
    const report = pending.take()
    const sentAt = epoch
    const sending = stub.report(report, Date.now()).then(
      (view) => {
        if (sentAt !== epoch) return
        shared = view.breakers
        sharedCooldowns.replace(view.cooldowns)
        if (view.learned !== undefined) learned.merge(view.learned)
      },
      (cause) => {
        console.warn(JSON.stringify({ level: "warning", message: "shared state unreachable; local health only", cause: String(cause) }))
      }
    ).finally(() => {
      inFlight = undefined
    })
    inFlight = sending
    return sending
  }

  /** Sends after `ms`, once the report in flight (if any) is through. */
  const sendLater = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => setTimeout(resolve, ms)).then(() => {
      if (inFlight !== undefined) return inFlight.then(() => sendLater(0))
      deferred = false
      return send()
    })

  const flush: Effect.Effect<void> = Effect.gen(function*() {
    const urgent = pending.urgent
    const wait = flushEveryMs - (Date.now() - lastFlush)
    let sent: Promise<void>
    if (inFlight === undefined && (urgent || wait <= 0)) {
      sent = send()
    } else if (!deferred && !pending.empty) {
      // What this isolate saw reaches the shared state even if no request follows: when the window
      // ends (a failure: as soon as the report in flight is through).
      deferred = true
      sent = sendLater(urgent ? 0 : Math.max(wait, 0))
    } else {
      return
    }
    const ctx = yield* Effect.serviceOption(WorkerCtx)
    if (Option.isSome(ctx)) ctx.value.waitUntil(sent)
  })

  return { health, usage, sync: { flush } }
}

/** Health, Usage and SharedSync from the SHARED Durable Object binding; memory-only without it. */
export const layer = Layer.unwrapEffect(
  Effect.map(WorkerEnv, (env) => {
    const namespace = env.SHARED
    if (namespace === undefined) {
      return Layer.mergeAll(
        Layer.sync(Health, makeHealthMemory),
        Layer.sync(Usage, () => makeUsageMemory(Date.now())),
        Layer.succeed(SharedSync, { flush: Effect.void })
      )
    }
    const stub = () => namespace.get(namespace.idFromName("deployment")) as unknown as SharedStub
    // The stub is looked up per call: a stub belongs to the request that made it.
    const proxy: SharedStub = {
      report: (r, now) => stub().report(r, now),
      breakerStates: () => stub().breakerStates(),
      resetHealth: (name) => stub().resetHealth(name),
      usageSeries: (now) => stub().usageSeries(now),
      requestLog: () => stub().requestLog()
    }
    return Layer.effectContext(Effect.sync(() => {
      const s = make(proxy, Date.now(), env.SHARED_FLUSH_MS === undefined ? {} : { flushEveryMs: Number(env.SHARED_FLUSH_MS) })
      return Context.make(Health, s.health).pipe(Context.add(Usage, s.usage), Context.add(SharedSync, s.sync))
    }))
  })
)
