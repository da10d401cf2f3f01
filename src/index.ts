/**
 * The Worker entry. Proxied requests (`/v1/*`, the direct routes) run as one Effect program each on
 * the isolate's runtime, with no router in front: they are the hot path. Everything else (the home
 * route, the admin API and page) goes through the router. Both share one set of services (one
 * config cache, one health and usage state per isolate), built once, synchronously, on the first
 * request; per-request values (the ExecutionContext) travel in each request's context.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { env } from "cloudflare:workers"
import { Context, Effect, Layer, ManagedRuntime, Runtime } from "effect"
import * as App from "./App.js"
import type { Bindings } from "./Env.js"
import { WorkerCtx, WorkerEnv } from "./Env.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import * as Proxy from "./Proxy.js"
import * as Reply from "./Reply.js"
import * as Tracing from "./Tracing.js"

const bindings = env as Bindings

const base = Layer.mergeAll(Layer.succeed(WorkerEnv, bindings), Tracing.layer(Tracing.parseLogLevel(bindings.LOG_LEVEL)))
const services = App.services.pipe(Layer.provideMerge(base))
type Services = Layer.Layer.Success<typeof services>

/** The router for everything but the proxy paths, over the same services (one memo map builds them once). */
const routerHandler = (memoMap: Layer.MemoMap) => {
  const web = HttpLayerRouter.toWebHandler(App.app.pipe(Layer.provide(services)), {
    memoMap,
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
  })
  // The router provides the request and its scope itself; the middleware's type just cannot say so.
  return web.handler as unknown as (request: Request, context: Context.Context<WorkerCtx>) => Promise<Response>
}

interface Isolate {
  readonly runtime: Runtime.Runtime<Services>
  readonly router: (request: Request, context: Context.Context<WorkerCtx>) => Promise<Response>
}

// Built on the first request, not at module scope (Workers forbid I/O and randomness there), and
// synchronously: the layers are synchronous, so concurrent cold requests never wait on a build.
let isolate: Isolate | undefined
const isolateOnce = (): Isolate => {
  if (isolate === undefined) {
    const memoMap = Effect.runSync(Layer.makeMemoMap)
    isolate = { runtime: Effect.runSync(ManagedRuntime.make(services, memoMap)), router: routerHandler(memoMap) }
  }
  return isolate
}

const internalAnswer = (): Reply.Answer => ({
  status: 500,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(errorBody("api_error", "internal error"))
})

/**
 * A proxied request: one fiber. A stream that has no answer after `keepAliveMs` is answered here,
 * from a plain timer, with the keep-alive pings; the same fiber goes on and its answer follows them.
 */
const proxy = (rt: Runtime.Runtime<Services>, request: Request, ctx: ExecutionContext): Promise<Response> =>
  new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let answered = false
    const keepAlive: Proxy.KeepAliveHook = (ms, pings) => {
      timer = setTimeout(() => {
        answered = true
        resolve(Reply.toWeb(pings(answer)))
      }, ms)
    }
    const answer: Promise<Reply.Answer> = Runtime.runPromise(rt)(
      Proxy.respond(request, keepAlive).pipe(
        Effect.provideService(WorkerCtx, ctx),
        Effect.catchAllCause((cause) => Effect.as(Effect.logError("unhandled", cause), internalAnswer()))
      )
    )
    void answer.then((a) => {
      if (timer !== undefined) clearTimeout(timer)
      if (!answered) resolve(Reply.toWeb(a))
    })
  })

export { ConfigOwner } from "./Config/ConfigOwner.js"
export { QuotaCounter } from "./Quota/QuotaObject.js"
export { SharedState } from "./Shared/SharedState.js"

export default {
  fetch: (request, _env, ctx) => {
    const { router, runtime } = isolateOnce()
    return Proxy.isProxyPath(new URL(request.url).pathname) ? proxy(runtime, request, ctx) : router(request, Context.make(WorkerCtx, ctx))
  }
} satisfies ExportedHandler<Bindings>
