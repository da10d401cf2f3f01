/**
 * The Worker entry: the web handler is built once per isolate; per-request values (the
 * ExecutionContext) travel in the handler's context argument.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { env } from "cloudflare:workers"
import { Context, Effect, Layer } from "effect"
import * as App from "./App.js"
import type { Bindings } from "./Env.js"
import { WorkerCtx, WorkerEnv } from "./Env.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import * as Tracing from "./Tracing.js"

const bindings = env as Bindings

const web = HttpLayerRouter.toWebHandler(
  App.layer.pipe(
    Layer.provide(Layer.succeed(WorkerEnv, bindings)),
    Layer.provide(Tracing.layer(Tracing.parseLogLevel(bindings.LOG_LEVEL)))
  ),
  {
    disableLogger: true,
    // Defects still answer an Anthropic-shaped error, never a bare 500 page.
    middleware: (app) =>
      app.pipe(
        Effect.catchAllCause((cause) =>
          Effect.logError("unhandled", cause).pipe(
            Effect.as(
              HttpServerResponse.text(JSON.stringify(errorBody("api_error", "internal error")), {
                status: 500,
                contentType: "application/json"
              })
            )
          )
        )
      )
  }
)

// The router provides the request and its scope itself; the middleware's type just cannot say so.
const handler = web.handler as unknown as (request: Request, context: Context.Context<WorkerCtx>) => Promise<Response>

export { QuotaCounter } from "./Quota/QuotaObject.js"
export { SharedState } from "./Shared/SharedState.js"

export default {
  fetch: (request, _env, ctx) => handler(request, Context.make(WorkerCtx, ctx))
} satisfies ExportedHandler<Bindings>
