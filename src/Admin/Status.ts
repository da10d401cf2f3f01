/**
 * Read-mostly admin endpoints: provider health (with a reset; a pool's keys one by one), the Claude
 * Code settings for this deployment, and usage counters. Health and the hourly usage are shared by
 * the deployment when the SHARED Durable Object is bound; the running totals are this isolate's.
 */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Option } from "effect"
import { isPooled, type ProviderConfig, usesStoredCredential } from "../Config/Document.js"
import { Health } from "../Health/Health.js"
import { type Counters, keySeries, Usage } from "../Health/Usage.js"
import { keyIdOf, labelOf, stateOf } from "../Pool/KeyPool.js"
import { AdminApi, NotFound } from "./Api.js"
import { type Current, readCurrent } from "./Edit.js"
import { storedKeyId } from "./PoolKeys.js"

/** A pool's keys: each one's state now and its last 24 hours (masked; never the key). */
const keysOf = (provider: ProviderConfig, health: Health["Type"], totals: Readonly<Record<string, Counters>>) =>
  Effect.forEach(provider.keys ?? [], (k) =>
    Effect.gen(function*() {
      const id = yield* Effect.promise(() => keyIdOf(k))
      const state = stateOf(yield* health.credentialCooldown(provider.name, id))
      const c = totals[keySeries(provider.name, id)]
      return {
        id,
        key: labelOf(k),
        ...(k.note === undefined ? {} : { note: k.note }),
        weight: k.weight ?? 1,
        ...state,
        last24h: { requests: c?.requests ?? 0, errors: c?.errors ?? 0, inputTokens: c?.inputTokens ?? 0, outputTokens: c?.outputTokens ?? 0 }
      }
    }))

const healthOf = (current: Current) =>
  Effect.gen(function*() {
    const health = yield* Health
    const providers = current.decoded.providers
    const views = yield* health.view(providers.map((p) => p.name))
    const pooled = providers.some(isPooled)
    const totals = pooled ? (yield* (yield* Usage).series).totals : {}
    const keys = yield* Effect.forEach(providers, (p) => isPooled(p) ? keysOf(p, health, totals) : Effect.succeed(undefined))
    return {
      scope: health.scope,
      providers: views.map((v, i) => ({
        name: v.name,
        enabled: providers[i]!.enabled,
        state: v.state,
        consecutiveFailures: v.consecutiveFailures,
        openUntil: v.openUntil,
        lastError: v.lastError,
        lastSuccessAt: v.lastSuccessAt,
        requests: v.requests,
        successes: v.successes,
        failures: v.failures,
        ...(v.credentialCooldowns === undefined ? {} : { credentialCooldowns: v.credentialCooldowns }),
        ...(keys[i] === undefined ? {} : { keys: keys[i] }),
        ...(v.learned === undefined ? {} : { learned: v.learned })
      }))
    }
  })

export const HealthLive = HttpApiBuilder.group(AdminApi, "health", (handlers) =>
  handlers
    .handle("getHealth", () => Effect.flatMap(readCurrent, healthOf).pipe(Effect.withSpan("Admin.getHealth")))
    .handle(
      "resetHealth",
      Effect.fn("Admin.resetHealth")(function*() {
        const current = yield* readCurrent
        yield* Effect.flatMap(Health, (h) => h.reset())
        return yield* healthOf(current)
      })
    )
    .handle(
      "resetProviderHealth",
      Effect.fn("Admin.resetProviderHealth")(function*({ path }) {
        const current = yield* readCurrent
        if (!current.decoded.providers.some((p) => p.name === path.name)) {
          return yield* Effect.fail(NotFound.of(`no provider named "${path.name}"`))
        }
        yield* Effect.flatMap(Health, (h) => h.reset(path.name))
        return yield* healthOf(current)
      })
    )
    .handle(
      "resetKeyHealth",
      Effect.fn("Admin.resetKeyHealth")(function*({ path }) {
        const id = yield* storedKeyId(path.name, path.ref)
        yield* Effect.flatMap(Health, (h) => h.credentialForgotten(path.name, id))
        return yield* healthOf(yield* readCurrent)
      })
    ))

export const TOKEN_PLACEHOLDER = "<your-access-token>"

/** The Claude Code settings for a deployment at `origin`, as shell exports and as settings.json. */
export const envFor = (origin: string, needsToken: boolean) => {
  const settings = (env: Record<string, string>) => JSON.stringify({ env }, null, 2)
  const tokenUrl = `${origin}/t/${TOKEN_PLACEHOLDER}`
  const header = `x-failover-token: ${TOKEN_PLACEHOLDER}`
  return {
    baseUrl: origin,
    tokenPlaceholder: TOKEN_PLACEHOLDER,
    needsToken,
    variants: [
      {
        id: "url-token" as const,
        title: "Access token in the base URL (no custom header needed)",
        shell: `export ANTHROPIC_BASE_URL="${tokenUrl}"`,
        settingsJson: settings({ ANTHROPIC_BASE_URL: tokenUrl })
      },
      {
        id: "header-token" as const,
        title: "Access token in a custom header",
        shell: `export ANTHROPIC_BASE_URL="${origin}"\nexport ANTHROPIC_CUSTOM_HEADERS="${header}"`,
        settingsJson: settings({ ANTHROPIC_BASE_URL: origin, ANTHROPIC_CUSTOM_HEADERS: header })
      },
      {
        id: "own-credential" as const,
        title: "No access token: your own Anthropic credential only (providers with stored keys are skipped)",
        shell: `export ANTHROPIC_BASE_URL="${origin}"`,
        settingsJson: settings({ ANTHROPIC_BASE_URL: origin })
      }
    ]
  }
}

const originOf = (request: HttpServerRequest.HttpServerRequest): string => {
  const source = request.source
  if (source instanceof Request) return new URL(source.url).origin
  return Option.match(HttpServerRequest.toURL(request), { onNone: () => "http://localhost", onSome: (u) => u.origin })
}

export const EnvLive = HttpApiBuilder.group(AdminApi, "env", (handlers) =>
  handlers.handle(
    "getEnv",
    Effect.fn("Admin.getEnv")(function*({ request }) {
      const { decoded } = yield* readCurrent
      return envFor(originOf(request), decoded.providers.some((p) => p.enabled && usesStoredCredential(p)))
    })
  ))

export const UsageLive = HttpApiBuilder.group(AdminApi, "usage", (handlers) =>
  handlers.handle("getRequestLog", () => Effect.flatMap(Usage, (usage) => usage.recent).pipe(Effect.withSpan("Admin.getRequestLog"))).handle("getUsage", () =>
    Effect.flatMap(Usage, (usage) => Effect.zip(usage.view, usage.series)).pipe(
      Effect.map(([view, hourly]) => ({
        ...view,
        hourly,
        sinceIso: new Date(view.since).toISOString(),
        note: "counted in this isolate's memory since it started; other isolates and restarts are not included"
      })),
      Effect.withSpan("Admin.getUsage")
    )))
