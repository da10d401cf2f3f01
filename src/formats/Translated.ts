/**
 * Sending through a format translator (openai, openai-responses, gemini): translate the request, fetch, and turn the
 * answer — JSON, SSE or an error — back into Anthropic's shapes. Garbage with a 2xx status is a
 * provider failure, never a 200 to the client. The translator shapes the request from the provider's
 * capabilities; a 400 that names a parameter the model refused (OpenAI's `unsupported_parameter`) is
 * sent once more without it, and the chain remembers it for this provider and model.
 */
import { Effect, Either } from "effect"
import { type Capabilities, capabilitiesOf } from "../Capabilities/Capabilities.js"
import { refusedIn } from "../Capabilities/Learned.js"
import { baseUrlOf, type ProviderConfig } from "../Config/Document.js"
import type { ModelMapper } from "../Config/Models.js"
import { BadUpstreamResponse, type ProviderError, RateLimited } from "../Errors.js"
import { classify, fetchWithTimeout, invalidReply, readErrorBody, type UpstreamReply, type UpstreamRequest } from "../Upstream.js"
import { safeAnswerHeaders } from "../UpstreamHeaders.js"
import * as UsageTap from "../UsageTap.js"
import { errorBody } from "./anthropic/Messages.js"
import type { AttemptHints } from "../Provider.js"
import { type FormatAdapter, type Translation, TranslationError } from "./Format.js"
import { translateBody } from "./StreamTranslator.js"

export const send = (config: ProviderConfig, mapModel: ModelMapper, adapter: FormatAdapter) =>
(request: UpstreamRequest, hints: AttemptHints): Effect.Effect<UpstreamReply, ProviderError> => {
  if (request.message === undefined) {
    return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `${adapter.format} providers serve /v1/messages only` }))
  }
  const message = request.message
  return Effect.suspend(() => {
    // Parsed here, once per request whichever provider asks first; a body that does not parse is the
    // client's 400, before this upstream sees it.
    const parsed = message.parse()
    if (Either.isLeft(parsed)) return Effect.succeed(invalidReply(parsed.left))
    const json = parsed.right
    const model = mapModel(json.model)
    const provider = { ...config, baseUrl: baseUrlOf(config) }

    const call = (capabilities: Capabilities, retried: boolean): Effect.Effect<UpstreamReply, ProviderError> => {
      const translation = adapter.translate(json, { provider, model, capabilities })
      return fetchWithTimeout(config, translation.url, {
        method: "POST",
        headers: translation.headers,
        body: translation.body
      }, translation.stream).pipe(
        Effect.flatMap((response): Effect.Effect<UpstreamReply, ProviderError> => {
          if (response.status >= 200 && response.status < 300) return answer(translation, response)
          return Effect.flatMap(readErrorBody(response), (text) => {
            // A 400 that names the parameter it refused: once more without it, and remembered.
            const facts = response.status === 400 && !retried
              ? refusedIn(text).filter((f) => f.kind === "param" && !capabilities.refusedParams.has(f.name))
              : []
            if (facts.length > 0) {
              const next = { ...capabilities, refusedParams: new Set([...capabilities.refusedParams, ...facts.map((f) => f.name)]) }
              return Effect.forEach(facts, (f) => hints.learn(model, f), { discard: true }).pipe(Effect.zipRight(call(next, true)))
            }
            const mapped = adapter.mapError(response.status, text, json)
            const anthropicBody = JSON.stringify(errorBody(mapped.type, mapped.message))
            const error = classify(config.name, response.status, response.headers, anthropicBody)
            if (error !== undefined) {
              return Effect.fail(error._tag === "RateLimited" && mapped.exhausted === true ? new RateLimited({ ...error, exhausted: true }) : error)
            }
            const headers = new Headers(safeAnswerHeaders(response.headers))
            headers.set("content-type", "application/json")
            return Effect.succeed({ status: response.status, headers, body: anthropicBody })
          })
        })
      )
    }

    const answer = (translation: Translation, response: Response): Effect.Effect<UpstreamReply, ProviderError> => {
      if (translation.stream) {
        if (response.body === null) {
          return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "empty stream" }))
        }
        return Effect.succeed({
          status: 200,
          headers: new Headers({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }),
          body: translateBody(response.body, translation.streamTranslator())
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
        body: text,
        usage: Promise.resolve(UsageTap.fromText(text, text))
      })))
    }

    return call(capabilitiesOf(config, model, hints.learned(model)), false)
  })
}
