/**
 * The fallback chain: each provider is attempted with its retry schedule, and `Effect.orElse` moves on
 * to the next when one fails with a ProviderError. A short Retry-After raises the backoff; a long one
 * gives up on that provider at once (the next provider is better than waiting).
 */
import { Duration, Effect, Ref, Schedule } from "effect"
import type { Settings } from "./Config/Document.js"
import type { ProviderError } from "./Errors.js"
import type { Provider, UpstreamReply, UpstreamRequest } from "./Provider.js"

export interface ChainReply {
  readonly provider: string
  readonly reply: UpstreamReply
  /** how many upstream calls were made in all */
  readonly attempts: number
}

/** The error that ended the chain, and which provider gave it. */
export interface ChainFailure {
  readonly provider: string
  readonly error: ProviderError
  readonly attempts: number
}

const isRetryable = (maxRetryAfter: Duration.Duration) => (e: ProviderError): boolean => {
  if (e._tag !== "RateLimited" && e._tag !== "Upstream5xx") return false
  return e.retryAfter === undefined || Duration.lessThanOrEqualTo(e.retryAfter, maxRetryAfter)
}

/** Exponential backoff with jitter, raised to the upstream's Retry-After, for at most `retries` retries. */
export const retryPolicy = (retries: number, settings: Settings) =>
  Schedule.identity<ProviderError>().pipe(
    Schedule.addDelay((e) =>
      (e._tag === "RateLimited" || e._tag === "Upstream5xx") && e.retryAfter !== undefined ? e.retryAfter : Duration.zero
    ),
    Schedule.whileInput(isRetryable(Duration.millis(settings.maxRetryAfterMs))),
    Schedule.intersect(Schedule.jittered(Schedule.exponential(Duration.millis(settings.retryBaseDelayMs)))),
    Schedule.intersect(Schedule.recurs(retries))
  )

export const run = (
  chain: ReadonlyArray<Provider["Type"]>,
  request: UpstreamRequest,
  settings: Settings
): Effect.Effect<ChainReply, ChainFailure> =>
  Effect.gen(function*() {
    const attempts = yield* Ref.make(0)
    const attempt = (provider: Provider["Type"]) =>
      Ref.updateAndGet(attempts, (n) => n + 1).pipe(
        Effect.flatMap((n) => provider.send(request).pipe(Effect.annotateSpans("attempt", n))),
        Effect.retry(retryPolicy(provider.config.retries, settings)),
        Effect.map((reply) => ({ provider: provider.name, reply })),
        Effect.tapError((error) =>
          Effect.logInfo("provider failed").pipe(Effect.annotateLogs({ provider: provider.name, reason: error._tag }))
        ),
        Effect.mapError((error) => ({ provider: provider.name, error }))
      )
    const [first, ...rest] = chain
    if (first === undefined) return yield* Effect.dieMessage("empty chain")
    const result = yield* rest.reduce((acc, provider) => Effect.orElse(acc, () => attempt(provider)), attempt(first))
      .pipe(Effect.either)
    const count = yield* Ref.get(attempts)
    return yield* result._tag === "Right"
      ? Effect.succeed({ ...result.right, attempts: count })
      : Effect.fail({ ...result.left, attempts: count })
  }).pipe(Effect.withSpan("Chain.run"))
