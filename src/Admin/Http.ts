/**
 * The admin API served by the Worker: the handlers of every group, the security middleware, the
 * OpenAPI document, mounted on the app's router. Built once per isolate from
 * synchronous layers; the handlers use the app's services (config store, health, usage).
 */
import { Etag, FileSystem, HttpApiBuilder, HttpLayerRouter, HttpPlatform, Path } from "@effect/platform"
import { Effect, Layer } from "effect"
import { Health } from "../Health/Health.js"
import { AdminApi, OPENAPI_PATH, SettingsInput } from "./Api.js"
import * as Auth from "./Auth.js"
import { answerEtag, decodeBody, masked, readCurrent, readJson, update } from "./Edit.js"
import { KeysLive } from "./PoolKeys.js"
import { ProvidersLive } from "./Providers.js"
import { EnvLive, HealthLive, UsageLive } from "./Status.js"
import { TokensLive } from "./Tokens.js"

const ConfigLive = HttpApiBuilder.group(AdminApi, "config", (handlers) =>
  handlers
    .handle("getConfig", () =>
      readCurrent.pipe(
        Effect.tap(({ etag }) => answerEtag(etag)),
        Effect.map(({ document, etag, source, stored }) => ({ ...masked(document), stored, etag, source })),
        Effect.withSpan("Admin.getConfig")
      ))
    .handleRaw(
      "putConfig",
      Effect.fn("Admin.putConfig")(function*({ request }) {
        let input = yield* readJson(request)
        if (typeof input === "object" && input !== null && !Array.isArray(input)) {
          // GET adds `stored`, `etag` and `source`; accept them back so GET -> PUT round-trips
          const { etag: _etag, source: _source, stored: _stored, ...rest } = input as Record<string, unknown>
          input = rest
        }
        yield* update(() => Effect.succeed(input))
        // A new document is a fresh start: old breaker state may describe a provider that changed.
        yield* Effect.flatMap(Health, (health) => health.reset())
        return { ok: true as const }
      })
    ))

const SettingsLive = HttpApiBuilder.group(AdminApi, "settings", (handlers) =>
  handlers
    .handle("getSettings", () =>
      readCurrent.pipe(
        Effect.tap(({ etag }) => answerEtag(etag)),
        Effect.map(({ document }) => document.settings ?? {}),
        Effect.withSpan("Admin.getSettings")
      ))
    .handleRaw(
      "putSettings",
      Effect.fn("Admin.putSettings")(function*({ request }) {
        const settings = yield* decodeBody(SettingsInput, request, ["settings"])
        const stored = yield* update((current) => Effect.succeed({ ...current.document, settings }))
        return stored.settings ?? settings
      })
    ))

/** What addHttpApi needs from a platform; the Worker serves no files, so the file system is empty. */
const PlatformLive = Layer.mergeAll(HttpPlatform.layer, Path.layer, Etag.layer).pipe(
  Layer.provideMerge(FileSystem.layerNoop({}))
)

const ApiLive = HttpLayerRouter.addHttpApi(AdminApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide(Layer.mergeAll(ConfigLive, ProvidersLive, KeysLive, TokensLive, SettingsLive, HealthLive, EnvLive, UsageLive)),
  Layer.provide(Auth.layer),
  Layer.provide(PlatformLive)
)

/** The admin API and its OpenAPI document. The page is static files (web/admin/), served beside it. */
export const layer = ApiLive
