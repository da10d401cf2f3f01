/**
 * The `/v1/*` routes (and the direct translation routes): authenticate the caller, read the body
 * once, pick the chain from the config snapshot, run it, and answer with the upstream's bytes or an
 * Anthropic-shaped error.
 */
import { HttpServerRequest } from "@effect/platform"
import { Duration, Effect, Either, Fiber, Option, Runtime } from "effect"
import { type Caller, credentialOf, skipList, tokenInCredentialHeaders, tokenLabelOf } from "./Caller.js"
import type { AttemptTrail } from "./AttemptTrail.js"
import * as Chain from "./Chain.js"
import { isCloudFormat, type ProviderConfig, type Settings, usesStoredCredential } from "./Config/Document.js"
import { compileModels, type ModelMapper } from "./Config/Models.js"
import { ConfigStore, type Snapshot } from "./Config/Store.js"
import * as Cors from "./Cors.js"
import * as DirectRoute from "./DirectRoute.js"
import { WorkerEnv } from "./Env.js"
import { InvalidRequest, NoProvider } from "./Errors.js"
import { adapterFor } from "./formats/Adapters.js"
import { MessageBody } from "./formats/anthropic/MessageBody.js"
import type { LogEntry } from "./Health/RequestLog.js"
import { Usage } from "./Health/Usage.js"
import * as Provider from "./Provider.js"
import { Quota } from "./Quota/Quota.js"
import { hasLimits } from "./Quota/Window.js"
import * as KeepAlive from "./KeepAlive.js"
import * as Reply from "./Reply.js"
import { SharedSync } from "./Shared/SharedHealth.js"
import { estimateInputTokens } from "./TokenEstimate.js"
import { readBody } from "./RequestBody.js"
import { hasClientCredential } from "./UpstreamHeaders.js"
import type { TokenUsage } from "./UsageTap.js"

export { MAX_BODY_BYTES } from "./RequestBody.js"

/** `/t/<token>/v1/...` (for clients that cannot send a custom header) or plain `/v1/...`. */
export const splitTokenPath = (pathname: string): { readonly token: string | undefined; readonly path: string } => {
  const m = /^\/t\/([^/]+)(\/.*)?$/.exec(pathname)
  return m === null ? { token: undefined, path: pathname } : { token: decodeURIComponent(m[1]!), path: m[2] ?? "/" }
}

// Provider values are built once per config object (i.e. once per snapshot), not per request.
const built = new WeakMap<ProviderConfig, Provider.Provider["Type"]>()
const providerFor = (config: ProviderConfig, mapModel: ModelMapper, settings: Settings) => {
  let p = built.get(config)
  if (p === undefined) {
    p = Provider.make(config, { mapModel, adapter: adapterFor(config.format), settings })
    built.set(config, p)
  }
  return p
}

const refuse = (status: number, reason: string) => new NoProvider({ status, reason })

type Route = "messages" | "count_tokens" | "other"

const routeOf = (method: string, path: string): Route =>
  method === "POST" && path === "/v1/messages"
    ? "messages"
    : method === "POST" && path === "/v1/messages/count_tokens"
    ? "count_tokens"
    : "other"

/** Which providers may serve this request, in chain order. */
const chainFor = (snapshot: Snapshot, route: Route, caller: Caller) => {
  const chain: Array<Provider.Provider["Type"]> = []
  for (const p of snapshot.providers) {
    const c = p.config
    if (!c.enabled || caller.skip.has(c.name)) continue
    if (usesStoredCredential(c) ? !caller.validToken : !caller.clientCredential) continue
    // Token counting exists in Anthropic's own format and on the clouds serving Claude; the rest of
    // the API only in Anthropic's.
    if (route === "other" && c.format !== "anthropic") continue
    if (route === "count_tokens" && c.format !== "anthropic" && !isCloudFormat(c.format)) continue
    chain.push(providerFor(c, p.mapModel, snapshot.document.settings))
    // Anything but a Messages call goes to the first client-credential provider only.
    if (route === "other") break
  }
  return chain
}

