/**
 * The fallback chain: each provider is attempted with its retry schedule, and `Effect.orElse` moves on
 * to the next when one fails with a ProviderError. A short Retry-After raises the backoff; a long one
 * gives up on that provider at once (the next provider is better than waiting). A provider whose
 * circuit breaker is open is skipped; when every one is open, the one whose cooldown ends first is
 * tried anyway — the client never hears "no provider" while one could be tried.
 */
import { Duration, Effect, Schedule } from "effect"
import type { Settings } from "./Config/Document.js"
import { type ProviderError, retryAfterOf } from "./Errors.js"
import type { FailureInfo } from "./Health/Breaker.js"
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
}

/** The error that ended the chain, and which provider gave it. */
export interface ChainFailure {
  readonly provider: string
  readonly error: ProviderError
  readonly attempts: number
  readonly failedOver: ReadonlyArray<string>
}

const isRetryable = (maxRetryAfter: Duration.Duration) => (e: ProviderError): boolean => {
  if (e._tag !== "RateLimited" && e._tag !== "Upstream5xx") return false
  if (e._tag === "RateLimited" && e.exhausted === true) return false
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

export const run = (
  chain: ReadonlyArray<Provider["Type"]>,
  request: UpstreamRequest,
  settings: Settings
): Effect.Effect<ChainReply, ChainFailure, Health> =>
  Effect.gen(function*() {
    const health = yield* Health
    let attempts = 0
    const failed: Array<string> = []
    /** the last real failure: a provider skipped after it (breaker open) must not replace it */
    let lastError: ProviderError | undefined

    const send = (provider: Provider["Type"]) =>
      Effect.suspend(() => {
        attempts++
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

    const attempt = (
      provider: Provider["Type"],
      force: boolean
    ): Effect.Effect<{ provider: string; reply: UpstreamReply }, ProviderError | Skipped> =>
      (force ? Effect.succeed("go" as const) : health.admit(provider.name)).pipe(
        Effect.flatMap((admission): Effect.Effect<{ provider: string; reply: UpstreamReply }, ProviderError | Skipped> =>
          admission === "skip"
            ? Effect.fail(new Skipped(provider.name))
            : send(provider).pipe(
              // The schedule is set up only after a failure: a first answer costs no retry machinery.
              Effect.catchAll((first) => retryAfterFailure(first, send(provider), retryPolicy(provider.config.retries, settings))),
              Effect.tapError((error) => {
                failed.push(provider.name)
                lastError = error
                return Effect.logWarning("provider failed").pipe(
                  Effect.annotateLogs({
                    provider: provider.name,
                    reason: error._tag,
                    ...("status" in error ? { status: error.status } : {}),
                    message: error.message
                  })
                )
              }),
              Effect.map((reply) => ({ provider: provider.name, reply }))
            )
        )
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
              const at = yield* health.openUntil(p.name)
              if (at < soonestAt) [soonest, soonestAt] = [p, at]
            }
            yield* Effect.annotateCurrentSpan("forced", soonest.name)
            return yield* attempt(soonest, true)
          })
      ),
      Effect.either
    )
    if (outcome._tag === "Right") {
      return { ...outcome.right, attempts, failedOver: failed.slice() }
    }
    // The reduce hands back the last outcome: a provider skipped at the end of the chain stands for
    // nothing, the last provider that really failed is the answer (failed is not empty then: with
    // every provider skipped, the soonest one was tried above).
    const error = outcome.left instanceof Skipped ? lastError! : outcome.left
    const failure: ChainFailure = {
      provider: failed[failed.length - 1] ?? first.name,
      error,
      attempts,
      failedOver: failed.slice(0, -1)
    }
    return yield* Effect.fail(failure)
  }).pipe(Tracing.debugSpan("Chain.run"))
