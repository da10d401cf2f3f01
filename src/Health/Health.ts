/**
 * Provider health for this isolate: a circuit breaker per provider, and the cooldowns of callers'
 * credentials per provider (CredentialCooldowns), in memory (no KV write per request). The
 * transitions live in Breaker.ts so the state can be shared across isolates (Shared/).
 */
import { Clock, Context, Effect, Layer } from "effect"
import type { Cooldown } from "../Config/Document.js"
import type { LearnedFacts } from "../Capabilities/Capabilities.js"
import { type LearnedEvent, LearnedMap } from "../Capabilities/Learned.js"
import * as Breaker from "./Breaker.js"
import { CooldownMap, type CredentialCooldown, keyOf } from "./CredentialCooldowns.js"

export interface ProviderHealth extends Breaker.BreakerState {
  readonly name: string
  readonly state: Breaker.CircuitState
  /** callers' credentials this provider is skipped for, and when the first of them may try again */
  readonly credentialCooldowns?: { readonly count: number; readonly soonestReset: number } | undefined
  /** what this provider's 400s taught, per model (refused parameters and betas) */
  readonly learned?: ReadonlyArray<{ readonly model: string; readonly params: ReadonlyArray<string>; readonly betas: ReadonlyArray<string> }> | undefined
}

/** Cooldowns an isolate keeps at most (the oldest go first). */
export const MAX_COOLDOWNS = 2_000

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
  /** close the breaker of one provider, or of all; counters restart; credential cooldowns go too */
  readonly reset: (name?: string) => Effect.Effect<void>
  /** this credential's cooldown on this provider (until when it is skipped, and why), if it has one;
   * a credential is a caller's credential id or a pooled key's id (`kid_…`) */
  readonly credentialCooldown: (name: string, credential: string) => Effect.Effect<CredentialCooldown | undefined>
  /** the provider refused this credential (429, 401/403): skip it for the credential until then */
  readonly credentialLimited: (name: string, credential: string, cooldown: CredentialCooldown) => Effect.Effect<void>
  /** the provider served this credential: whatever cooldown it had is over */
  readonly credentialServed: (name: string, credential: string) => Effect.Effect<void>
  /** an operator ended this credential's cooldown (a pooled key reset or changed): everywhere, at once */
  readonly credentialForgotten: (name: string, credential: string) => Effect.Effect<void>
  /** what this provider's 400s taught about a model (read on every attempt: memory only, no effect) */
  readonly learnedFor: (name: string, model: string) => LearnedFacts | undefined
  /** a provider refused a parameter or beta for a model, by name: remember it */
  readonly learn: (event: LearnedEvent) => Effect.Effect<void>
}>() {}

/** A provider's learned facts as the health view shows them. */
export const learnedView = (learned: LearnedMap, name: string): Pick<ProviderHealth, "learned"> => {
  const entries = learned.of(name)
  return entries.length === 0 ? {} : { learned: entries.map((e) => ({ model: e.model, params: e.params, betas: e.betas })) }
}

export const makeMemory = (learned: LearnedMap = new LearnedMap()): Health["Type"] => {
  const states = new Map<string, Breaker.BreakerState>()
  const cooldowns = new CooldownMap(MAX_COOLDOWNS)
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
      Effect.map(Clock.currentTimeMillis, (now) => {
        const cooling = cooldowns.summary(now)
        return names.map((name) => {
          const s = get(name)
          return {
            ...s,
            name,
            state: Breaker.stateAt(s, now),
            ...(cooling[name] === undefined ? {} : { credentialCooldowns: cooling[name] }),
            ...learnedView(learned, name)
          }
        })
      }),
    reset: (name) =>
      Effect.sync(() => {
        if (name === undefined) states.clear()
        else states.delete(name)
        cooldowns.drop(name)
        learned.drop(name)
      }),
    credentialCooldown: (name, credential) =>
      cooldowns.size === 0 ? Effect.succeed(undefined) : Effect.map(Clock.currentTimeMillis, (now) => cooldowns.get(keyOf(name, credential), now)),
    credentialLimited: (name, credential, cooldown) => Effect.sync(() => cooldowns.set(keyOf(name, credential), cooldown)),
    credentialServed: (name, credential) => Effect.sync(() => (cooldowns.size === 0 ? undefined : cooldowns.clear(keyOf(name, credential)))),
    credentialForgotten: (name, credential) => Effect.sync(() => cooldowns.clear(keyOf(name, credential))),
    learnedFor: (name, model) => (learned.size === 0 ? undefined : learned.get(name, model)),
    learn: (event) => Effect.sync(() => void learned.learn(event))
  }
}

/** Built once per isolate: the state outlives requests, which is the point. */
export const layerMemory = Layer.sync(Health, makeMemory)
