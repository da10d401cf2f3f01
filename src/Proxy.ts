/**
 * The `/v1/*` routes: authenticate the caller, read the body once, pick the chain from the config
 * snapshot, run it, and answer with the upstream's bytes (or an Anthropic-shaped error). Every answer
 * carries `x-failover-provider` and `x-request-id`.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, ParseResult, Schema } from "effect"
import * as Chain from "./Chain.js"
import { type ProviderConfig, usesStoredCredential } from "./Config/Document.js"
import type { ModelMapper } from "./Config/Models.js"
import { mask } from "./Config/Masking.js"
import { ConfigStore, type Snapshot } from "./Config/Store.js"
import { clientErrorJson, InvalidRequest, NoProvider, type ProviderError, toClientError } from "./Errors.js"
import { adapterFor } from "./formats/Adapters.js"
import { errorBody, type ErrorType, errorTypeForStatus, type MessagesRequest, MessagesRequestSchema } from "./formats/anthropic/Messages.js"
import * as Provider from "./Provider.js"
import { Usage } from "./Health/Usage.js"
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

const invalid = (reason: string, status = 400) =>
  new InvalidRequest({ status, errorType: errorTypeForStatus(status), reason })

const readBody = (web: Request) =>
  Effect.gen(function*() {
    const declared = Number(web.headers.get("content-length") ?? "0")
    if (declared > MAX_BODY_BYTES) return yield* Effect.fail(invalid(`request body exceeds ${MAX_BODY_BYTES} bytes`, 413))
    const buffer = yield* Effect.tryPromise({
      try: () => web.arrayBuffer(),
      catch: () => invalid("could not read the request body")
    })
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

/** Which providers may serve this request, in chain order. */
const chainFor = (snapshot: Snapshot, route: Route, validToken: boolean, clientCredential: boolean) => {
  const chain: Array<Provider.Provider["Type"]> = []
  for (const p of snapshot.providers) {
    const c = p.config
    if (!c.enabled) continue
    if (usesStoredCredential(c) ? !validToken : !clientCredential) continue
    // Token counting and the rest of the API exist only in Anthropic's own format.
    if (route !== "messages" && c.format !== "anthropic") continue
    chain.push(providerFor(c, p.mapModel))
    // Anything but a Messages call goes to the first client-credential provider only.
    if (route === "other") break
  }
  return chain
}

/** How a token appears in usage counters: its note, else its masked form (never the token). */
const tokenLabelOf = (snapshot: Snapshot, token: string): string => {
  const entry = snapshot.document.accessTokens.find((t) => t.token === token)
  return entry?.note ?? mask(token)
}

const requestIdOf = () => `req_cfo_${crypto.randomUUID().replaceAll("-", "")}`

const jsonError = (status: number, type: ErrorType, message: string, requestId: string, provider: string) =>
  HttpServerResponse.text(JSON.stringify(errorBody(type, message, requestId)), {
    status,
    contentType: "application/json",
    headers: { "x-request-id": requestId, "x-failover-provider": provider }
  })

const HOP_BY_HOP = new Set(["content-length", "connection", "keep-alive", "transfer-encoding"])

const replyResponse = (reply: Provider.UpstreamReply, provider: string, requestId: string) => {
  const headers: Record<string, string> = {}
  reply.headers.forEach((v, k) => {
    if (!HOP_BY_HOP.has(k)) headers[k] = v
  })
  headers["x-failover-provider"] = provider
  headers["x-request-id"] = requestId
  return HttpServerResponse.raw(reply.body, { status: reply.status, headers })
}