const noChainReason = (snapshot: Snapshot, caller: Caller, route: Route, what: string) => {
  const needsToken = !caller.validToken && snapshot.providers.some((p) => p.config.enabled && usesStoredCredential(p.config))
  if (needsToken) {
    return refuse(401, "an access token is required: send it as the API key (ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY or apiKeyHelper), as x-failover-token, or use https://<host>/t/<token> as the base URL")
  }
  if (!caller.clientCredential) return refuse(401, "x-api-key header is required")
  return refuse(route === "other" ? 404 : 503, `no enabled provider can serve ${what}`)
}

interface Plan {
  /** empty when no provider may serve the request; `refusal` then says why */
  readonly chain: ReadonlyArray<Provider.Provider["Type"]>
  readonly refusal: NoProvider | undefined
  readonly request: Provider.UpstreamRequest
  readonly tokenLabel: string | undefined
}

/** Everything that can be decided without an upstream: body, token, quota, which chain. */
const plan = (web: Request, ctx: { requestId: string; path: string; search: string; route: Route; token: string | undefined; direct: DirectRoute.DirectTarget | undefined; snapshot: Snapshot }) =>
  Effect.gen(function*() {
    const { requestId, path, route, direct, snapshot } = ctx
    const body = web.method !== "GET" && web.method !== "HEAD" ? yield* readBody(web) : undefined
    const message = route !== "other" ? new MessageBody(body ?? new Uint8Array(0)) : undefined

    if (ctx.token !== undefined && !snapshot.tokens.has(ctx.token)) return yield* Effect.fail(refuse(401, "invalid access token"))
    // A configured token may also come as the client's API key or bearer token; it never goes upstream.
    const presented = tokenInCredentialHeaders(web.headers, snapshot.tokens)
    const token = ctx.token ?? presented.token
    const headers = presented.headers
    const validToken = token !== undefined
    const caller: Caller = {
      validToken,
      clientCredential: hasClientCredential(headers),
      skip: validToken ? skipList(headers.get("x-failover-skip")) : new Set()
    }

    // The token's entry, looked up once: for its quota and its label in the usage counters.
    const entry = validToken ? snapshot.document.accessTokens.find((t) => t.token === token) : undefined
    const settings = snapshot.document.settings
    let chain: Array<Provider.Provider["Type"]>
    if (direct !== undefined) {
      if (snapshot.tokens.size > 0 && !validToken) {
        return yield* Effect.fail(refuse(401, "an access token is required for direct routes on this deployment"))
      }
      if (route !== "messages") return yield* Effect.fail(refuse(404, `direct routes serve POST /v1/messages only`))
      const env = yield* WorkerEnv
      const config = DirectRoute.provider(direct, DirectRoute.callerKey(headers), {
        enabled: settings.directRoutes,
        hosts: settings.directHosts,
        allowPrivate: env.ALLOW_PRIVATE_UPSTREAMS === "true"
      })
      if (DirectRoute.isRefusal(config)) return yield* Effect.fail(refuse(config.status, config.message))
      chain = [Provider.make(config, { mapModel: compileModels(undefined), adapter: adapterFor(config.format), settings })]
    } else {
      chain = chainFor(snapshot, route, caller)
    }
    yield* Effect.annotateCurrentSpan("chain", chain.map((p) => p.name).join(","))
    // The body is parsed up front only when the first provider needs the whole request (a
    // translation) or the scan cannot read it (then a malformed body is a 400 before any upstream);
    // otherwise it goes as bytes, and a later translated provider parses it if the chain gets there.
    if (message !== undefined) {
      const first = chain[0]
      if (first === undefined || first.config.format !== "anthropic" || message.scan === undefined) {
        const parsed = message.parse()
        if (Either.isLeft(parsed)) return yield* Effect.fail(parsed.left)
      }
    }
    // Counted only for a request that can go out.
    if (validToken) {
      if (entry !== undefined && hasLimits(entry)) {
        const decision = yield* (yield* Quota).take(token, entry)
        if (!decision.allowed) {
          return yield* Effect.fail(
            new InvalidRequest({
              status: 429,
              errorType: "rate_limit_error",
              reason: `access token quota of ${decision.limit} requests per ${decision.window} reached`,
              retryAfterSeconds: decision.retryAfterSeconds
            })
          )
        }
      }
    }

    const request: Provider.UpstreamRequest = {
      requestId,
      method: web.method,
      path,
      search: ctx.search,
      headers,
      body,
      message,
      stream: route === "messages" && message !== undefined && message.stream,
      credential: caller.clientCredential ? yield* credentialOf(headers, chain) : undefined,
      caller: validToken ? `token\n${token}` : undefined
    }
    const refusal = chain.length === 0 ? noChainReason(snapshot, caller, route, `${web.method} ${path}`) : undefined
    return { chain, refusal, request, tokenLabel: validToken ? tokenLabelOf(token, entry) : undefined } satisfies Plan
  })

