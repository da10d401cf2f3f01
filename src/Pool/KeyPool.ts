/**
 * A provider's pool of keys as the chain uses it: one provider value per key (the provider's config
 * with that key in place of `keys`), each key known by a stable id and a masked label. What a key's
 * refusal means for it (KeyVerdict) and what state it is in (KeyState) are decided here; the walk
 * over a pool for one request is KeyWalk.
 */
import { Duration, Effect } from "effect"
import type { PoolKey, ProviderConfig, Settings } from "../Config/Document.js"
import { mask } from "../Config/Masking.js"
import type { RateLimited, Unauthorized } from "../Errors.js"
import { type CredentialCooldown, rateLimitLifts } from "../Health/CredentialCooldowns.js"
import type { Candidate } from "./Rendezvous.js"

/** A pooled key as the chain, the health view and the request log know it (never the secret). */
export interface PooledKey<P = unknown> {
  readonly index: number
  /** the key masked (`sk-…c1a9`; an AWS pair by its access key id) */
  readonly label: string
  readonly note: string | undefined
  readonly weight: number
  /** the provider with this key in place of the pool */
  readonly provider: P
}

/** The key's label in headers and the request log: ASCII only (a header value must be). */
export const asciiLabel = (label: string): string => label.replace(/\u2026/g, "...")

/** The provider's config with one key of its pool in place of `keys`. */
export const variantOf = (config: ProviderConfig, key: PoolKey): ProviderConfig => {
  const { keys: _pool, ...rest } = config
  return key.aws !== undefined ? { ...rest, aws: key.aws } : { ...rest, apiKey: key.key }
}

export const labelOf = (key: Pick<PoolKey, "key" | "aws">): string => mask(key.key ?? key.aws?.accessKeyId ?? "")

/** What identifies a key: the secret itself (an AWS pair: both halves). */
const material = (key: Pick<PoolKey, "key" | "aws">): string =>
  key.aws !== undefined ? `aws\n${key.aws.accessKeyId}\n${key.aws.secretAccessKey}` : `key\n${key.key ?? ""}`

/**
 * A key's stable id: `kid_` and 12 hex digits of a SHA-256 of it. The same in every isolate and in
 * the admin API, so cooldowns and counters follow the key (not its place in the list), and a new
 * value is a new key with a clean state. It reveals nothing of a key.
 */
export const keyIdOf = async (key: Pick<PoolKey, "key" | "aws">): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`claude-failover pool key\n${material(key)}`)))
  let hex = ""
  for (let i = 0; i < 6; i++) hex += digest[i]!.toString(16).padStart(2, "0")
  return `kid_${hex}`
}

/** The seed a key's id gives its rendezvous scores. */
export const seedOf = (id: string): number => Number.parseInt(id.slice(4, 12), 16) >>> 0

export class KeyPool<P = unknown> {
  private ids: ReadonlyArray<string> | undefined
  private pending: Promise<ReadonlyArray<string>> | undefined

  constructor(readonly provider: string, readonly keys: ReadonlyArray<PooledKey<P>>, private readonly configs: ReadonlyArray<PoolKey>) {}

  /** The keys' ids, computed once per pool (per config snapshot). */
  get keyIds(): Effect.Effect<ReadonlyArray<string>> {
    if (this.ids !== undefined) return Effect.succeed(this.ids)
    this.pending ??= Promise.all(this.configs.map(keyIdOf)).then((ids) => (this.ids = ids))
    const pending = this.pending
    return Effect.promise(() => pending)
  }

  candidates(ids: ReadonlyArray<string>, indices: ReadonlyArray<number>): Array<Candidate> {
    return indices.map((i) => ({ seed: seedOf(ids[i]!), weight: this.keys[i]!.weight }))
  }
}

export const makePool = <P>(config: ProviderConfig, build: (variant: ProviderConfig) => P): KeyPool<P> | undefined => {
  const keys = config.keys
  if (keys === undefined || keys.length === 0) return undefined
  return new KeyPool(
    config.name,
    keys.map((k, index) => ({ index, label: labelOf(k), note: k.note, weight: k.weight ?? 1, provider: build(variantOf(config, k)) })),
    keys
  )
}

/** A key refused with 401/403 stays aside this long unless an operator resets it or its value changes. */
export const SET_ASIDE_MS = 30 * 86_400_000

/**
 * What a key's refusal means for the key:
 * - `quota`: its quota is spent (`anthropic-ratelimit-unified-status: rejected`, `insufficient_quota`):
 *   aside until the reset the upstream names (else for `credentialCooldownMaxMs`);
 * - `throttle`: a rate limit with a retry-after or reset time (Anthropic's and OpenAI's reset headers):
 *   aside until then;
 * - `request`: a 429 that says nothing: this request goes on with another key (once), the key stays;
 * - `refused`: 401/403: aside until an operator resets it or the key changes.
 * A 429's wait is capped by `credentialCooldownMaxMs` (0: every 429 is `request`).
 */
export type KeyVerdict =
  | { readonly kind: "quota" | "throttle" | "refused"; readonly cooldown: CredentialCooldown }
  | { readonly kind: "request" }

const QUOTA_BODY = /insufficient_quota/

/** When the key's limit lifts: what `rateLimitLifts` reads, else the delay the error carries. */
const keyLifts = (error: RateLimited, now: number): number | undefined =>
  rateLimitLifts(error.answer?.headers ?? {}, now) ?? (error.retryAfter === undefined ? undefined : now + Duration.toMillis(error.retryAfter))

export const verdictOf = (error: RateLimited | Unauthorized, settings: Settings, now: number): KeyVerdict => {
  if (error._tag === "Unauthorized") return { kind: "refused", cooldown: { until: now + SET_ASIDE_MS, status: error.status, at: now } }
  if (settings.credentialCooldownMaxMs === 0) return { kind: "request" }
  const headers = error.answer?.headers ?? {}
  const cap = now + settings.credentialCooldownMaxMs
  const quota = headers["anthropic-ratelimit-unified-status"] === "rejected" || error.exhausted === true || QUOTA_BODY.test(error.answer?.body ?? "")
  const lifts = keyLifts(error, now)
  if (quota) return { kind: "quota", cooldown: { until: Math.min(lifts ?? cap, cap), status: 429, at: now } }
  if (lifts !== undefined && lifts > now) return { kind: "throttle", cooldown: { until: Math.min(lifts, cap), status: 429, at: now } }
  return { kind: "request" }
}

/** A key's state as health and the page show it. */
export type KeyState =
  | { readonly state: "available" }
  | { readonly state: "cooling"; readonly until: number; readonly status: number }
  | { readonly state: "set-aside"; readonly status: number; readonly since: number }

export const stateOf = (cooldown: CredentialCooldown | undefined): KeyState =>
  cooldown === undefined
    ? { state: "available" }
    : cooldown.status === 401 || cooldown.status === 403
    ? { state: "set-aside", status: cooldown.status, since: cooldown.at }
    : { state: "cooling", until: cooldown.until, status: cooldown.status }