/** The last error of the chain as the client sees it: the upstream's own answer when it is Anthropic-shaped. */
const failureResponse = (failure: Chain.ChainFailure, requestId: string) => {
  const answer = "answer" in failure.error ? failure.error.answer : undefined
  if (answer !== undefined) {
    let anthropicShaped = false
    try {
      const parsed = JSON.parse(answer.body) as { type?: unknown; error?: { type?: unknown } }
      anthropicShaped = parsed.type === "error" && typeof parsed.error?.type === "string"
    } catch {
      // not JSON (an HTML error page, say): answer with our own body below
    }
    const headers: Record<string, string> = { ...answer.headers, "x-failover-provider": failure.provider, "x-request-id": requestId }
    if (anthropicShaped) {
      return HttpServerResponse.text(answer.body, { status: answer.status, contentType: "application/json", headers })
    }
    const own = clientErrorJson(failure.error as ProviderError, requestId)
    return HttpServerResponse.text(own.body, { status: answer.status, contentType: "application/json", headers })
  }
  const own = clientErrorJson(failure.error, requestId)
  return HttpServerResponse.text(own.body, {
    status: own.status,
    contentType: "application/json",
    headers: { "x-failover-provider": failure.provider, "x-request-id": requestId }
  })
}

export const handle = Effect.gen(function*() {
  const serverRequest = yield* HttpServerRequest.HttpServerRequest
  const requestId = requestIdOf()
  const web = serverRequest.source
  if (!(web instanceof Request)) return yield* Effect.dieMessage("expected a web Request")
  const url = new URL(web.url)
  const { path, token: pathToken } = splitTokenPath(url.pathname)
  const token = pathToken ?? web.headers.get("x-failover-token") ?? undefined
  const route = routeOf(web.method, path)
  yield* Effect.annotateCurrentSpan({ request_id: requestId, route: path })

  const outcome = yield* Effect.gen(function*() {
    let body: Uint8Array | undefined
    let json: MessagesRequest | undefined
    if (web.method !== "GET" && web.method !== "HEAD") body = yield* readBody(web)
    if (route !== "other") json = yield* parseMessages(body ?? new Uint8Array())

    const snapshot = yield* (yield* ConfigStore).snapshot
    if (token !== undefined && !snapshot.tokens.has(token)) {
      return yield* Effect.fail(new NoProvider({ status: 401, reason: "invalid access token" }))
    }
    const validToken = token !== undefined
    const clientCredential = hasClientCredential(web.headers)
    const chain = chainFor(snapshot, route, validToken, clientCredential)
    if (chain.length === 0) {
      const needsToken = !validToken &&
        snapshot.providers.some((p) => p.config.enabled && usesStoredCredential(p.config))
      return yield* Effect.fail(
        needsToken
          ? new NoProvider({
            status: 401,
            reason: "an access token is required: send x-failover-token, or use https://<host>/t/<token> as the base URL"
          })
          : !clientCredential
          ? new NoProvider({ status: 401, reason: "x-api-key header is required" })
          : new NoProvider({ status: route === "other" ? 404 : 503, reason: `no enabled provider can serve ${web.method} ${path}` })
      )
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

  const usage = yield* Usage
  if (Either.isLeft(outcome)) {
    const e = toClientError(outcome.left)
    yield* Effect.annotateCurrentSpan({ status: e.status, outcome: outcome.left._tag })
    return yield* jsonError(e.status, e.type, e.message, requestId, "none")
  }
  const { result, tokenLabel } = outcome.right
  if (Either.isLeft(result)) {
    yield* usage.record({ token: tokenLabel, failed: result.left.failedOver, answered: result.left.provider, error: true })
    yield* Effect.annotateCurrentSpan({ provider: result.left.provider, attempts: result.left.attempts, outcome: result.left.error._tag })
    return failureResponse(result.left, requestId)
  }
  yield* usage.record({
    token: tokenLabel,
    failed: result.right.failedOver,
    answered: result.right.provider,
    error: result.right.reply.status >= 400
  })
  yield* Effect.annotateCurrentSpan({
    provider: result.right.provider,
    attempts: result.right.attempts,
    status: result.right.reply.status
  })
  return replyResponse(result.right.reply, result.right.provider, requestId)
}).pipe(Effect.withSpan("Proxy.request"))