/** When nothing upstream can answer: count_tokens gets an estimate, GET /v1/models the configured names. */
const localAnswer = (route: Route, method: string, path: string, message: MessageBody | undefined, snapshot: Snapshot, requestId: string, cors: Record<string, string>): Reply.Answer | undefined => {
  const headers = { ...cors, "content-type": "application/json", "x-failover-provider": "local", "x-request-id": requestId }
  const parsed = route === "count_tokens" ? message?.parse() : undefined
  if (parsed !== undefined && Either.isRight(parsed)) {
    return { status: 200, headers, body: JSON.stringify({ input_tokens: estimateInputTokens(parsed.right) }) }
  }
  if (method === "GET" && path === "/v1/models") {
    return { status: 200, headers, body: JSON.stringify(modelList(snapshot)) }
  }
  return undefined
}

/** The model names the configuration knows: the exact keys of every provider's model map. */
const modelList = (snapshot: Snapshot) => {
  const ids = [...new Set(snapshot.providers.filter((p) => p.config.enabled).flatMap((p) => Object.keys(p.config.models ?? {})).filter((k) => !k.includes("*")))]
  const data = ids.map((id) => ({ type: "model", id, display_name: id, created_at: "1970-01-01T00:00:00Z" }))
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null }
}

/**
 * The request's line in the request log, once its answer is complete: now, in this fiber, when the
 * answer is whole; when `done` resolves (a stream's end), with its token counts, otherwise.
 */
const logRequest = (
  usage: Usage["Type"],
  p: Plan,
  startedAt: number,
  outcome: { readonly provider: string; readonly status: number; readonly trail: AttemptTrail; readonly failedOver: boolean },
  done: Promise<TokenUsage | undefined> | undefined
): Effect.Effect<void> => {
  const { request } = p
  const headAt = Date.now()
  const entryOf = (tokens: TokenUsage | undefined): LogEntry => ({
    at: startedAt,
    requestId: request.requestId,
    method: request.method,
    path: request.path,
    model: request.message?.scan?.model,
    stream: request.stream,
    provider: outcome.provider,
    status: outcome.status,
    attempts: outcome.trail.attempts(),
    failedOver: outcome.failedOver,
    latencyMs: Date.now() - startedAt,
    ttfbMs: headAt - startedAt,
    ...(tokens === undefined ? {} : { inputTokens: tokens.input, outputTokens: tokens.output }),
    ...(p.tokenLabel === undefined ? {} : { token: p.tokenLabel })
  })
  if (done === undefined) return usage.log(entryOf(undefined))
  const later = (tokens: TokenUsage | undefined) => Effect.runSync(usage.log(entryOf(tokens)))
  done.then(later, () => later(undefined))
  return Effect.void
}

/**
 * What an answer's end adds (its tokens, its log line) is reported to the shared health then, kept
 * alive by the request that is still delivering it, not left waiting for the isolate's next request.
 */
const reportAtEnd = (done: Promise<unknown> | undefined) =>
  Effect.gen(function*() {
    const sync = yield* Effect.serviceOption(SharedSync)
    if (done === undefined || Option.isNone(sync)) return
    const flush = Runtime.runSync(yield* Effect.runtime<never>())
    const report = () => flush(sync.value.flush)
    done.then(report, report)
  })

