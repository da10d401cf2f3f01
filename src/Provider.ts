/**
 * A provider: one upstream built from its config, with one operation, `send`, that either answers
 * (2xx, or a 4xx that is the client's own problem) or fails with a typed ProviderError that moves the
 * chain on. Anthropic-format providers pass bytes through; openai/gemini go through a FormatAdapter.
 */
import { Context, Duration, Effect, Layer } from "effect"
import type { ProviderConfig, StreamSettings } from "./Config/Document.js"
import type { ModelMapper } from "./Config/Models.js"
import {
  BadUpstreamResponse,
  Network,
  type ProviderError,
  RateLimited,
  Timeout,
  Unauthorized,
  type UpstreamAnswer,
  Upstream5xx
} from "./Errors.js"
import { errorBody, type MessagesRequest } from "./formats/anthropic/Messages.js"
import type { FormatAdapter } from "./formats/Format.js"
import { TranslationError } from "./formats/Format.js"
import { retryAfterFrom } from "./RetryAfter.js"
import * as StreamGate from "./StreamGate.js"
import { forwardedHeaders, keyedAnthropicHeaders, safeAnswerHeaders } from "./UpstreamHeaders.js"

/** The client's request, read once (the body is buffered so every attempt can re-send it). */
export interface UpstreamRequest {
  readonly requestId: string
  readonly method: string
  /** path below the proxy's own prefix, e.g. `/v1/messages` */
  readonly path: string
  /** the query string as the client sent it, e.g. `?beta=true` (or "") */
  readonly search: string
  readonly headers: Headers
  readonly body: Uint8Array | undefined
  /** the decoded Messages request for /v1/messages and count_tokens */
  readonly json: MessagesRequest | undefined
  readonly stream: boolean
}

/** What a provider answered; the body is streamed, never buffered. */
export interface UpstreamReply {
  readonly status: number
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | string | null
}

export class Provider extends Context.Tag("claude-failover/Provider")<Provider, {
  readonly name: string
  readonly config: ProviderConfig
  readonly send: (request: UpstreamRequest) => Effect.Effect<UpstreamReply, ProviderError>
}>() {}

const MAX_ERROR_BODY = 64 * 1024

const readErrorBody = (response: Response): Effect.Effect<string> =>
  Effect.promise(async () => {
    try {
      const text = await response.text()
      return text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text
    } catch {
      return ""
    }
  })

/** Status -> typed error. `answerBody` is what the client would see if this is the last word. */
export const classify = (
  provider: string,
  status: number,
  headers: Headers,
  answerBody: string
): ProviderError | undefined => {
  const answer: UpstreamAnswer = { status, headers: safeAnswerHeaders(headers), body: answerBody }
  if (status === 429) {
    const retryAfter = retryAfterFrom(headers)
    return new RateLimited({ provider, answer, ...(retryAfter ? { retryAfter } : {}) })
  }
  if (status === 401 || status === 403) return new Unauthorized({ provider, status, answer })
  if (status >= 500) {
    const retryAfter = retryAfterFrom(headers)
    return new Upstream5xx({ provider, status, answer, ...(retryAfter ? { retryAfter } : {}) })
  }
  return undefined
}

const joinUrl = (baseUrl: string, path: string, search: string) => `${baseUrl.replace(/\/+$/, "")}${path}${search}`

const fetchWithTimeout = (provider: ProviderConfig, url: string, init: RequestInit, stream: boolean) => {
  const afterMs = stream ? provider.timeoutMs : provider.nonStreamingTimeoutMs
  return Effect.tryPromise({
    try: (signal) => fetch(url, { ...init, signal }),
    catch: (cause) => new Network({ provider: provider.name, reason: cause instanceof Error ? cause.message : String(cause) })
  }).pipe(
    // Only the time to response headers is bounded; a stream may then run for as long as it runs.
    Effect.timeoutFail({ duration: Duration.millis(afterMs), onTimeout: () => new Timeout({ provider: provider.name, afterMs }) })
  )
}

