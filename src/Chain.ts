/**
 * The fallback chain: each provider is attempted with its retry schedule, and `Effect.orElse` moves on
 * to the next when one fails with a ProviderError. A short Retry-After raises the backoff; a long one
 * gives up on that provider at once (the next provider is better than waiting). A provider whose
 * circuit breaker is open is skipped, and so is a provider that forwards the caller's credential while
 * that credential cools down after a 429 (CredentialCooldowns); when every one is skipped, the one
 * whose cooldown ends first is tried anyway — the client never hears "no provider" while one could be
 * tried; a provider that cannot serve the request at all (Admission) never is. A provider with a key
 * pool is called through KeyWalk: a refused key gives way to the next key of the same provider before
 * the chain moves on. A fallback's 4xx moves the chain on, and the error the client finally gets is
 * the most useful one (Refusals). What each provider (and key) did is kept in an AttemptTrail.
 */
import { Duration, Effect, Either, Schedule } from "effect"
import { Admission, AdmissionRequest, admit } from "./Admission.js"
import { AttemptTrail, type KeyMark } from "./AttemptTrail.js"
import type { Fact } from "./Capabilities/Learned.js"
import type { Settings } from "./Config/Document.js"
import { type ProviderError, type Refused, retryAfterOf } from "./Errors.js"
import type { FailureInfo } from "./Health/Breaker.js"
import { AUTH_COOLDOWN_MS, type CredentialCooldown, rateLimitLifts } from "./Health/CredentialCooldowns.js"
import { Health } from "./Health/Health.js"
import { type AttemptHints, type PooledProvider, type Provider, type UpstreamReply, type UpstreamRequest } from "./Provider.js"
import { affinityOf } from "./Pool/Affinity.js"
import { asciiLabel } from "./Pool/KeyPool.js"
import * as KeyWalk from "./Pool/KeyWalk.js"
import { usesStoredCredential } from "./Config/Document.js"
import { asReply, contextLimit, mostUseful, noneCouldServe, REFUSALS, refusalOf } from "./Refusals.js"
import * as Tracing from "./Tracing.js"

export interface ChainReply {
  readonly provider: string
  readonly reply: UpstreamReply
  /** how many upstream calls were made in all */
  readonly attempts: number
  /** providers that failed before this one answered */
  readonly failedOver: ReadonlyArray<string>
  readonly trail: AttemptTrail
}

/** The error that ended the chain, and which provider gave it. */
export interface ChainFailure {
  readonly provider: string
  readonly error: ProviderError
  readonly attempts: number
  readonly failedOver: ReadonlyArray<string>
  readonly trail: AttemptTrail
}

const isRetryable = (maxRetryAfter: Duration.Duration, pooled: boolean) => (e: ProviderError): boolean => {
  if (e._tag !== "RateLimited" && e._tag !== "Upstream5xx") return false
  // A pooled key's 429 is about that key: the next key is tried instead (KeyWalk).
  if (e._tag === "RateLimited" && pooled) return false
  if (e._tag === "RateLimited" && e.exhausted === true) return false
  // The upstream said a retry will not help (Anthropic's `x-should-retry: false`): the chain moves on.
  if (e.answer?.headers["x-should-retry"] === "false") return false
  return e.retryAfter === undefined || Duration.lessThanOrEqualTo(e.retryAfter, maxRetryAfter)
}

/** Exponential backoff with jitter, raised to the upstream's Retry-After, for at most `retries` retries. */
export const retryPolicy = (retries: number, settings: Settings, pooled = false) =>
  Schedule.identity<ProviderError>().pipe(
    Schedule.addDelay((e) => retryAfterOf(e) ?? Duration.zero),
    Schedule.whileInput(isRetryable(Duration.millis(settings.maxRetryAfterMs), pooled)),
    Schedule.intersect(Schedule.jittered(Schedule.exponential(Duration.millis(settings.retryBaseDelayMs)))),
    Schedule.intersect(Schedule.recurs(retries))
  )

/**
 * What a failure says about the provider. A 429 or 401/403 answered to the caller's own credential,
 * or to one key of a pool, is about that credential, not the provider, so it must not make everyone
 * else skip the provider.
 */
export const failureInfo = (provider: Provider["Type"], error: ProviderError, now: number): FailureInfo => {
  const perCredential = error._tag === "RateLimited" || error._tag === "Unauthorized"
  const retryAfter = retryAfterOf(error)
  return {
    error: { at: now, tag: error._tag, status: "status" in error ? error.status : error._tag === "RateLimited" ? 429 : undefined, message: error.message },
    countsAgainstProvider: !perCredential || (usesStoredCredential(provider.config) && provider.pool === undefined),
    retryAfterMs: retryAfter === undefined ? undefined : Duration.toMillis(retryAfter)
  }
}

/**
 * `Effect.retry(send, policy)` when the first attempt has already failed with `first`: the schedule
 * sees that failure first (so its delay and Retry-After apply before the next call), as if it had
 * driven the first attempt itself.
 */
