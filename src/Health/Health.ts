/**
 * Provider health for this isolate: a circuit breaker per provider, in memory (no KV write per
 * request). The transitions live in Breaker.ts so the state can later be shared across isolates.
 */
import { Clock, Context, Effect, Layer } from "effect"
import type { Cooldown } from "../Config/Document.js"
import * as Breaker from "./Breaker.js"

export interface ProviderHealth extends Breaker.BreakerState {
  readonly name: string
  readonly state: Breaker.CircuitState
}

export class Health extends Context.Tag("claude-failover/Health")<Health, {
  /** whether the state is this isolate's alone or shared by the deployment */
  readonly scope: "isolate" | "deployment"
  /** may a request use this provider now? ("probe" also marks the half-open probe as started) */
  readonly admit: (name: string) => Effect.Effect<Breaker.Admission>
  readonly success: (name: string) => Effect.Effect<void>
  readonly failure: (name: string, info: Breaker.FailureInfo, cooldown: Cooldown) => Effect.Effect<void>
  /** when each named provider's cooldown ends (0 when closed) */
  readonly openUntil: (name: string) => Effect.Effect<number>
  readonly view: (names: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ProviderHealth>>
  /** close the breaker of one provider, or of all; counters restart */
  readonly reset: (name?: string) => Effect.Effect<void>
}>() {}

export const makeMemory = (): Health["Type"] => {
  const states = new Map<string, Breaker.BreakerState>()
  const get = (name: string) => states.get(name) ?? Breaker.initial
  return {
    scope: "isolate",
    admit: (name) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const s = get(name)
        const admission = Breaker.admit(s, now)
        if (admission === "probe") states.set(name, Breaker.startProbe(s, now))
        return admission
      }),
    success: (name) => Effect.map(Clock.currentTimeMillis, (now) => void states.set(name, Breaker.onSuccess(get(name), now))),
    failure: (name, info, cooldown) =>
      Effect.map(Clock.currentTimeMillis, (now) => void states.set(name, Breaker.onFailure(get(name), now, info, cooldown))),
    openUntil: (name) => Effect.succeed(get(name).openUntil),
    view: (names) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        names.map((name) => {
          const s = get(name)
          return { ...s, name, state: Breaker.stateAt(s, now) }
        })),
    reset: (name) =>
      Effect.sync(() => {
        if (name === undefined) states.clear()
        else states.delete(name)
      })
  }
}

/** Built once per isolate: the state outlives requests, which is the point. */
export const layerMemory = Layer.sync(Health, makeMemory)
