/**
 * Sending to the same Claude on a cloud: AWS Bedrock (InvokeModel, or its Messages API), Google
 * Vertex AI, Claude Platform on AWS. The body is the caller's Anthropic request with the cloud's
 * edits (CloudBody) and what the model takes (capabilities), the model its platform id (CloudModels),
 * the credential the provider's own (SigV4 for the platform's service or an API key; a
 * service-account token for Vertex) — the caller's never leaves. Bedrock's event stream becomes
 * Anthropic SSE; the others stream Anthropic SSE already. Thinking blocks are Claude's own and travel
 * on unchanged. A 400 is answered once more: without the beta or field it names as refused
 * (remembered), or with the history repaired when it blames the history.
 */
import { Duration, Effect, Either } from "effect"
import type { ProviderConfig } from "../../Config/Document.js"
import type { ModelMapper } from "../../Config/Models.js"
import * as Conversation from "../../Conversation.js"
import { BadUpstreamResponse, Network, type ProviderError, Timeout, Unauthorized, Upstream5xx } from "../../Errors.js"
import { classify, fetchWithTimeout, invalidReply, readErrorBody, type UpstreamReply, type UpstreamRequest } from "../../Upstream.js"
import * as UsageTap from "../../UsageTap.js"
import { type Capabilities, capabilitiesOf } from "../../Capabilities/Capabilities.js"
import { refusedIn } from "../../Capabilities/Learned.js"
import type { AttemptHints } from "../../Provider.js"
import { fitToCapabilities } from "../anthropic/Shape.js"
import { errorBody, type MessagesRequest } from "../anthropic/Messages.js"
import { translateBody } from "../StreamTranslator.js"
import * as Bedrock from "./Bedrock.js"
import { bedrockStreamTranslator } from "./BedrockStream.js"
import { type CloudKind, cloudBetas, cloudBody, kindOf, speaksMessages } from "./CloudBody.js"
import { cloudModelId } from "./CloudModels.js"
import { GoogleAuthError, type GoogleTokens, googleTokens } from "./GoogleAuth.js"
import * as MessagesApi from "./MessagesApi.js"
import * as Vertex from "./Vertex.js"

export interface CloudDependencies {
  /** where Vertex access tokens are cached (the isolate's, unless a test gives its own) */
  readonly tokens: GoogleTokens
}

type Route = "messages" | "count_tokens"

const WEB_SEARCH_BETA = "web-search-2025-03-05"

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }

/** What count_tokens does not take. Bedrock counts an InvokeModel body, which needs max_tokens. */
const forCounting = (kind: CloudKind, body: Record<string, unknown>, request: MessagesRequest): Record<string, unknown> => {
  const { max_tokens: _m, stop_sequences: _s, temperature: _t, top_p: _p, top_k: _k, stream: _st, metadata: _md, ...rest } = body
  return kind === "bedrock" ? { ...rest, max_tokens: request.max_tokens ?? 1 } : rest
}

/** How each kind is named in messages about it. */
const LABEL: Readonly<Record<CloudKind, string>> = {
  bedrock: "Bedrock",
  "bedrock-messages": "Bedrock",
  vertex: "Vertex AI",
  "claude-platform-aws": "Claude Platform on AWS"
}

/** An error answer's kind and words: AWS's `x-amzn-ErrorType` when there is one, else Google's or Anthropic's JSON. */
const errorOf = (kind: CloudKind, response: Response, text: string): Bedrock.CloudError =>
  kind === "bedrock" || response.headers.has("x-amzn-errortype") ? Bedrock.errorOf(response.status, response.headers, text) : Vertex.errorOf(response.status, text)