/** Run the chain and turn its outcome into an answer, counting usage on the way. */
const execute = (p: Plan, snapshot: Snapshot, cors: Record<string, string>, startedAt: number) =>
  Effect.gen(function*() {
    const usage = yield* Usage
    const result = yield* Effect.either(Chain.run(p.chain, p.request, snapshot.document.settings))
    if (Either.isLeft(result)) {
      const f = result.left
      const trail = f.trail.toString()
      yield* usage.record({ token: p.tokenLabel, failed: f.failedOver, answered: f.provider, error: true, keys: f.trail.keyUses() })
      yield* Effect.annotateCurrentSpan({ provider: f.provider, attempts: f.attempts, outcome: f.error._tag, trail })
      const { request } = p
      const headers = { ...cors, "x-failover-attempts": trail }
      yield* logRequest(usage, p, startedAt, { provider: f.provider, status: Reply.failureStatus(f), trail: f.trail, failedOver: f.failedOver.length > 0 }, undefined)
      // An upstream that is down leaves count_tokens to an estimate and /v1/models to the configured
      // names; a refused credential is the caller's to hear (an empty model list would replace Claude
      // Code's cached one, an estimate would hide a bad key).
      const refused = f.error._tag === "Unauthorized"
      return (refused ? undefined : localAnswer(routeOf(request.method, request.path), request.method, request.path, request.message, snapshot, request.requestId, headers)) ??
        Reply.fromFailure(f, request.requestId, headers)
    }
    const r = result.right
    const trail = r.trail.toString()
    const keys = r.trail.keyUses()
    yield* usage.record({ token: p.tokenLabel, failed: r.failedOver, answered: r.provider, error: r.reply.status >= 400, keys })
    // Token counts are known only when the answer has been read to its end, after this returns.
    // The answering provider's key, when it is a pool (a pool earlier in the chain may have failed).
    const last = keys[keys.length - 1]
    const answeringKey = last !== undefined && last.provider === r.provider && last.ok ? last.id : undefined
    r.reply.usage?.then((u) => {
      if (u !== undefined) Effect.runSync(usage.tokens(r.provider, p.tokenLabel, u.input, u.output, answeringKey))
    })
    yield* logRequest(usage, p, startedAt, { provider: r.provider, status: r.reply.status, trail: r.trail, failedOver: r.failedOver.length > 0 || r.trail.skippedAny }, r.reply.usage)
    yield* reportAtEnd(r.reply.usage)
    yield* Effect.annotateCurrentSpan({ provider: r.provider, attempts: r.attempts, status: r.reply.status, trail })
    return Reply.fromReply(r.reply, r.provider, p.request.requestId, { ...cors, "x-failover-attempts": trail })
  })

/**
 * How a streaming request's keep-alive starts without a second fiber: the caller (the Worker entry)
 * is told the delay once the request turns out to be a stream, and if the chain has not answered by
 * then it answers with `pings(later)`, the client's stream of pings that the answer will follow.
 */
export type KeepAliveHook = (keepAliveMs: number, pings: (later: Promise<Reply.Answer>) => Reply.Answer) => void

const pingAnswer = (later: Promise<Reply.Answer>, keepAliveMs: number, cors: Record<string, string>, requestId: string): Reply.Answer => ({
  status: 200,
  headers: {
    ...cors,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-failover-provider": KeepAlive.PENDING_PROVIDER,
    "x-request-id": requestId
  },
  body: KeepAlive.stream(later, Math.min(keepAliveMs, KeepAlive.PING_INTERVAL_MS))
})

/**
 * One proxied request, from the web Request to the answer. The Worker runs it directly (no router in
 * front: it is the hot path) with a keep-alive hook; `handle` serves the same program as a router
 * route (Node, tests), where a stream's keep-alive runs the chain in a fiber of its own.
 */
