/**
 * Usage by the hour: counters per key ("provider:<name>" or "token:<label>") in hourly buckets, the
 * last 24 kept. Pure, so the Durable Object that persists them and the tests share it.
 */
import type { Counters } from "./Usage.js"

export const HOUR = 3_600_000
export const KEEP_HOURS = 24

/** hour start (epoch ms) -> key -> counters */
export type Buckets = Record<string, Record<string, Counters>>

export interface UsageDelta {
  readonly hour: number
  readonly key: string
  readonly counters: Counters
}

export const hourOf = (now: number) => now - (now % HOUR)

const zero = (): Counters => ({ requests: 0, failovers: 0, errors: 0, inputTokens: 0, outputTokens: 0 })

export const add = (buckets: Buckets, deltas: ReadonlyArray<UsageDelta>, now: number): Buckets => {
  const oldest = hourOf(now) - (KEEP_HOURS - 1) * HOUR
  const out: Buckets = {}
  for (const [hour, keys] of Object.entries(buckets)) if (Number(hour) >= oldest) out[hour] = { ...keys }
  for (const d of deltas) {
    if (d.hour < oldest) continue
    const bucket = out[d.hour] ??= {}
    const c = bucket[d.key] = { ...(bucket[d.key] ?? zero()) }
    c.requests += d.counters.requests
    c.failovers += d.counters.failovers
    c.errors += d.counters.errors
    c.inputTokens += d.counters.inputTokens
    c.outputTokens += d.counters.outputTokens
  }
  return out
}

/**
 * One delta added in place: what an isolate does per request (no copy of the buckets). Hours past
 * the last KEEP_HOURS are dropped when a new hour's bucket is made.
 */
export const addTo = (buckets: Buckets, d: UsageDelta, now: number): void => {
  let bucket = buckets[d.hour]
  if (bucket === undefined) {
    const oldest = hourOf(now) - (KEEP_HOURS - 1) * HOUR
    if (d.hour < oldest) return
    for (const hour of Object.keys(buckets)) if (Number(hour) < oldest) delete buckets[hour]
    bucket = buckets[d.hour] = {}
  }
  const c = bucket[d.key] ??= zero()
  c.requests += d.counters.requests
  c.failovers += d.counters.failovers
  c.errors += d.counters.errors
  c.inputTokens += d.counters.inputTokens
  c.outputTokens += d.counters.outputTokens
}

export interface Series {
  /** the 24 hour starts, oldest first */
  readonly hours: ReadonlyArray<number>
  /** per key, one Counters per hour */
  readonly keys: Readonly<Record<string, ReadonlyArray<Counters>>>
  /** per key, the 24 h total */
  readonly totals: Readonly<Record<string, Counters>>
}

export const series = (buckets: Buckets, now: number): Series => {
  const last = hourOf(now)
  const hours = Array.from({ length: KEEP_HOURS }, (_, i) => last - (KEEP_HOURS - 1 - i) * HOUR)
  const names = new Set<string>()
  for (const h of hours) for (const k of Object.keys(buckets[h] ?? {})) names.add(k)
  const keys: Record<string, Array<Counters>> = {}
  const totals: Record<string, Counters> = {}
  for (const k of names) {
    keys[k] = hours.map((h) => buckets[h]?.[k] ?? zero())
    totals[k] = add({}, keys[k]!.map((counters) => ({ hour: last, key: k, counters })), now)[last]![k]!
  }
  return { hours, keys, totals }
}
