/**
 * The `/v1/*` routes (and the direct translation routes): authenticate the caller, read the body
 * once, pick the chain from the config snapshot, run it, and answer with the upstream's bytes or an
 * Anthropic-shaped error.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, ParseResult, Schema } from "effect"
import * as Chain from "./Chain.js"
import { type ProviderConfig, usesStoredCredential } from "./Config/Document.js"
import { mask } from "./Config/Masking.js"
import { compileModels, type ModelMapper } from "./Config/Models.js"
import { ConfigStore, type Snapshot } from "./Config/Store.js"
import * as Cors from "./Cors.js"
import * as DirectRoute from "./DirectRoute.js"
import { WorkerEnv } from "./Env.js"
import { InvalidRequest, NoProvider } from "./Errors.js"
import { adapterFor } from "./formats/Adapters.js"
import { errorTypeForStatus, type MessagesRequest, MessagesRequestSchema } from "./formats/anthropic/Messages.js"
import { Usage } from "./Health/Usage.js"
import * as Provider from "./Provider.js"
import { Quota } from "./Quota/Quota.js"
import { hasLimits } from "./Quota/Window.js"
import * as Reply from "./Reply.js"
import { hasClientCredential } from "./UpstreamHeaders.js"

export const MAX_BODY_BYTES = 32 * 1024 * 1024

/** `/t/<token>/v1/...` (for clients that cannot send a custom header) or plain `/v1/...`. */
export const splitTokenPath = (pathname: string): { readonly token: string | undefined; readonly path: string } => {
  const m = /^\/t\/([^/]+)(\/.*)?$/.exec(pathname)
  return m === null ? { token: undefined, path: pathname } : { token: decodeURIComponent(m[1]!), path: m[2] ?? "/" }
}

// Provider values are built once per config object (i.e. once per snapshot), not per request.
const built = new WeakMap<ProviderConfig, Provider.Provider["Type"]>()
const providerFor = (config: ProviderConfig, mapModel: ModelMapper) => {
  let p = built.get(config)
  if (p === undefined) {
    p = Provider.make(config, { mapModel, adapter: adapterFor(config.format) })
    built.set(config, p)
  }
  return p
}

const decodeMessages = Schema.decodeUnknownEither(MessagesRequestSchema, { errors: "first" })

const invalid = (reason: string, status = 400) => new InvalidRequest({ status, errorType: errorTypeForStatus(status), reason })
const refuse = (status: number, reason: string) => new NoProvider({ status, reason })

const readBody = (web: Request) =>
  Effect.gen(function*() {
    const declared = Number(web.headers.get("content-length") ?? "0")
    if (declared > MAX_BODY_BYTES) return yield* Effect.fail(invalid(`request body exceeds ${MAX_BODY_BYTES} bytes`, 413))
    const buffer = yield* Effect.tryPromise({ try: () => web.arrayBuffer(), catch: () => invalid("could not read the request body") })
    if (buffer.byteLength > MAX_BODY_BYTES) return yield* Effect.fail(invalid(`request body exceeds ${MAX_BODY_BYTES} bytes`, 413))
    return new Uint8Array(buffer)
  })

const parseMessages = (body: Uint8Array): Either.Either<MessagesRequest, InvalidRequest> => {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(body))
  } catch {
    return Either.left(invalid("request body is not valid JSON"))
  }
  return Either.match(decodeMessages(json), {
    onLeft: (error) => {
      const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
      const where = first === undefined || first.path.length === 0 ? "body" : first.path.join(".")
      return Either.left(invalid(`${where}: ${first?.message ?? "invalid request"}`))
    },
    onRight: () => Either.right(json as MessagesRequest)
  })
}

type Route = "messages" | "count_tokens" | "other"

const routeOf = (method: string, path: string): Route =>
  method === "POST" && path === "/v1/messages"
    ? "messages"
    : method === "POST" && path === "/v1/messages/count_tokens"
    ? "count_tokens"
    : "other"

interface Caller {
  readonly validToken: boolean
  readonly clientCredential: boolean
  /** providers the caller asked to skip (x-failover-skip, honoured only with a valid token) */
  readonly skip: ReadonlySet<string>
}

/** Which providers may serve this request, in chain order. */
const chainFor = (snapshot: Snapshot, route: Route, caller: Caller) => {
  const chain: Array<Provider.Provider["Type"]> = []
  for (const p of snapshot.providers) {
    const c = p.config
    if (!c.enabled || caller.skip.has(c.name)) continue
    if (usesStoredCredential(c) ? !caller.validToken : !caller.clientCredential) continue
    // Token counting and the rest of the API exist only in Anthropic's own format.
    if (route !== "messages" && c.format !== "anthropic") continue
    chain.push(providerFor(c, p.mapModel))
    // Anything but a Messages call goes to the first client-credential provider only.
    if (route === "other") break
  }
  return chain
}

const noChainReason = (snapshot: Snapshot, caller: Caller, route: Route, what: string) => {
  const needsToken = !caller.validToken && snapshot.providers.some((p) => p.config.enabled && usesStoredCredential(p.config))
  if (needsToken) {
    return refuse(401, "an access token is required: send x-failover-token, or use https://<host>/t/<token> as the base URL")
  }
  if (!caller.clientCredential) return refuse(401, "x-api-key header is required")
  return refuse(route === "other" ? 404 : 503, `no enabled provider can serve ${what}`)
}

