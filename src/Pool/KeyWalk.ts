/**
 * One request through a provider's key pool. The keys that are not cooling down are ranked for the
 * request's conversation (Rendezvous over their weights) and tried in that order: a key's 429 or
 * 401/403 sets it aside as its KeyVerdict says and the next key is tried, at most
 * `settings.keysPerRequest` keys in all, and a 429 that says nothing moves to another key once. Any
 * other failure (5xx, timeout) is the provider's: the chain moves on. When no key is free (the
 * chain forced the pool because every provider was skipped), the key whose cooldown ends first goes.
 */
import { Effect, Either } from "effect"
import type { Settings } from "../Config/Document.js"
import type { ProviderError } from "../Errors.js"
import type { CredentialCooldown } from "../Health/CredentialCooldowns.js"
import type { Health } from "../Health/Health.js"
import type { PooledProvider, UpstreamReply } from "../Provider.js"
import type { KeyPool, KeyVerdict, PooledKey } from "./KeyPool.js"
import { verdictOf } from "./KeyPool.js"
import { rank } from "./Rendezvous.js"

export interface KeyStep {
  readonly key: PooledKey<PooledProvider>
  readonly id: string
}

export interface WalkContext {
  readonly health: Health["Type"]
  readonly settings: Settings
  /** the request's conversation (computed when first asked) */
  readonly affinity: () => number
  /** one key's call, with the provider's retries for what is not about the key */
  readonly send: (key: PooledKey<PooledProvider>) => Effect.Effect<UpstreamReply, ProviderError>
  /** a key was refused (429, 401/403), and what that means for it: for the trail */
  readonly refused: (step: KeyStep, error: ProviderError, verdict: KeyVerdict) => void
  /** the key whose outcome is the provider's (the last one called) */
  readonly using: (step: KeyStep) => void
}

/** The pool's keys and their cooldowns now. */
export const keyStates = (pool: KeyPool<PooledProvider>, health: Health["Type"]) =>
  Effect.flatMap(pool.keyIds, (ids) =>
    Effect.map(
      Effect.forEach(ids, (id) => health.credentialCooldown(pool.provider, id)),
      (cooldowns): ReadonlyArray<{ readonly id: string; readonly cooldown: CredentialCooldown | undefined }> =>
        ids.map((id, i) => ({ id, cooldown: cooldowns[i] }))
    ))

/** Whether any key may be called now; else when the first comes back. */
export const poolAvailability = (pool: KeyPool<PooledProvider>, health: Health["Type"]) =>
  Effect.map(keyStates(pool, health), (states) =>
    states.some((s) => s.cooldown === undefined)
      ? { available: true as const }
      : { available: false as const, until: Math.min(...states.map((s) => s.cooldown!.until)) })

/** The keys to try for this request, in order. */
export const keyOrder = (
  pool: KeyPool<PooledProvider>,
  states: ReadonlyArray<{ readonly id: string; readonly cooldown: CredentialCooldown | undefined }>,
  affinity: () => number,
  limit: number
): Array<number> => {
  const free = states.flatMap((s, i) => (s.cooldown === undefined ? [i] : []))
  const ids = states.map((s) => s.id)
  const order = free.length === 0
    ? states.map((_, i) => i).sort((a, b) => states[a]!.cooldown!.until - states[b]!.cooldown!.until || a - b)
    : rank(affinity(), pool.candidates(ids, free)).map((i) => free[i]!)
  return order.slice(0, limit)
}

export const walk = (pool: KeyPool<PooledProvider>, ctx: WalkContext): Effect.Effect<UpstreamReply, ProviderError> =>
  Effect.gen(function*() {
    const states = yield* keyStates(pool, ctx.health)
    const order = keyOrder(pool, states, ctx.affinity, ctx.settings.keysPerRequest)
    let silentUsed = false
    for (const [n, index] of order.entries()) {
      const step = { key: pool.keys[index]!, id: states[index]!.id }
      ctx.using(step)
      const outcome = yield* Effect.either(ctx.send(step.key))
      if (Either.isRight(outcome)) {
        // A forced key that answered is back.
        if (states[index]!.cooldown !== undefined) yield* ctx.health.credentialServed(pool.provider, step.id)
        return outcome.right
      }
      const error = outcome.left
      if (error._tag !== "RateLimited" && error._tag !== "Unauthorized") return yield* Effect.fail(error)
      const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
      const verdict = verdictOf(error, ctx.settings, now)
      if (verdict.kind !== "request") yield* ctx.health.credentialLimited(pool.provider, step.id, verdict.cooldown)
      ctx.refused(step, error, verdict)
      const last = n === order.length - 1 || (verdict.kind === "request" && silentUsed)
      if (verdict.kind === "request") silentUsed = true
      if (last) return yield* Effect.fail(error)
    }
    // Unreachable: a pool has at least one key and keysPerRequest is at least 1.
    return yield* Effect.dieMessage(`pool ${pool.provider}: no key to try`)
  })
