/**
 * Sending to the same Claude on AWS Bedrock or Google Vertex AI. The body is the caller's Anthropic
 * request with the cloud's edits (CloudBody), the model its cloud id (CloudModels), the credential
 * the provider's own (SigV4 or a Bedrock API key; a service-account token for Vertex) — the caller's
 * never leaves. Bedrock's event stream becomes Anthropic SSE; Vertex streams Anthropic SSE already.
 * Thinking blocks from either are Claude's own and travel on unchanged; a 400 that blames the history
 * is retried once with it repaired, as for Anthropic.
 */
import { Duration, Effect, Either } from "effect"
import type { CloudFormat, ProviderConfig } from "../../Config/Document.js"
import type { ModelMapper } from "../../Config/Models.js"
import * as Conversation from "../../Conversation.js"
import { BadUpstreamResponse, Network, type ProviderError, Timeout, Unauthorized, Upstream5xx } from "../../Errors.js"
import { classify, fetchWithTimeout, invalidReply, readErrorBody, type UpstreamReply, type UpstreamRequest } from "../../Upstream.js"
import * as UsageTap from "../../UsageTap.js"
import { errorBody, type MessagesRequest } from "../anthropic/Messages.js"
import { translateBody } from "../StreamTranslator.js"
import * as Bedrock from "./Bedrock.js"
import { bedrockStreamTranslator } from "./BedrockStream.js"
import { cloudBetas, cloudBody } from "./CloudBody.js"
import { cloudModelId } from "./CloudModels.js"
import { GoogleAuthError, type GoogleTokens, googleTokens } from "./GoogleAuth.js"
import * as Vertex from "./Vertex.js"

export interface CloudDependencies {
  /** where Vertex access tokens are cached (the isolate's, unless a test gives its own) */
  readonly tokens: GoogleTokens
}

type Route = "messages" | "count_tokens"

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }

/** What count_tokens does not take. Bedrock counts an InvokeModel body, which needs max_tokens. */
const forCounting = (format: CloudFormat, body: Record<string, unknown>, request: MessagesRequest): Record<string, unknown> => {
  const { max_tokens: _m, stop_sequences: _s, temperature: _t, top_p: _p, top_k: _k, stream: _st, metadata: _md, ...rest } = body
  return format === "bedrock" ? { ...rest, max_tokens: request.max_tokens ?? 1 } : rest
}

export const send = (config: ProviderConfig, mapModel: ModelMapper, deps: CloudDependencies = { tokens: googleTokens }) => {
  const format = config.format as CloudFormat
  const signBedrock = format === "bedrock" ? Bedrock.signer(config) : undefined
  const account = config.serviceAccount
  const who = account === undefined ? "" : ` (service account ${account.client_email})`

  /** The request's headers with the provider's credential. */
  const authorize = (target: Bedrock.CloudTarget): Effect.Effect<Record<string, string>, ProviderError> => {
    if (signBedrock !== undefined) {
      return Effect.tryPromise({
        try: () => signBedrock(target),
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

  const target = (route: Route, request: MessagesRequest, betas: ReadonlyArray<string>, stream: boolean): Bedrock.CloudTarget => {
    const model = cloudModelId(format, mapModel(request.model))
    const body = cloudBody(format, request, betas)
    if (route === "count_tokens") {
      const counted = forCounting(format, body, request)
      return format === "bedrock" ? Bedrock.countTarget(config, model, counted) : Vertex.countTarget(config, model, counted, betas)
    }
    return format === "bedrock" ? Bedrock.invokeTarget(config, model, body, stream) : Vertex.invokeTarget(config, model, { ...body, stream }, stream, betas)
  }

  const answer = (route: Route, stream: boolean, response: Response): Effect.Effect<UpstreamReply, ProviderError> => {
    if (stream) {
      if (response.body === null) return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "empty stream" }))
      const body = format === "bedrock" ? translateBody(response.body, bedrockStreamTranslator()) : response.body
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
        const count = format === "bedrock" ? Bedrock.countAnswer(json) : Vertex.countAnswer(json)
        if (count === undefined) return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "no token count in the answer" }))
        return Effect.succeed({ status: 200, headers: new Headers({ "content-type": "application/json" }), body: JSON.stringify(count) })
      }
      return Effect.succeed({
        status: 200,
        headers: new Headers({ "content-type": "application/json" }),
        body: text,
        usage: Promise.resolve(UsageTap.fromText(text, text))
      })
    }))
  }

  return (request: UpstreamRequest): Effect.Effect<UpstreamReply, ProviderError> => {
    const route: Route | undefined = request.path === "/v1/messages" ? "messages" : request.path === "/v1/messages/count_tokens" ? "count_tokens" : undefined
    const message = request.message
    if (message === undefined || route === undefined || request.method !== "POST") {
      return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `${format} providers serve POST /v1/messages and count_tokens only` }))
    }
    const stream = route === "messages" && request.stream
    const betas = cloudBetas(format, request.headers.get("anthropic-beta"))

    const attempt = (json: MessagesRequest, repaired: boolean): Effect.Effect<UpstreamReply, ProviderError> => {
      const t = target(route, json, betas, stream)
      return authorize(t).pipe(
        Effect.flatMap((headers) => fetchWithTimeout(config, t.url, { method: "POST", headers, body: t.body }, stream)),
        Effect.flatMap((response) => {
          if (response.ok) return answer(route, stream, response)
          return Effect.flatMap(readErrorBody(response), (text) => {
            const error = format === "bedrock" ? Bedrock.errorOf(response.status, response.headers, text) : Vertex.errorOf(response.status, text)
            if (error.status === 400 && !repaired && Conversation.rectifiable(error.message)) {
              const fixed = Conversation.rectify(json)
              if (fixed !== undefined) return Effect.logInfo("retrying once with the history repaired").pipe(Effect.zipRight(attempt(fixed, true)))
            }
            const body = JSON.stringify(errorBody(error.type, error.message))
            if (error.status === 401 || error.status === 403) {
              if (format === "vertex" && account !== undefined) deps.tokens.forget(account)
              return Effect.fail(new Unauthorized({
                provider: config.name,
                status: error.status,
                reason: `${format === "bedrock" ? "Bedrock" : "Vertex AI"} refused the credential: ${error.message}${who}`,
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
      let json = parsed.right
      // Another provider's thinking cannot be verified by Claude anywhere; a clamp keeps the turn valid.
      json = Conversation.stripForeignThinking(json) ?? json
      json = Conversation.clampMaxTokens(json, config.maxTokens) ?? json
      // The attribution block goes as it came: the cloud is Anthropic-run and removes it itself.
      return attempt(json, false)
    })
  }
}