export const respond = (web: Request, keepAlive?: KeepAliveHook) => Effect.gen(function*() {
  const startedAt = Date.now()
  const requestId = `req_cfo_${crypto.randomUUID().replaceAll("-", "")}`
  const url = new URL(web.url)
  const { path: fullPath, token: pathToken } = splitTokenPath(url.pathname)
  const direct = DirectRoute.parse(fullPath)
  const path = direct?.path ?? fullPath
  const token = pathToken ?? web.headers.get("x-failover-token") ?? undefined
  const route = routeOf(web.method, path)
  yield* Effect.annotateCurrentSpan({
    request_id: requestId,
    "http.request.method": web.method,
    route: path,
    ...(direct ? { direct: direct.host } : {})
  })

  const snapshot = yield* (yield* ConfigStore).snapshot
  const origin = web.headers.get("origin")
  const allowedOrigins = snapshot.document.settings.allowedOrigins
  if (web.method === "OPTIONS") {
    return { status: 204, headers: Cors.preflightHeaders(origin, allowedOrigins), body: null } satisfies Reply.Answer
  }
  const cors = Cors.responseHeaders(origin, allowedOrigins)
  // The configuration given (FAILOVER_CONFIG, the variables) is not valid: say so, and nothing else.
  if (snapshot.problem !== undefined) return Reply.ownError(refuse(500, snapshot.problem), requestId, cors)

  const planned = yield* plan(web, { requestId, path, search: url.search, route, token, direct, snapshot }).pipe(Effect.either)
  if (Either.isLeft(planned)) {
    yield* Effect.annotateCurrentSpan({ outcome: planned.left._tag })

    const retryAfter = planned.left._tag === "InvalidRequest" ? planned.left.retryAfterSeconds : undefined
    return Reply.ownError(planned.left, requestId, retryAfter === undefined ? cors : { ...cors, "retry-after": String(retryAfter) })
  }
  const { refusal, request } = planned.right
  if (refusal !== undefined) {
    // Nothing may serve it: count_tokens still gets an estimate and /v1/models the configured names
    // (neither reveals a secret nor costs an upstream call).
    const local = localAnswer(route, web.method, path, request.message, snapshot, requestId, cors)
    return local ?? Reply.ownError(refusal, requestId, cors)
  }
  const run = execute(planned.right, snapshot, cors, startedAt).pipe(
    // Report what this request saw to the shared health, in the background.
    Effect.tap(() => Effect.flatMap(Effect.serviceOption(SharedSync), Option.match({ onNone: () => Effect.void, onSome: (s) => s.flush }))),
    Effect.annotateSpans("request_id", requestId),
    Effect.annotateLogs("request_id", requestId)
  )
  if (!planned.right.request.stream) return yield* run

  // A stream: if no answer is ready within keepAliveMs, start the client's stream with pings.
  const keepAliveMs = snapshot.document.settings.stream.keepAliveMs
  if (keepAlive !== undefined) {
    keepAlive(keepAliveMs, (later) => pingAnswer(later, keepAliveMs, cors, requestId))
    return yield* run
  }
  const fiber = yield* Effect.forkDaemon(run)
  const early = yield* Fiber.join(fiber).pipe(Effect.timeout(Duration.millis(keepAliveMs)), Effect.option)
  if (Option.isSome(early)) return early.value
  yield* Effect.annotateCurrentSpan("keep_alive", true)
  const runtime = yield* Effect.runtime<never>()
  return pingAnswer(Runtime.runPromise(runtime)(Fiber.join(fiber)), keepAliveMs, cors, requestId)
}).pipe(
  Effect.tap((answer) => Effect.annotateCurrentSpan("http.response.status_code", answer.status)),
  // The request's own line in the logs: a server span, so it is logged at info (children at debug).
  Effect.withSpan("Proxy.request", { kind: "server", captureStackTrace: false })
)


/** The same program as a router route. */
export const handle = Effect.gen(function*() {
  const web = (yield* HttpServerRequest.HttpServerRequest).source
  if (!(web instanceof Request)) return yield* Effect.dieMessage("expected a web Request")
  return Reply.toResponse(yield* respond(web))
})

/** Paths `serve` answers (the rest goes to the router): `/v1/*`, `/openai/*`, `/openai-responses/*`,
 * `/gemini/*`, each also under `/t/<token>`. */
export const isProxyPath = (pathname: string): boolean => /^(?:\/t\/[^/]+)?\/(?:v1|openai|openai-responses|gemini)\//.test(pathname)