const sendAnthropic = (config: ProviderConfig, mapModel: ModelMapper) => (request: UpstreamRequest) => {
  const keyed = config.apiKey !== undefined
  let body: BodyInit | undefined = request.body
  if (request.json !== undefined) {
    const model = mapModel(request.json.model)
    // A client-credential primary gets the caller's exact bytes; only a changed model is re-serialised.
    if (keyed || model !== request.json.model) body = JSON.stringify({ ...request.json, model })
  }
  const headers = keyed ? keyedAnthropicHeaders(request.headers, config) : forwardedHeaders(request.headers, config)
  return fetchWithTimeout(
    config,
    joinUrl(config.baseUrl, request.path, request.search),
    { method: request.method, headers, ...(body === undefined || request.method === "GET" || request.method === "HEAD" ? {} : { body }) },
    request.stream
  ).pipe(
    Effect.flatMap((response): Effect.Effect<UpstreamReply, ProviderError> => {
      if (response.status < 400 || classify(config.name, response.status, response.headers, "") === undefined) {
        return Effect.succeed({ status: response.status, headers: new Headers(response.headers), body: response.body })
      }
      return Effect.flatMap(readErrorBody(response), (text) =>
        Effect.fail(classify(config.name, response.status, response.headers, text)!))
    })
  )
}

const sendTranslated = (config: ProviderConfig, mapModel: ModelMapper, adapter: FormatAdapter) =>
(request: UpstreamRequest): Effect.Effect<UpstreamReply, ProviderError> => {
  const json = request.json
  if (json === undefined) {
    return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `${adapter.format} providers serve /v1/messages only` }))
  }
  return Effect.suspend(() => {
    const translation = adapter.translate(json, { provider: config, model: mapModel(json.model) })
    return fetchWithTimeout(config, translation.url, {
      method: "POST",
      headers: translation.headers,
      body: translation.body
    }, translation.stream).pipe(
      Effect.flatMap((response): Effect.Effect<UpstreamReply, ProviderError> => {
        if (response.status >= 200 && response.status < 300) {
          if (translation.stream) {
            if (response.body === null) {
              return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "empty stream" }))
            }
            return Effect.succeed({
              status: 200,
              headers: new Headers({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }),
              body: response.body.pipeThrough(translation.streamResponse())
            })
          }
          return Effect.tryPromise({
            try: async () => JSON.stringify(translation.response(await response.json())),
            catch: (cause) =>
              new BadUpstreamResponse({
                provider: config.name,
                reason: cause instanceof TranslationError ? cause.message : "response is not JSON"
              })
          }).pipe(Effect.map((text) => ({
            status: 200,
            headers: new Headers({ "content-type": "application/json" }),
            body: text
          })))
        }
        return Effect.flatMap(readErrorBody(response), (text) => {
          const mapped = adapter.mapError(response.status, text, json)
          const anthropicBody = JSON.stringify(errorBody(mapped.type, mapped.message))
          const error = classify(config.name, response.status, response.headers, anthropicBody)
          if (error !== undefined) return Effect.fail(error)
          const headers = new Headers(safeAnswerHeaders(response.headers))
          headers.set("content-type", "application/json")
          return Effect.succeed({ status: response.status, headers, body: anthropicBody })
        })
      })
    )
  })
}

export interface MakeOptions {
  readonly mapModel: ModelMapper
  /** stream gate timings; without them streams are not gated */
  readonly stream?: StreamSettings | undefined
  /** the translator for openai/gemini providers */
  readonly adapter?: FormatAdapter | undefined
}

export const make = (config: ProviderConfig, options: MakeOptions): Provider["Type"] => {
  const send = config.format === "anthropic"
    ? sendAnthropic(config, options.mapModel)
    : options.adapter !== undefined
    ? sendTranslated(config, options.mapModel, options.adapter)
    : () => Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `no translator for ${config.format}` }))
  const gated = (request: UpstreamRequest) =>
    options.stream === undefined || !request.stream
      ? send(request)
      : Effect.flatMap(send(request), (reply) =>
        reply.status === 200 && reply.body instanceof ReadableStream &&
          (reply.headers.get("content-type") ?? "").includes("text/event-stream")
          ? Effect.map(
            StreamGate.gate(reply.body, {
              provider: config.name,
              firstEventTimeoutMs: options.stream!.firstEventTimeoutMs,
              idleTimeoutMs: options.stream!.idleTimeoutMs
            }),
            (body) => ({ ...reply, body })
          )
          : Effect.succeed(reply))
  return {
    name: config.name,
    config,
    send: (request) =>
      gated(request).pipe(
        Effect.tap((reply) => Effect.annotateCurrentSpan("status", reply.status)),
        Effect.tapError((error) => Effect.annotateCurrentSpan({ error: error._tag, ...("status" in error ? { status: error.status } : {}) })),
        Effect.withSpan("Provider.send", { attributes: { provider: config.name, format: config.format } })
      )
  }
}

export const layer = (config: ProviderConfig, options: MakeOptions) => Layer.succeed(Provider, make(config, options))
