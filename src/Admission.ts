/**
 * Admission: whether the chain calls a provider for this request, decided in one place before any
 * call. Three kinds of "no", in order: the request needs what the provider cannot do (eligibility,
 * from its capabilities: skipped with the unmet need); the caller's own credential is cooling down
 * there after a 429, or every key of the provider's pool is; the provider's circuit breaker is open.
 * `Chain.run` walks the providers and asks.
 */
import { Data, Effect, Either } from "effect"
import type { SkipReason } from "./AttemptTrail.js"
import { type Capabilities, capabilitiesOf } from "./Capabilities/Capabilities.js"
import { constrains, type Needs, needsOf, type Unmet, unmet } from "./Capabilities/Eligibility.js"
import { usesStoredCredential } from "./Config/Document.js"
import { Health } from "./Health/Health.js"
import { poolAvailability } from "./Pool/KeyWalk.js"
import type { Provider, UpstreamRequest } from "./Provider.js"

export type Admission = Data.TaggedEnum<{
  Go: {}
  Skip: { readonly why: SkipReason; readonly until?: number | undefined; readonly unmet?: Unmet | undefined }
}>
export const Admission = Data.taggedEnum<Admission>()

/** The request as admission sees it: its needs are computed at most once, and only when asked. */
export class AdmissionRequest {
  private needs: Needs | null | undefined
  constructor(readonly request: UpstreamRequest) {}

  /** The model the client asked for (from the scan, else the parse). */
  get model(): string | undefined {
    const message = this.request.message
    if (message === undefined) return undefined
    const scanned = message.scan?.model
    if (scanned !== undefined) return scanned
    const parsed = message.parse()
    return Either.isRight(parsed) ? parsed.right.model : undefined
  }

  /** What the request needs; undefined when it cannot be read (the provider then answers the 400). */
  get needsOf(): Needs | undefined {
    if (this.needs === undefined) {
      const parsed = this.request.message?.parse()
      this.needs = parsed !== undefined && Either.isRight(parsed) ? needsOf(parsed.right) : null
    }
    return this.needs ?? undefined
  }
}

/** This provider's capabilities for the request's model (after its model map, with what it learned). */
export const capabilitiesFor = (provider: Provider["Type"], model: string, health: Health["Type"]): Capabilities => {
  const mapped = provider.mapModel?.(model) ?? model
  return capabilitiesOf(provider.config, mapped, health.learnedFor(provider.name, mapped))
}

/**
 * Eligibility first: a provider that cannot serve the request is never called, not even when every
 * other one is skipped. An Anthropic-format provider is checked only against its own configured
 * capabilities, and the first one not at all: its bytes go as they are (no parse on the hot path or
 * the failover path), and Anthropic judges the request itself.
 */
const eligibility = (provider: Provider["Type"], index: number, req: AdmissionRequest, health: Health["Type"]): Unmet | undefined => {
  if (req.request.message === undefined || req.request.path !== "/v1/messages") return undefined
  // An Anthropic-format provider sends the bytes unparsed and judges the request itself (its 4xx
  // moves the chain on): only limits its own config states are checked there, and never on the first.
  if (provider.config.format === "anthropic" && (index === 0 || provider.config.capabilities === undefined)) return undefined
  const model = req.model
  if (model === undefined) return undefined
  const caps = capabilitiesFor(provider, model, health)
  if (!constrains(caps)) return undefined
  const needs = req.needsOf
  return needs === undefined ? undefined : unmet(needs, caps)
}

export interface AdmitOptions {
  /** the caller's credential id, when a provider that forwards it may serve the request */
  readonly credential: string | undefined
  /** every breaker was open: try this one anyway (eligibility and cooldowns still apply first) */
  readonly force: boolean
}

export const admit = (
  provider: Provider["Type"],
  index: number,
  req: AdmissionRequest,
  options: AdmitOptions
): Effect.Effect<Admission, never, Health> =>
  Effect.flatMap(Health, (health) => {
    const missing = eligibility(provider, index, req, health)
    if (missing !== undefined) return Effect.succeed(Admission.Skip({ why: { unmet: missing.why }, unmet: missing }))
    const breakerOnly = options.force
      ? Effect.succeed(Admission.Go())
      : Effect.map(health.admit(provider.name), (a) => a === "skip" ? Admission.Skip({ why: "breaker" }) : Admission.Go())
    // A pool with every key cooling down is skipped like a cooling credential (until the first is back).
    const pool = provider.pool
    const breaker = pool === undefined || options.force ? breakerOnly : Effect.flatMap(poolAvailability(pool, health), (p) =>
      p.available ? breakerOnly : Effect.succeed(Admission.Skip({ why: "cooldown", until: p.until })))
    const forwards = options.credential !== undefined && !usesStoredCredential(provider.config)
    if (options.force || !forwards) return breaker
    return Effect.flatMap(health.credentialCooldown(provider.name, options.credential!), (cooldown) =>
      cooldown === undefined ? breaker : Effect.succeed(Admission.Skip({ why: "cooldown", until: cooldown.until })))
  })
