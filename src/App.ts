/**
 * The HTTP app: routes, built once per isolate from synchronous layers (see docs/design.md, "Layers are built once, synchronously").
 */
import { HttpLayerRouter, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import * as Admin from "./Admin/Http.js"
import * as ConfigStore from "./Config/Store.js"
import { WorkerEnv } from "./Env.js"
import * as Health from "./Health/Health.js"
import * as Usage from "./Health/Usage.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import * as Proxy from "./Proxy.js"
import * as Quota from "./Quota/Quota.js"
import * as SharedHealth from "./Shared/SharedHealth.js"

const home = HttpServerResponse.text(
  "claude-failover is running. Set ANTHROPIC_BASE_URL to this URL; the admin page is at /admin, its API under /admin/api.\n",
  { contentType: "text/plain; charset=utf-8" }
)

const notFound = HttpServerResponse.text(JSON.stringify(errorBody("not_found_error", "not found")), {
  status: 404,
  contentType: "application/json"
})

/** What the routes use; each is built once per isolate. */
export type AppServices = ConfigStore.ConfigStore | WorkerEnv | Health.Health | Usage.Usage | Quota.Quota

/** Routes resolve the app's services once, when the router is built, and hand them to each request. */
export const Routes = HttpLayerRouter.use((router) =>
  Effect.gen(function*() {
    const services = yield* Effect.context<AppServices>()
    const withServices = <A, E>(handler: Effect.Effect<A, E, AppServices | HttpServerRequest.HttpServerRequest>) =>
      Effect.provide(handler, services)
    yield* router.addAll([
      HttpLayerRouter.route("*", "/", Effect.succeed(home)),
      // Claude Code sends HEAD to its base URL at start-up, which is /t/<token> in the token-in-URL form.
      HttpLayerRouter.route("*", "/t/:token", Effect.succeed(home)),
      HttpLayerRouter.route("*", "/v1/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/t/:token/v1/*", withServices(Proxy.handle)),
      // Direct translation routes (off unless settings.directRoutes)
      HttpLayerRouter.route("*", "/openai/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/openai-responses/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/gemini/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/t/:token/openai/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/t/:token/openai-responses/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/t/:token/gemini/*", withServices(Proxy.handle)),
      HttpLayerRouter.route("*", "/*", Effect.succeed(notFound))
    ])
  })
)

/** The proxy routes, the admin API and the page (Admin/Http.ts), given the app's services: what every runtime shares. */
export const app = Layer.mergeAll(Routes, Admin.layer)

/**
 * The Worker's services, given the Worker bindings. Health and usage are shared across isolates
 * through the SHARED Durable Object when it is bound.
 */
export const services = Layer.mergeAll(ConfigStore.layerKv, SharedHealth.layer, Quota.layer)

/** The app with the Worker's services, given the Worker bindings. */
export const layer = app.pipe(Layer.provide(services))

export { WorkerEnv }
