/**
 * Per-token quotas. In the Worker each token's counters live in a Durable Object (shared by every
 * isolate); elsewhere (Node, library use) an in-memory stand-in counts per process. If the Durable
 * Object cannot be reached the request is let through: a quota must not become an outage.
 */
import { Clock, Context, Effect, Layer } from "effect"
import { WorkerEnv } from "../Env.js"
import * as Window from "./Window.js"

export class Quota extends Context.Tag("claude-failover/Quota")<Quota, {
  readonly take: (token: string, limits: Window.Limits) => Effect.Effect<Window.Decision>
}>() {}

/** Counters are keyed by a hash of the token, never the token itself. */
const keyOf = (token: string) =>
  Effect.promise(async () => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
  })

export interface QuotaStub {
  take(limits: Window.Limits, now: number): Promise<Window.Decision>
}

export const makeDurable = (namespace: DurableObjectNamespace): Quota["Type"] => ({
  take: (token, limits) =>
    Effect.gen(function*() {
      const key = yield* keyOf(token)
      const now = yield* Clock.currentTimeMillis
      const stub = namespace.get(namespace.idFromName(key)) as unknown as QuotaStub
      return yield* Effect.tryPromise(() => stub.take(limits, now)).pipe(
        Effect.catchAll((cause) =>
          Effect.logWarning("quota counter unreachable; letting the request through", cause).pipe(
            Effect.as<Window.Decision>({ allowed: true })
          )
        )
      )
    }).pipe(Effect.withSpan("Quota.take", { captureStackTrace: false }))
})

export const makeMemory = (): Quota["Type"] => {
  const windows = new Map<string, Window.Windows>()
  return {
    take: (token, limits) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const r = Window.take(windows.get(token) ?? Window.empty, limits, now)
        windows.set(token, r.windows)
        return r.decision
      })
  }
}

/** The Worker's quota: the QUOTA Durable Object binding when present, else in memory. */
export const layer = Layer.effect(
  Quota,
  Effect.map(WorkerEnv, (env) => (env.QUOTA === undefined ? makeMemory() : makeDurable(env.QUOTA)))
)
