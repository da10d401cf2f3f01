/**
 * Per-credential cooldowns. A 429 answered to a caller's own credential (a subscription at its
 * five-hour limit, an API key out of rate) says nothing about the provider for anybody else, but
 * everything about that credential until the limit lifts: the provider is skipped for that
 * credential alone until then, and the first request after it probes again. A 401/403 (an expired
 * login) cools the credential down only briefly: the user will log in again.
 *
 * Credentials are known here only by a salted hash (`CredentialId`). The map is bounded: past its
 * size the oldest entries go.
 */

export interface CredentialCooldown {
  /** epoch ms when the provider may be tried again for this credential */
  readonly until: number
  /** what started it: 429, 401 or 403 */
  readonly status: number
  /** when it was set */
  readonly at: number
}

/** `provider \n credential-id` -> cooldown */
export type CooldownEntries = Record<string, CredentialCooldown>

/** A change to report to the shared state: a cooldown set, or cleared by a success. */
export type CooldownEvent =
  | { readonly key: string; readonly kind: "set"; readonly cooldown: CredentialCooldown }
  | { readonly key: string; readonly kind: "clear"; readonly at: number }

/** An expired login is cooled down this long: the user logs in again, then it works. */
export const AUTH_COOLDOWN_MS = 60_000

export const keyOf = (provider: string, credential: string): string => `${provider}\n${credential}`
export const providerOf = (key: string): string => key.slice(0, key.indexOf("\n"))

/** A bounded map of cooldowns, oldest first (a Map keeps insertion order; an update moves an entry last). */
export class CooldownMap {
  private readonly entries = new Map<string, CredentialCooldown>()

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size
  }

  /** The cooldown of `key`, if it is cooling down at `now`. */
  get(key: string, now: number): CredentialCooldown | undefined {
    const c = this.entries.get(key)
    if (c === undefined) return undefined
    if (c.until <= now) {
      this.entries.delete(key)
      return undefined
    }
    return c
  }

  set(key: string, cooldown: CredentialCooldown): void {
    const seen = this.entries.get(key)
    // A report that arrives late must not shorten a newer cooldown.
    if (seen !== undefined && seen.at > cooldown.at) return
    this.entries.delete(key)
    this.entries.set(key, cooldown)
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next()
      if (oldest.done === true) break
      this.entries.delete(oldest.value)
    }
  }

  clear(key: string, at: number = Number.POSITIVE_INFINITY): void {
    const seen = this.entries.get(key)
    if (seen !== undefined && seen.at <= at) this.entries.delete(key)
  }

  apply(event: CooldownEvent): void {
    if (event.kind === "set") this.set(event.key, event.cooldown)
    else this.clear(event.key, event.at)
  }

  /** Replace everything with `entries` (what the shared state holds). */
  replace(entries: CooldownEntries): void {
    this.entries.clear()
    for (const [key, c] of Object.entries(entries)) this.set(key, c)
  }

  /** Entries still cooling at `now` (expired ones are dropped on the way). */
  live(now: number): CooldownEntries {
    const out: CooldownEntries = {}
    for (const [key, c] of this.entries) {
      if (c.until <= now) this.entries.delete(key)
      else out[key] = c
    }
    return out
  }

  /** Per provider: how many callers' credentials are cooling down, and the soonest reset (a pool's
   * own keys, `kid_…`, are shown key by key instead). */
  summary(now: number): Record<string, { count: number; soonestReset: number }> {
    const out: Record<string, { count: number; soonestReset: number }> = {}
    for (const [key, c] of Object.entries(this.live(now))) {
      if (key.startsWith("kid_", key.indexOf("\n") + 1)) continue
      const name = providerOf(key)
      const s = out[name]
      if (s === undefined) out[name] = { count: 1, soonestReset: c.until }
      else {
        s.count++
        s.soonestReset = Math.min(s.soonestReset, c.until)
      }
    }
    return out
  }

  drop(provider: string | undefined): void {
    if (provider === undefined) this.entries.clear()
    else for (const key of [...this.entries.keys()]) if (providerOf(key) === provider) this.entries.delete(key)
  }
}

/** A reset time: epoch seconds (the unified headers), or an RFC 3339 date (the `*-reset` family). */
const resetAt = (value: string): number | undefined => {
  const v = value.trim()
  if (/^\d{9,11}$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isFinite(at) ? at : undefined
}

const RESET_HEADERS = [
  "anthropic-ratelimit-requests-reset",
  "anthropic-ratelimit-tokens-reset",
  "anthropic-ratelimit-input-tokens-reset",
  "anthropic-ratelimit-output-tokens-reset"
]

/** OpenAI's `x-ratelimit-reset-*` durations (`1s`, `6m0s`, `1h2m3.5s`, `250ms`) in milliseconds. */
const openAiDuration = (value: string): number | undefined => {
  const v = value.trim()
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== v) return undefined
  const unit = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2] as keyof typeof unit], 0)
}

const OPENAI_RESET_HEADERS = ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]

/**
 * When a 429 to a credential lifts, from what the upstream said: a subscription's
 * `anthropic-ratelimit-unified-reset` when its status is `rejected`, else the latest of Retry-After,
 * Anthropic's `*-reset` times and OpenAI's `x-ratelimit-reset-*` durations; undefined when it said nothing.
 */
export const rateLimitLifts = (headers: Readonly<Record<string, string>>, now: number): number | undefined => {
  const unified = headers["anthropic-ratelimit-unified-reset"]
  if (unified !== undefined && (headers["anthropic-ratelimit-unified-status"] ?? "rejected") === "rejected") {
    const at = resetAt(unified)
    if (at !== undefined) return at
  }
  let latest: number | undefined
  const later = (at: number | undefined) => {
    if (at !== undefined && (latest === undefined || at > latest)) latest = at
  }
  const ms = headers["retry-after-ms"]
  if (ms !== undefined && Number.isFinite(Number(ms))) later(now + Number(ms))
  const ra = headers["retry-after"]
  if (ra !== undefined) later(Number.isFinite(Number(ra)) ? now + Number(ra) * 1000 : resetAt(ra))
  for (const name of RESET_HEADERS) {
    const v = headers[name]
    if (v !== undefined) later(resetAt(v))
  }
  for (const name of OPENAI_RESET_HEADERS) {
    const v = headers[name]
    const ms = v === undefined ? undefined : openAiDuration(v)
    if (ms !== undefined) later(now + ms)
  }
  return latest
}

/**
 * The credential's id: an HMAC of it under the deployment's secret, so the same credential has the
 * same id in every isolate and the id reveals nothing without the secret. Computed once per
 * credential per isolate (Claude Code sends the same one every turn).
 */
export class CredentialIds {
  private readonly known = new Map<string, string>()
  private key: Promise<CryptoKey> | undefined

  constructor(readonly secret: string, private readonly max = 256) {}

  id(credential: string): string | Promise<string> {
    const seen = this.known.get(credential)
    if (seen !== undefined) return seen
    return this.compute(credential)
  }

  private async compute(credential: string): Promise<string> {
    this.key ??= crypto.subtle.importKey("raw", new TextEncoder().encode(`claude-failover credential id\n${this.secret}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await this.key, new TextEncoder().encode(credential)))
    let hex = ""
    for (let i = 0; i < 16; i++) hex += mac[i]!.toString(16).padStart(2, "0")
    if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!)
    this.known.set(credential, hex)
    return hex
  }
}