/** How a token appears in usage counters: its note, else its masked form (never the token). */
const tokenLabelOf = (snapshot: Snapshot, token: string) =>
  snapshot.document.accessTokens.find((t) => t.token === token)?.note ?? mask(token)

const skipList = (value: string | null): ReadonlySet<string> =>
  new Set((value ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0))

export const handle = Effect.gen(function*() {
  const serverRequest = yield* HttpServerRequest.HttpServerRequest
  const web = serverRequest.source
  if (!(web instanceof Request)) return yield* Effect.dieMessage("expected a web Request")
  const requestId = `req_cfo_${crypto.randomUUID().replaceAll("-", "")}`
  const url = new URL(web.url)
  const { path: fullPath, token: pathToken } = splitTokenPath(url.pathname)
  const direct = DirectRoute.parse(fullPath)
  const path = direct?.path ?? fullPath
  const token = pathToken ?? web.headers.get("x-failover-token") ?? undefined
  const route = routeOf(web.method, path)
  yield* Effect.annotateCurrentSpan({ request_id: requestId, route: path, ...(direct ? { direct: direct.host } : {}) })

  const snapshot = yield* (yield* ConfigStore).snapshot
  const origin = web.headers.get("origin")
  const allowedOrigins = snapshot.document.settings.allowedOrigins
  if (web.method === "OPTIONS") {
    return HttpServerResponse.empty({ status: 204, headers: Cors.preflightHeaders(origin, allowedOrigins) })
  }
  const cors = Cors.responseHeaders(origin, allowedOrigins)

  const outcome = yield* Effect.gen(function*() {
    let body: Uint8Array | undefined
    let json: MessagesRequest | undefined
    if (web.method !== "GET" && web.method !== "HEAD") body = yield* readBody(web)
    if (route !== "other") json = yield* parseMessages(body ?? new Uint8Array())

    if (token !== undefined && !snapshot.tokens.has(token)) return yield* Effect.fail(refuse(401, "invalid access token"))
    const validToken = token !== undefined
    const caller: Caller = {
      validToken,
      clientCredential: hasClientCredential(web.headers),
      skip: validToken ? skipList(web.headers.get("x-failover-skip")) : new Set()
    }

    if (validToken) {
      const entry = snapshot.document.accessTokens.find((t) => t.token === token)
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

    let chain: Array<Provider.Provider["Type"]>
    if (direct !== undefined) {
      if (snapshot.tokens.size > 0 && !validToken) {
        return yield* Effect.fail(refuse(401, "an access token is required for direct routes on this deployment"))
      }
      if (route !== "messages") return yield* Effect.fail(refuse(404, `direct routes serve POST /v1/messages only`))
      const env = yield* WorkerEnv
      const settings = snapshot.document.settings
      const config = DirectRoute.provider(direct, DirectRoute.callerKey(web.headers), {
        enabled: settings.directRoutes,
        hosts: settings.directHosts,
        allowPrivate: env.ALLOW_PRIVATE_UPSTREAMS === "true"
      })
      if (DirectRoute.isRefusal(config)) return yield* Effect.fail(refuse(config.status, config.message))
      chain = [Provider.make(config, { mapModel: compileModels(undefined), adapter: adapterFor(config.format) })]
    } else {
      chain = chainFor(snapshot, route, caller)
      if (chain.length === 0) return yield* Effect.fail(noChainReason(snapshot, caller, route, `${web.method} ${path}`))
    }
    yield* Effect.annotateCurrentSpan("chain", chain.map((p) => p.name).join(","))
    const tokenLabel = validToken ? tokenLabelOf(snapshot, token) : undefined
    const result = yield* Chain.run(chain, {
      requestId,
      method: web.method,
      path,
      search: url.search,
      headers: web.headers,
      body,
      json,
      stream: json?.stream === true
    }, snapshot.document.settings).pipe(Effect.either)
    return { result, tokenLabel }
  }).pipe(Effect.annotateSpans("request_id", requestId), Effect.either)

  if (Either.isLeft(outcome)) {
    yield* Effect.annotateCurrentSpan({ outcome: outcome.left._tag })
    const retryAfter = outcome.left._tag === "InvalidRequest" ? outcome.left.retryAfterSeconds : undefined
    return Reply.ownError(outcome.left, requestId, retryAfter === undefined ? cors : { ...cors, "retry-after": String(retryAfter) })
  }
  const usage = yield* Usage
  const { result, tokenLabel } = outcome.right
  if (Either.isLeft(result)) {
    const f = result.left
    yield* usage.record({ token: tokenLabel, failed: f.failedOver, answered: f.provider, error: true })
    yield* Effect.annotateCurrentSpan({ provider: f.provider, attempts: f.attempts, outcome: f.error._tag })
    return Reply.fromFailure(f, requestId, cors)
  }
  const r = result.right
  yield* usage.record({ token: tokenLabel, failed: r.failedOver, answered: r.provider, error: r.reply.status >= 400 })
  yield* Effect.annotateCurrentSpan({ provider: r.provider, attempts: r.attempts, status: r.reply.status })
  return Reply.fromReply(r.reply, r.provider, requestId, cors)
}).pipe(Effect.withSpan("Proxy.request"))
