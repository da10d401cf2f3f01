/**
 * What each provider did for one request, in chain order — the `x-failover-attempts` header and the
 * request's log line: `anthropic=429 cooldown-until=2026-12-01T18:00:00Z, backup=200`, or
 * `anthropic=skipped(cooldown) cooldown-until=…`, `openai=skipped(150 tools > 128)`, or a fallback's
 * refusal with its own words `deepseek=400 "Invalid max_tokens value…"`; a key pool that changed keys
 * names each key by its masked id: `team(sk-...a1b2)=429 cooldown-until=…, team(sk-...c3d4)=200`.
 * Statuses, error kinds, times, masked key ids and a refusal's short message only: no secrets, no bodies.
 */
import type { ProviderError } from "./Errors.js"
import type { LoggedAttempt } from "./Health/RequestLog.js"

interface Step {
  readonly provider: string
  readonly outcome: string
  readonly tries: number
  readonly until?: number | undefined
  /** a refusal's own words (a fallback's 4xx) */
  readonly message?: string | undefined
  /** the pooled key that was called */
  readonly key?: KeyMark | undefined
}

/** A pooled key as the trail names it: its id (for counters) and its masked label (ASCII); set aside
 * when it answered 401/403 (until an operator resets it). */
export interface KeyMark {
  readonly id: string
  readonly label: string
  readonly setAside?: boolean | undefined
}

/** A pooled key's use in one request: for its counters. */
export interface KeyUse {
  readonly provider: string
  readonly id: string
  readonly ok: boolean
}

/** Why a provider was passed over without a call. */
export type SkipReason = "cooldown" | "breaker" | { readonly unmet: string }

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
    case "Refused":
      return String(error.status)
  }
}

/** What a refusing provider said, short and header-safe: printable ASCII, no commas, at most 120. */
const refusalMessage = (error: ProviderError): string | undefined => {
  if (error._tag !== "Refused") return undefined
  let text = error.answer.body
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown }
    const m = typeof parsed.error === "object" ? parsed.error?.message : parsed.error ?? parsed.message
    if (typeof m === "string") text = m
  } catch {
    // not JSON: the text as it is
  }
  const clean = text.replace(/[^\x20-\x7e]+/g, " ").replace(/[,"]/g, " ").replace(/\s+/g, " ").trim()
  return clean.length === 0 ? undefined : clean.length > 120 ? `${clean.slice(0, 117)}...` : clean
}

export class AttemptTrail {
  private readonly steps: Array<Step> = []

  answered(provider: string, status: number, tries: number, key?: KeyMark): void {
    this.steps.push({ provider, outcome: String(status), tries, key })
  }

  failed(provider: string, error: ProviderError, tries: number, cooldownUntil?: number, key?: KeyMark): void {
    this.steps.push({ provider, outcome: outcomeOf(error), tries, until: cooldownUntil, message: refusalMessage(error), key })
  }

  /** Each pooled key called, and whether it answered. */
  keyUses(): Array<KeyUse> {
    return this.steps.flatMap((s) => s.key === undefined ? [] : [{ provider: s.provider, id: s.key.id, ok: /^[23]\d\d$/.test(s.outcome) }])
  }

  skipped(provider: string, why: SkipReason, until?: number): void {
    this.steps.push({ provider, outcome: `skipped(${typeof why === "string" ? why : why.unmet})`, tries: 0, until })
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
    return this.steps.map((s) => ({
      provider: s.provider,
      outcome: s.outcome,
      tries: s.tries,
      ...(s.until === undefined ? {} : { cooldownUntil: s.until }),
      ...(s.message === undefined ? {} : { message: s.message }),
      ...(s.key === undefined ? {} : { key: s.key.label }),
      ...(s.key?.setAside === true ? { setAside: true } : {})
    }))
  }

  toString(): string {
    // A key is named only where the provider changed keys for this request.
    const keyed = new Map<string, number>()
    for (const s of this.steps) if (s.key !== undefined) keyed.set(s.provider, (keyed.get(s.provider) ?? 0) + 1)
    return this.steps.map((s) =>
      `${s.provider}${s.key !== undefined && keyed.get(s.provider)! > 1 ? `(${s.key.label})` : ""}=${s.outcome}${s.message === undefined ? "" : ` "${s.message}"`}${s.tries > 1 ? ` tries=${s.tries}` : ""}${s.until === undefined ? "" : ` cooldown-until=${new Date(s.until).toISOString().replace(/\.\d{3}Z$/, "Z")}`}${s.key?.setAside === true ? " set-aside" : ""}`
    ).join(", ")
  }
}