const retryAfterFailure = <A, E, R>(first: E, send: Effect.Effect<A, E, R>, policy: Schedule.Schedule<unknown, E, never>) => {
  let replay = true
  return Effect.retry(
    Effect.suspend(() => {
      if (!replay) return send
      replay = false
      return Effect.fail(first)
    }),
    policy
  )
}

const isKeyError = (e: ProviderError) => e._tag === "RateLimited" || e._tag === "Unauthorized"

class Skipped {
  readonly _tag = "Skipped"
  constructor(readonly provider: string) {}
}

/** How long a credential a provider refused is skipped there: until the limit lifts (as the upstream
 * said, capped by the setting), or briefly for an expired login. */
export const credentialCooldown = (error: ProviderError, settings: Settings, now: number): CredentialCooldown | undefined => {
  if (settings.credentialCooldownMaxMs === 0) return undefined
  if (error._tag === "Unauthorized") return { until: now + Math.min(AUTH_COOLDOWN_MS, settings.credentialCooldownMaxMs), status: error.status, at: now }
  if (error._tag !== "RateLimited") return undefined
  const lifts = rateLimitLifts(error.answer?.headers ?? {}, now) ?? now + settings.cooldown.baseMs
  const until = Math.min(lifts, now + settings.credentialCooldownMaxMs)
  return until > now ? { until, status: 429, at: now } : undefined
}

