/**
 * How long an upstream asked us to wait: `retry-after-ms`, then `retry-after` (seconds or an HTTP
 * date), then Anthropic's `anthropic-ratelimit-*-reset` timestamps.
 */
import { Duration } from "effect"

const RESET_HEADERS = [
  "anthropic-ratelimit-requests-reset",
  "anthropic-ratelimit-tokens-reset",
  "anthropic-ratelimit-input-tokens-reset",
  "anthropic-ratelimit-output-tokens-reset"
]

export const retryAfterFrom = (headers: Headers, now: number = Date.now()): Duration.Duration | undefined => {
  const ms = headers.get("retry-after-ms")
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Duration.millis(Number(ms))
  const ra = headers.get("retry-after")
  if (ra !== null && ra.trim() !== "") {
    const seconds = Number(ra)
    if (Number.isFinite(seconds) && seconds >= 0) return Duration.millis(seconds * 1000)
    const date = Date.parse(ra)
    if (Number.isFinite(date)) return Duration.millis(Math.max(0, date - now))
  }
  let latest: number | undefined
  for (const name of RESET_HEADERS) {
    const value = headers.get(name)
    if (value === null) continue
    const at = Date.parse(value)
    if (Number.isFinite(at) && (latest === undefined || at > latest)) latest = at
  }
  return latest === undefined ? undefined : Duration.millis(Math.max(0, latest - now))
}