export const send = (config: ProviderConfig, mapModel: ModelMapper, deps: CloudDependencies = { tokens: googleTokens }) => {
  const kind = kindOf(config)
  const sign = kind === "bedrock" ? Bedrock.signer(config) : speaksMessages(kind) ? MessagesApi.signer(config, kind) : undefined
  const account = config.serviceAccount
  const who = account === undefined ? "" : ` (service account ${account.client_email})`

  /** The request's headers with the provider's credential. */
  const authorize = (target: Bedrock.CloudTarget): Effect.Effect<Record<string, string>, ProviderError> => {
    if (sign !== undefined) {
      return Effect.tryPromise({
        try: () => sign(target),
        catch: (cause) => new Unauthorized({ provider: config.name, status: 401, reason: `SigV4 signing failed: ${cause instanceof Error ? cause.message : String(cause)}` })
      })
    }
    if (account === undefined) return Effect.fail(new Unauthorized({ provider: config.name, status: 401, reason: "no serviceAccount" }))
    // No abort signal: the refresh is shared by every request waiting for it, and one client going
    // away must not fail the others; the wait itself is bounded below.
    return Effect.tryPromise({
      try: () => deps.tokens.token(account),
      catch: (cause): ProviderError => {
        if (!(cause instanceof GoogleAuthError)) return new Network({ provider: config.name, reason: `token endpoint: ${String(cause)}` })
        if (cause.kind === "unavailable") {
          return cause.status === undefined
            ? new Network({ provider: config.name, reason: cause.message })
            : new Upstream5xx({ provider: config.name, status: cause.status })
        }
        return new Unauthorized({ provider: config.name, status: 401, reason: `${cause.message}${who}` })
      }
    }).pipe(
      Effect.timeoutFail({ duration: Duration.millis(config.timeoutMs), onTimeout: () => new Timeout({ provider: config.name, afterMs: config.timeoutMs }) }),
      Effect.map((token) => ({ ...target.headers, authorization: `Bearer ${token}` }))
    )
  }

  /** The platform's id for the request's model: the user's map first, then the catalogue. */
  const platformModel = (request: MessagesRequest): string => {
    const mapped = mapModel(request.model)
    if (kind === "claude-platform-aws") return mapped
    return cloudModelId(kind, mapped, { region: config.region, inferenceProfile: config.inferenceProfile })
  }

  const target = (route: Route, request: MessagesRequest, betas: ReadonlyArray<string>, stream: boolean): Bedrock.CloudTarget => {
    const model = platformModel(request)
    const body = cloudBody(kind, request, betas)
    if (route === "count_tokens") {
      const counted = forCounting(kind, body, request)
      if (kind === "bedrock") return Bedrock.countTarget(config, model, counted)
      return kind === "vertex" ? Vertex.countTarget(config, model, counted, betas) : MessagesApi.countTarget(config, kind, model, counted, betas)
    }
    if (kind === "bedrock") return Bedrock.invokeTarget(config, model, body, stream)
    return kind === "vertex" ? Vertex.invokeTarget(config, model, { ...body, stream }, stream, betas) : MessagesApi.invokeTarget(config, kind, model, body, stream, betas)
  }

  const answer = (route: Route, stream: boolean, response: Response): Effect.Effect<UpstreamReply, ProviderError> => {
    if (stream) {
      if (response.body === null) return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "empty stream" }))
      const body = kind === "bedrock" ? translateBody(response.body, bedrockStreamTranslator()) : response.body
      return Effect.succeed({ status: 200, headers: new Headers(SSE_HEADERS), body })
    }
    return Effect.tryPromise({
      try: () => response.text(),
      catch: () => new Network({ provider: config.name, reason: "answer cut off" })
    }).pipe(Effect.flatMap((text) => {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "response is not JSON" }))
      }
      if (route === "count_tokens") {
        const count = kind === "bedrock" ? Bedrock.countAnswer(json) : Vertex.countAnswer(json)
        if (count === undefined) return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "no token count in the answer" }))
        return Effect.succeed({ status: 200, headers: new Headers({ "content-type": "application/json" }), body: JSON.stringify(count) })
      }
      // Parsed here already: the same check the Anthropic format gets (a 200 that is not a message fails over).
      const message = json as { type?: unknown; content?: unknown } | null
      if (message?.type !== "message" || !Array.isArray(message.content)) {
        return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "200 with JSON that is not a message" }))
      }
      return Effect.succeed({
        status: 200,
        headers: new Headers({ "content-type": "application/json" }),
        body: text,
        usage: Promise.resolve(UsageTap.fromText(text, text))
      })
    }))
  }

  return (request: UpstreamRequest, hints: AttemptHints): Effect.Effect<UpstreamReply, ProviderError> => {
    const route: Route | undefined = request.path === "/v1/messages" ? "messages" : request.path === "/v1/messages/count_tokens" ? "count_tokens" : undefined
    const message = request.message
    if (message === undefined || route === undefined || request.method !== "POST") {
      return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `${config.format} providers serve POST /v1/messages and count_tokens only` }))
    }
    const stream = route === "messages" && request.stream
    const offered = cloudBetas(kind, request.headers.get("anthropic-beta"))

    /** One call; a 400 may be answered once more: without the beta or field it names as refused, or with the history repaired. */
    const attempt = (original: MessagesRequest, caps: Capabilities, retried: boolean): Effect.Effect<UpstreamReply, ProviderError> => {
      // The body as this cloud and model take it: clamped, without what it refuses, system messages folded where needed.
      const json = fitToCapabilities(original, caps)
      // Vertex runs Anthropic's web search only with its beta.
      const search = kind === "vertex" && (json.tools ?? []).some((t) => /^web_search_/.test(String((t as { type?: unknown }).type ?? "")))
      const betas = [...offered, ...(search && !offered.includes(WEB_SEARCH_BETA) ? [WEB_SEARCH_BETA] : [])].filter((b) => !caps.refusedBetas.has(b))
      const t = target(route, json, betas, stream)
      return authorize(t).pipe(
        Effect.flatMap((headers) => fetchWithTimeout(config, t.url, { method: "POST", headers, body: t.body }, stream)),
        Effect.flatMap((response) => {
          if (response.ok) return answer(route, stream, response)
          return Effect.flatMap(readErrorBody(response), (text) => {
            const error = errorOf(kind, response, text)
            if (error.status === 400 && !retried) {
              const facts = refusedIn(text).filter((f) => !(f.kind === "param" ? caps.refusedParams : caps.refusedBetas).has(f.name))
              if (facts.length > 0) {
                const next: Capabilities = {
                  ...caps,
                  refusedParams: new Set([...caps.refusedParams, ...facts.filter((f) => f.kind === "param").map((f) => f.name)]),
                  refusedBetas: new Set([...caps.refusedBetas, ...facts.filter((f) => f.kind === "beta").map((f) => f.name)])
                }
                const model = mapModel(original.model)
                return Effect.forEach(facts, (f) => hints.learn(model, f), { discard: true }).pipe(Effect.zipRight(attempt(original, next, true)))
              }
              const fixed = Conversation.rectifiable(error.message) ? Conversation.rectify(json) : undefined
              if (fixed !== undefined) return Effect.logInfo("retrying once with the history repaired").pipe(Effect.zipRight(attempt(fixed, caps, true)))
            }
            const body = JSON.stringify(errorBody(error.type, error.message))
            if (error.status === 401 || error.status === 403) {
              if (kind === "vertex" && account !== undefined) deps.tokens.forget(account)
              return Effect.fail(new Unauthorized({
                provider: config.name,
                status: error.status,
                reason: `${LABEL[kind]} refused the credential: ${error.message}${who}`,
                answer: { status: error.status, headers: {}, body }
              }))
            }
            const failure = classify(config.name, error.status, response.headers, body)
            if (failure !== undefined) return Effect.fail(failure)
            return Effect.succeed({ status: error.status, headers: new Headers({ "content-type": "application/json" }), body })
          })
        })
      )
    }

    return Effect.suspend(() => {
      const parsed = message.parse()
      if (Either.isLeft(parsed)) return Effect.succeed(invalidReply(parsed.left))
      // Another provider's thinking cannot be verified by Claude anywhere. The attribution block goes
      // as it came: the cloud is Anthropic-run and removes it itself.
      const json = Conversation.stripForeignThinking(parsed.right) ?? parsed.right
      const model = mapModel(json.model)
      return attempt(json, capabilitiesOf(config, model, hints.learned(model)), false)
    })
  }
}