export const run = (
  chain: ReadonlyArray<Provider["Type"]>,
  request: UpstreamRequest,
  settings: Settings
): Effect.Effect<ChainReply, ChainFailure, Health> =>
  Effect.gen(function*() {
    const health = yield* Health
    let attempts = 0
    let tries = 0
    const failed: Array<string> = []
    const trail = new AttemptTrail()
    /** every real failure, in chain order, with the provider's place in the chain */
    const failures: Array<{ provider: string; error: ProviderError; index: number }> = []
    /** a fallback skipped because the input would not fit its context window */
    let contextSkip: Refused | undefined
    const credential = request.credential
    const admission = new AdmissionRequest(request)
    /** the request's conversation, for key pools (computed when a pool first asks) */
    let conversation: number | undefined
    /** the credential's cooldown on each provider that skipped it */
    const cooling = new Map<string, number>()
    /** providers that cannot serve this request at all (never forced) and why */
    const ineligible = new Map<string, string>()
    /** whether this provider forwards the caller's credential (so its refusals are about that credential) */
    const forwards = (provider: Provider["Type"]) => credential !== undefined && !usesStoredCredential(provider.config)

    const hintsFor = (provider: Provider["Type"]): AttemptHints => ({
      learned: (model) => health.learnedFor(provider.name, model),
      learn: (model: string, fact: Fact) =>
        Effect.flatMap(Effect.clockWith((c) => c.currentTimeMillis), (at) =>
          Effect.zipRight(
            health.learn({ provider: provider.name, model, fact, at }),
            Effect.logInfo("provider refused a parameter; sent again without it, and remembered").pipe(
              Effect.annotateLogs({ provider: provider.name, model, refused: `${fact.kind}:${fact.name}` })
            )
          ))
    })

    /** One call: `target` is the provider itself, or one key of its pool. */
    const send = (provider: Provider["Type"], target: PooledProvider = provider) => {
      const hints = hintsFor(provider)
      return Effect.suspend(() => {
        attempts++
        tries++
        return target.send(request, hints)
      }).pipe(
        Effect.tap(() => health.success(provider.name)),
        Effect.tapError((error) =>
          // A refusal is about this request, not the provider's health.
          error._tag === "Refused" ? Effect.void : Effect.flatMap(
            Effect.clockWith((c) => c.currentTimeMillis),
            (now) => health.failure(provider.name, failureInfo(provider, error, now), settings.cooldown)
          )
        )
      )
    }

    /** After a provider's last try: the trail, the log, and the credential's cooldown or its end. */
    const failedWith = (provider: Provider["Type"], index: number, error: ProviderError, key: KeyMark | undefined) =>
      Effect.flatMap(Effect.clockWith((c) => c.currentTimeMillis), (now) => {
        failed.push(provider.name)
        failures.push({ provider: provider.name, error, index })
        const cooldown = forwards(provider) ? credentialCooldown(error, settings, now) : undefined
        // A pooled key's refusal is in the trail already (KeyWalk reported it).
        if (!(key !== undefined && isKeyError(error))) trail.failed(provider.name, error, tries, cooldown?.until, key)
        const log = Effect.logWarning("provider failed").pipe(
          Effect.annotateLogs({
            provider: provider.name,
            reason: error._tag,
            ...("status" in error ? { status: error.status } : {}),
            message: error.message
          })
        )
        return cooldown === undefined ? log : Effect.zipRight(health.credentialLimited(provider.name, credential!, cooldown), log)
      })

    const skip = (provider: Provider["Type"], a: Extract<Admission, { _tag: "Skip" }>) => {
      trail.skipped(provider.name, a.why, a.until)
      if (a.why === "cooldown" && a.until !== undefined) cooling.set(provider.name, a.until)
      if (a.unmet !== undefined) ineligible.set(provider.name, a.unmet.why)
      if (a.unmet?.kind === "context" && contextSkip === undefined) {
        const parsed = request.message?.parse()
        const maxTokens = parsed !== undefined && Either.isRight(parsed) ? parsed.right.max_tokens ?? 0 : 0
        contextSkip = contextLimit(provider.name, a.unmet, maxTokens)
      }
      return Effect.fail(new Skipped(provider.name))
    }

    const attempt = (
      provider: Provider["Type"],
      index: number,
      force: boolean
    ): Effect.Effect<{ provider: string; reply: UpstreamReply }, ProviderError | Skipped> =>
      admit(provider, index, admission, { credential, force }).pipe(
        Effect.provideService(Health, health),
        Effect.flatMap((a): Effect.Effect<{ provider: string; reply: UpstreamReply }, ProviderError | Skipped> => {
          if (a._tag === "Skip") return skip(provider, a)
          tries = 0
          let key: KeyMark | undefined
          const pool = provider.pool
          const call = (target: PooledProvider) =>
            send(provider, target).pipe(
              // The schedule is set up only after a failure: a first answer costs no retry machinery.
              Effect.catchAll((first) =>
                first._tag === "Refused" ? Effect.fail(first) : retryAfterFailure(first, send(provider, target), retryPolicy(provider.config.retries, settings, pool !== undefined))
              )
            )
          const sent = pool === undefined ? call(provider) : KeyWalk.walk(pool, {
            health,
            settings,
            affinity: () => conversation ??= affinityOf(request.headers, request.body, request.caller ?? request.credential),
            send: (k) => call(k.provider),
            using: (step) => {
              key = { id: step.id, label: asciiLabel(step.key.label) }
              tries = 0
            },
            refused: (step, error, verdict) =>
              trail.failed(provider.name, error, tries, verdict.kind === "quota" || verdict.kind === "throttle" ? verdict.cooldown.until : undefined, {
                id: step.id,
                label: asciiLabel(step.key.label),
                setAside: verdict.kind === "refused"
              })
          })
          return sent.pipe(
            // A fallback's 4xx: this provider cannot serve the request; the next one may.
            Effect.flatMap((reply) =>
              index > 0 && REFUSALS.has(reply.status) && reply.final !== true ? Effect.flatMap(refusalOf(provider.name, reply), Effect.fail) : Effect.succeed(reply)
            ),
            // The first provider's refusal (an in-band request error too) is the caller's answer.
            Effect.catchIf((e): e is Refused => e._tag === "Refused" && index === 0, (e) => Effect.succeed(asReply(e))),
            Effect.tapError((error) => failedWith(provider, index, error, key)),
            Effect.tap((reply) => {
              trail.answered(provider.name, reply.status, tries, key)
              return forwards(provider) ? health.credentialServed(provider.name, credential!) : Effect.void
            }),
            Effect.map((reply) => ({ provider: provider.name, reply }))
          )
        })
      )

    const [first, ...rest] = chain
    if (first === undefined) return yield* Effect.dieMessage("empty chain")
    const walked = rest.reduce((acc, provider, i) => Effect.orElse(acc, () => attempt(provider, i + 1, false)), attempt(first, 0, false))
    const outcome = yield* walked.pipe(
      Effect.catchIf(
        (e): e is Skipped => e instanceof Skipped && failed.length === 0 && ineligible.size < chain.length,
        // Every breaker was open: try the provider that will be ready first (one that could serve it).
        () =>
          Effect.gen(function*() {
            let soonest = -1
            let soonestAt = Number.POSITIVE_INFINITY
            for (const [i, p] of chain.entries()) {
              if (ineligible.has(p.name)) continue
              const at = Math.max(yield* health.openUntil(p.name), cooling.get(p.name) ?? 0)
              if (soonest === -1 || at < soonestAt) [soonest, soonestAt] = [i, at]
            }
            yield* Effect.annotateCurrentSpan("forced", chain[soonest]!.name)
            return yield* attempt(chain[soonest]!, soonest, true)
          })
      ),
      Effect.either
    )
    if (outcome._tag === "Right") {
      return { ...outcome.right, attempts, failedOver: failed.slice(), trail }
    }
    const chosen = mostUseful(failures, contextSkip) ??
      (outcome.left instanceof Skipped ? noneCouldServe(first.name, ineligible) : { provider: first.name, error: outcome.left })
    const failure: ChainFailure = {
      provider: chosen.provider,
      error: chosen.error,
      attempts,
      failedOver: failed.filter((name) => name !== chosen.provider),
      trail
    }
    return yield* Effect.fail(failure)
  }).pipe(Tracing.debugSpan("Chain.run"))
