/**
 * Per-token request quotas as fixed windows: the current clock minute and the current UTC day.
 * Pure, so the Durable Object that owns a token's counters and the tests share one implementation.
 */
export interface Limits {
  readonly requestsPerMinute?: number | undefined
  readonly requestsPerDay?: number | undefined
}

export interface Windows {
  readonly minuteStart: number
  readonly minuteCount: number
  readonly dayStart: number
  readonly dayCount: number
}

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly window: "minute" | "day"; readonly limit: number }

const MINUTE = 60_000
const DAY = 86_400_000

export const empty: Windows = { minuteStart: 0, minuteCount: 0, dayStart: 0, dayCount: 0 }

/** Count one request if the limits allow it; a refused request is not counted. */
export const take = (w: Windows, limits: Limits, now: number): { readonly windows: Windows; readonly decision: Decision } => {
  const minuteStart = now - (now % MINUTE)
  const dayStart = now - (now % DAY)
  const minuteCount = w.minuteStart === minuteStart ? w.minuteCount : 0
  const dayCount = w.dayStart === dayStart ? w.dayCount : 0
  const current = { minuteStart, minuteCount, dayStart, dayCount }
  if (limits.requestsPerDay !== undefined && dayCount >= limits.requestsPerDay) {
    return {
      windows: current,
      decision: { allowed: false, retryAfterSeconds: Math.ceil((dayStart + DAY - now) / 1000), window: "day", limit: limits.requestsPerDay }
    }
  }
  if (limits.requestsPerMinute !== undefined && minuteCount >= limits.requestsPerMinute) {
    return {
      windows: current,
      decision: {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((minuteStart + MINUTE - now) / 1000)),
        window: "minute",
        limit: limits.requestsPerMinute
      }
    }
  }
  return { windows: { ...current, minuteCount: minuteCount + 1, dayCount: dayCount + 1 }, decision: { allowed: true } }
}

export const hasLimits = (limits: Limits): boolean =>
  limits.requestsPerMinute !== undefined || limits.requestsPerDay !== undefined
