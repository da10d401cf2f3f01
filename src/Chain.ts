/**
 * The fallback chain: each provider is attempted with its retry schedule, and `Effect.orElse` moves on
 * to the next when one fails with a ProviderError. A short Retry-After raises the backoff; a long one
 * gives up on that provider at once (the next provider is better than waiting). A provider whose
 * circuit breaker is open is skipped, and so is a provider that forwards the caller's credential while
 * that credential cools down after a 429 (CredentialCooldowns); when every one is skipped, the one
 * whose cooldown ends first is tried anyway — the client never hears "no provider" while one could be
 * tried. What each provider did is kept in an AttemptTrail.
 */
import { Duration, Effect, Schedule } from "effect"
import { AttemptTrail } from "./AttemptTrail.js"
import type { Settings } from "./Config/Document.js"
import { type ProviderError, retryAfterOf } from "./Errors.js"
import type { FailureInfo } from "./Health/Breaker.js"
import { AUTH_COOLDOWN_MS, type CredentialCooldown, rateLimitLifts } from "./Health/CredentialCooldowns.js"
import { Health } from "./Health/Health.js"
import { type Provider, type UpstreamReply, type UpstreamRequest } from "./Provider.js"
import { usesStoredCredential } from "./Config/Document.js"
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

const isRetryable = (maxRetryAfter: Duration.Duration) => (e: ProviderError): boolean => {
  if (e._tag !== "RateLimited" && e._tag !== "Upstream5xx") return false
  if (e._tag === "RateLimited" && e.exhausted === true) return false
  // The upstream said a retry will not help (Anthropic's `x-should-retry: false`): the chain moves on.
  if (e.answer?.headers["x-should-retry"] === "false") return false
  return e.retryAfter === undefined || Duration.lessThanOrEqualTo(e.retryAfter, maxRetryAfter)
}

/** Exponential backoff with jitter, raised to the upstream's Retry-After, for at most `retries` retries. */
export const retryPolicy = (retries: number, settings: Settings) =>
  Schedule.identity<ProviderError>().pipe(
    Schedule.addDelay((e) => retryAfterOf(e) ?? Duration.zero),
    Schedule.whileInput(isRetryable(Duration.millis(settings.maxRetryAfterMs))),
    Schedule.intersect(Schedule.jittered(Schedule.exponential(Duration.millis(settings.retryBaseDelayMs)))),
    Schedule.intersect(Schedule.recurs(retries))
  )

/**
 * What a failure says about the provider. A 429 or 401/403 answered to the caller's own credential
 * is about that credential, not the provider, so it must not make everyone else skip the provider.
 */
