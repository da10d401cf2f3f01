/**
 * One provider's circuit breaker, as plain data and pure transitions so the same state can live in
 * an isolate's memory or be shared through a Durable Object.
 *
 * Tiers by consecutive failures (with the default threshold 3): fewer than 3 keep it closed, 3-4
 * open it for `baseMs`, 5-9 for twice that, 10 and more for `maxMs`. An upstream's Retry-After opens
 * it for at least that long. When the cooldown ends, one request probes (half-open); its success
 * closes the breaker, its failure opens it again at the next tier.
 */
import type { Cooldown } from "../Config/Document.js"

export type CircuitState = "closed" | "open" | "half-open"

export interface LastError {
  readonly at: number
  readonly tag: string
  readonly status?: number | undefined
  readonly message: string
}

export interface BreakerState {
  readonly consecutiveFailures: number
  /** epoch ms until which the provider is skipped; 0 when closed */
  readonly openUntil: number
  /** epoch ms when the current half-open probe started; 0 when none is running */
  readonly probeStartedAt: number
  readonly lastError?: LastError | undefined
  readonly lastSuccessAt?: number | undefined
  readonly requests: number
  readonly successes: number
  readonly failures: number
}

export const initial: BreakerState = {
  consecutiveFailures: 0,
  openUntil: 0,
  probeStartedAt: 0,
  requests: 0,
  successes: 0,
  failures: 0
}

/** A probe that never reported back (its client went away) stops blocking others after this. */
export const PROBE_LEASE_MS = 60_000

export const stateAt = (s: BreakerState, now: number): CircuitState =>
  s.openUntil === 0 ? "closed" : now < s.openUntil ? "open" : "half-open"

export const cooldownFor = (failures: number, c: Cooldown): number => {
  if (failures < c.threshold) return 0
  if (failures < c.threshold + 2) return Math.min(c.baseMs, c.maxMs)
  if (failures < c.threshold + 7) return Math.min(c.baseMs * 2, c.maxMs)
  return c.maxMs
}

export type Admission = "go" | "probe" | "skip"

/** Whether a request may use this provider now; a half-open breaker admits one probe at a time. */
export const admit = (s: BreakerState, now: number): Admission => {
  const state = stateAt(s, now)
  if (state === "closed") return "go"
  if (state === "open") return "skip"
  return s.probeStartedAt !== 0 && now - s.probeStartedAt < PROBE_LEASE_MS ? "skip" : "probe"
}

export const startProbe = (s: BreakerState, now: number): BreakerState => ({ ...s, probeStartedAt: now })

/** `count` successes in a row, the last at `now`. */
export const onSuccess = (s: BreakerState, now: number, count = 1): BreakerState => ({
  ...s,
  consecutiveFailures: 0,
  openUntil: 0,
  probeStartedAt: 0,
  lastSuccessAt: now,
  requests: s.requests + count,
  successes: s.successes + count
})

export interface FailureInfo {
  readonly error: LastError
  /** whether this failure says the provider itself is unhealthy (not just this caller's credential) */
  readonly countsAgainstProvider: boolean
  /** the upstream asked for this much rest (ms) */
  readonly retryAfterMs?: number | undefined
}

export const onFailure = (s: BreakerState, now: number, f: FailureInfo, c: Cooldown): BreakerState => {
  const base = { ...s, lastError: f.error, requests: s.requests + 1, failures: s.failures + 1, probeStartedAt: 0 }
  if (!f.countsAgainstProvider) return base
  const consecutiveFailures = s.consecutiveFailures + 1
  const rest = Math.max(cooldownFor(consecutiveFailures, c), f.retryAfterMs ?? 0)
  // A failed probe re-opens at once, at the tier the failure count reached.
  const wasProbing = stateAt(s, now) === "half-open"
  const restMs = rest > 0 ? rest : wasProbing ? Math.min(c.baseMs, c.maxMs) : 0
  return { ...base, consecutiveFailures, openUntil: restMs > 0 ? Math.max(s.openUntil, now + restMs) : 0 }
}
