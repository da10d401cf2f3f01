/**
 * What each provider did for one request, in chain order — the `x-failover-attempts` header and the
 * request's log line: `anthropic=429 cooldown-until=2026-12-01T18:00:00Z, backup=200`, or
 * `anthropic=skipped(cooldown) cooldown-until=…`. Statuses, error kinds and times only: no secrets, no
 * bodies.
 */
import type { ProviderError } from "./Errors.js"
import type { LoggedAttempt } from "./Health/RequestLog.js"

interface Step {
  readonly provider: string
  readonly outcome: string
  readonly tries: number
  readonly until?: number | undefined
}

/** A failure in a few characters: its status when it has one, else its kind. */
const outcomeOf = (error: ProviderError): string => {
  switch (error._tag) {
    case "RateLimited":
      return "429"
    case "Unauthorized":
    case "Upstream5xx":
      return String(error.status)
    case "Timeout":
      return "timeout"
    case "Network":
      return "network-error"
    case "BadUpstreamResponse":
      return "bad-response"
  }
}

export class AttemptTrail {
  private readonly steps: Array<Step> = []

  answered(provider: string, status: number, tries: number): void {
    this.steps.push({ provider, outcome: String(status), tries })
  }

  failed(provider: string, error: ProviderError, tries: number, cooldownUntil?: number): void {
    this.steps.push({ provider, outcome: outcomeOf(error), tries, until: cooldownUntil })
  }

  skipped(provider: string, why: "cooldown" | "breaker", until?: number): void {
    this.steps.push({ provider, outcome: `skipped(${why})`, tries: 0, until })
  }

  get empty(): boolean {
    return this.steps.length === 0
  }

  /** Whether a provider was passed over (breaker open, credential cooling down). */
  get skippedAny(): boolean {
    return this.steps.some((s) => s.outcome.startsWith("skipped("))
  }

  /** For the request log. */
  attempts(): Array<LoggedAttempt> {
    return this.steps.map((s) => ({ provider: s.provider, outcome: s.outcome, tries: s.tries, ...(s.until === undefined ? {} : { cooldownUntil: s.until }) }))
  }

  toString(): string {
    return this.steps.map((s) =>
      `${s.provider}=${s.outcome}${s.tries > 1 ? ` tries=${s.tries}` : ""}${s.until === undefined ? "" : ` cooldown-until=${new Date(s.until).toISOString().replace(/\.\d{3}Z$/, "Z")}`}`
    ).join(", ")
  }
}