export const failureInfo = (provider: Provider["Type"], error: ProviderError, now: number): FailureInfo => {
  const perCredential = error._tag === "RateLimited" || error._tag === "Unauthorized"
  const retryAfter = retryAfterOf(error)
  return {
    error: { at: now, tag: error._tag, status: "status" in error ? error.status : error._tag === "RateLimited" ? 429 : undefined, message: error.message },
    countsAgainstProvider: !perCredential || usesStoredCredential(provider.config),
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
    /** the last real failure: a provider skipped after it (breaker open) must not replace it */
    let lastError: ProviderError | undefined
    const credential = request.credential
    /** the credential's cooldown on each provider that skipped it */
    const cooling = new Map<string, number>()
    /** whether this provider forwards the caller's credential (so its refusals are about that credential) */
    const forwards = (provider: Provider["Type"]) => credential !== undefined && !usesStoredCredential(provider.config)

    const send = (provider: Provider["Type"]) =>
      Effect.suspend(() => {
        attempts++
        tries++
        return provider.send(request)
      }).pipe(
        Effect.tap(() => health.success(provider.name)),
        Effect.tapError((error) =>
          Effect.flatMap(
            Effect.clockWith((c) => c.currentTimeMillis),
            (now) => health.failure(provider.name, failureInfo(provider, error, now), settings.cooldown)
          )
        )
      )

    /** The breaker's word, after the credential's: a provider cooling down for this credential is skipped. */
    const admit = (provider: Provider["Type"], force: boolean) => {
      const breaker = force ? Effect.succeed("go" as const) : health.admit(provider.name)
      if (force || !forwards(provider)) return breaker
      return Effect.flatMap(health.credentialUntil(provider.name, credential!), (until) => {
        if (until === undefined) return breaker
        cooling.set(provider.name, until)
        trail.skipped(provider.name, "cooldown", until)
        return Effect.succeed("cooling" as const)
      })
    }

    /** After a provider's last try: the trail, the log, and the credential's cooldown or its end. */
    const failedWith = (provider: Provider["Type"], error: ProviderError) =>
      Effect.flatMap(Effect.clockWith((c) => c.currentTimeMillis), (now) => {
        failed.push(provider.name)
        lastError = error
        const cooldown = forwards(provider) ? credentialCooldown(error, settings, now) : undefined
        trail.failed(provider.name, error, tries, cooldown?.until)
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

    const attempt = (
      provider: Provider["Type"],
      force: boolean
    ): Effect.Effect<{ provider: string; reply: UpstreamReply }, ProviderError | Skipped> =>
      admit(provider, force).pipe(
        Effect.flatMap((admission): Effect.Effect<{ provider: string; reply: UpstreamReply }, ProviderError | Skipped> => {
          if (admission === "cooling") return Effect.fail(new Skipped(provider.name))
          if (admission === "skip") {
            trail.skipped(provider.name, "breaker")
            return Effect.fail(new Skipped(provider.name))
          }
          tries = 0
          return send(provider).pipe(
            // The schedule is set up only after a failure: a first answer costs no retry machinery.
            Effect.catchAll((first) => retryAfterFailure(first, send(provider), retryPolicy(provider.config.retries, settings))),
            Effect.tapError((error) => failedWith(provider, error)),
            Effect.tap((reply) => {
              trail.answered(provider.name, reply.status, tries)
              return forwards(provider) ? health.credentialServed(provider.name, credential!) : Effect.void
            }),
            Effect.map((reply) => ({ provider: provider.name, reply }))
          )
        })
      )

    const [first, ...rest] = chain
    if (first === undefined) return yield* Effect.dieMessage("empty chain")
    const walked = rest.reduce((acc, provider) => Effect.orElse(acc, () => attempt(provider, false)), attempt(first, false))
    const outcome = yield* walked.pipe(
      Effect.catchIf(
        (e): e is Skipped => e instanceof Skipped && failed.length === 0,
        // Every breaker was open: try the provider that will be ready first.
        () =>
          Effect.gen(function*() {
            let soonest = first
            let soonestAt = Number.POSITIVE_INFINITY
            for (const p of chain) {
              const at = Math.max(yield* health.openUntil(p.name), cooling.get(p.name) ?? 0)
              if (at < soonestAt) [soonest, soonestAt] = [p, at]
            }
            yield* Effect.annotateCurrentSpan("forced", soonest.name)
            return yield* attempt(soonest, true)
          })
      ),
      Effect.either
    )
    if (outcome._tag === "Right") {
      return { ...outcome.right, attempts, failedOver: failed.slice(), trail }
    }
    // The reduce hands back the last outcome: a provider skipped at the end of the chain stands for
    // nothing, the last provider that really failed is the answer (failed is not empty then: with
    // every provider skipped, the soonest one was tried above).
    const error = outcome.left instanceof Skipped ? lastError! : outcome.left
    const failure: ChainFailure = {
      provider: failed[failed.length - 1] ?? first.name,
      error,
      attempts,
      failedOver: failed.slice(0, -1),
      trail
    }
    return yield* Effect.fail(failure)
  }).pipe(Tracing.debugSpan("Chain.run"))
