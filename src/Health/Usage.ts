/**
 * Usage counters per provider, per access token and per pooled key: requests, failovers, errors and tokens, and the
 * log of the last requests. Kept in this isolate's memory since it started (no KV write per
 * request); `since` says from when.
 */
import { Clock, Context, Effect, Layer } from "effect"
import type { KeyUse } from "../AttemptTrail.js"
import { type LogEntry, RingLog } from "./RequestLog.js"
import * as UsageBuckets from "./UsageBuckets.js"

export interface Counters {
  requests: number
  failovers: number
  errors: number
  inputTokens: number
  outputTokens: number
}

export interface UsageView {
  readonly since: number
  readonly scope: "isolate"
  readonly providers: Readonly<Record<string, Counters>>
  readonly tokens: Readonly<Record<string, Counters>>
}

export interface UsageEvent {
  /** a label for the access token (its note, or its masked form); undefined without a token */
  readonly token: string | undefined
  /** providers that failed before the answer, in order */
  readonly failed: ReadonlyArray<string>
  /** the provider that answered, or undefined when every one failed */
  readonly answered: string | undefined
  /** whether the client got an error */
  readonly error: boolean
  /** the pooled keys called, each with whether it answered */
  readonly keys?: ReadonlyArray<KeyUse> | undefined
}

/** The hourly series' name for a pooled key's counters. */
export const keySeries = (provider: string, id: string) => `key:${provider}/${id}`

/** A request's counters for each pooled key it called. */
export const keyDeltas = (keys: ReadonlyArray<KeyUse> | undefined): Array<{ readonly key: string; readonly counters: Partial<Counters> }> =>
  (keys ?? []).map((k) => ({ key: keySeries(k.provider, k.id), counters: { requests: 1, errors: k.ok ? 0 : 1 } }))

/** The last 24 h by the hour, for the whole deployment when it is shared, else for this process. */
export type UsageSeries = UsageBuckets.Series & { readonly scope: "deployment" | "isolate" }

export class Usage extends Context.Tag("claude-failover/Usage")<Usage, {
  readonly record: (event: UsageEvent) => Effect.Effect<void>
  /** tokens of an answer, counted for its provider, its access token and (a pool's) key id */
  readonly tokens: (provider: string, token: string | undefined, input: number, output: number, key?: string) => Effect.Effect<void>
  readonly view: Effect.Effect<UsageView>
  readonly series: Effect.Effect<UsageSeries>
  readonly reset: Effect.Effect<void>
  /** one finished request for the log */
  readonly log: (entry: LogEntry) => Effect.Effect<void>
  /** the last requests, newest first: the deployment's when it is shared, else this process's */
  readonly recent: Effect.Effect<{ readonly scope: "deployment" | "isolate"; readonly entries: ReadonlyArray<LogEntry> }>
}>() {}

const zero = (): Counters => ({ requests: 0, failovers: 0, errors: 0, inputTokens: 0, outputTokens: 0 })

export const makeMemory = (startedAt: number): Usage["Type"] => {
  let since = startedAt
  let providers = new Map<string, Counters>()
  let tokens = new Map<string, Counters>()
  let buckets: UsageBuckets.Buckets = {}
  const requests = new RingLog()
  const hourly = (now: number, key: string, counters: Partial<Counters>) => {
    UsageBuckets.addTo(buckets, {
      hour: UsageBuckets.hourOf(now),
      key,
      counters: { requests: 0, failovers: 0, errors: 0, inputTokens: 0, outputTokens: 0, ...counters }
    }, now)
  }
  const at = (m: Map<string, Counters>, k: string) => {
    let c = m.get(k)
    if (c === undefined) m.set(k, c = zero())
    return c
  }
  return {
    record: (e) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        for (const name of e.failed) {
          const c = at(providers, name)
          c.requests++
          c.errors++
          c.failovers++
          hourly(now, `provider:${name}`, { requests: 1, errors: 1, failovers: 1 })
        }
        if (e.answered !== undefined) {
          const c = at(providers, e.answered)
          c.requests++
          if (e.error) c.errors++
          hourly(now, `provider:${e.answered}`, { requests: 1, errors: e.error ? 1 : 0 })
        }
        if (e.token !== undefined) {
          const c = at(tokens, e.token)
          c.requests++
          c.failovers += e.failed.length
          if (e.error) c.errors++
          hourly(now, `token:${e.token}`, { requests: 1, failovers: e.failed.length, errors: e.error ? 1 : 0 })
        }
        for (const d of keyDeltas(e.keys)) hourly(now, d.key, d.counters)
      }),
    tokens: (provider, token, input, output, key) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        hourly(now, `provider:${provider}`, { inputTokens: input, outputTokens: output })
        if (key !== undefined) hourly(now, keySeries(provider, key), { inputTokens: input, outputTokens: output })
        if (token !== undefined) hourly(now, `token:${token}`, { inputTokens: input, outputTokens: output })
        const p = at(providers, provider)
        p.inputTokens += input
        p.outputTokens += output
        if (token !== undefined) {
          const t = at(tokens, token)
          t.inputTokens += input
          t.outputTokens += output
        }
      }),
    view: Effect.sync(() => ({
      since,
      scope: "isolate" as const,
      providers: Object.fromEntries(providers),
      tokens: Object.fromEntries(tokens)
    })),
    series: Effect.map(Clock.currentTimeMillis, (now) => ({ ...UsageBuckets.series(buckets, now), scope: "isolate" as const })),
    reset: Effect.map(Clock.currentTimeMillis, (now) => {
      since = now
      providers = new Map()
      tokens = new Map()
      buckets = {}
      requests.clear()
    }),
    log: (entry) => Effect.sync(() => requests.push(entry)),
    recent: Effect.sync(() => ({ scope: "isolate" as const, entries: requests.list() }))
  }
}

export const layerMemory = Layer.sync(Usage, () => makeMemory(Date.now()))
