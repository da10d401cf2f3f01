/**
 * Sending to an Anthropic-format provider. A client-credential provider gets the caller's exact
 * bytes unless something must change: a mapped model, a clamped max_tokens, thinking blocks another
 * provider made (Anthropic would answer 400 "Invalid signature"), or the volatile `cch=` billing
 * value (removed in place so prompt caching keeps hitting). A keyed provider gets the body with
 * those edits and only allow-listed headers. A 400 that blames the history (signatures, thinking
 * budget, unanswered tool_use) is retried once with the history repaired.
 */
import { Effect } from "effect"
import type { ProviderConfig, Settings } from "../../Config/Document.js"
import type { ModelMapper } from "../../Config/Models.js"
import * as Conversation from "../../Conversation.js"
import type { ProviderError } from "../../Errors.js"
import { classify, fetchWithTimeout, joinUrl, readErrorBody, type UpstreamReply, type UpstreamRequest } from "../../Upstream.js"
import { forwardedHeaders, keyedAnthropicHeaders } from "../../UpstreamHeaders.js"
import type { MessagesRequest } from "./Messages.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The body to send, and the (possibly edited) request it carries. */
const prepare = (
  config: ProviderConfig,
  mapModel: ModelMapper,
  request: UpstreamRequest,
  settings: Settings | undefined
): { readonly body: Uint8Array | string | undefined; readonly json: MessagesRequest | undefined } => {
  const json = request.json
  if (json === undefined) return { body: request.body, json }
  let edited = json
  let changed = false
  const model = mapModel(json.model)
  if (model !== json.model) [edited, changed] = [{ ...edited, model }, true]
  const stripped = Conversation.stripForeignThinking(edited)
  if (stripped !== undefined) [edited, changed] = [stripped, true]
  const clamped = Conversation.clampMaxTokens(edited, config.maxTokens)
  if (clamped !== undefined) [edited, changed] = [clamped, true]
  const stripCch = settings?.stripBillingCch ?? true
  if (changed || config.apiKey !== undefined) {
    const text = JSON.stringify(edited)
    return { body: (stripCch ? Conversation.stripBillingCch(text) : undefined) ?? text, json: edited }
  }
  if (!stripCch || request.body === undefined) return { body: request.body, json }
  const text = Conversation.stripBillingCch(request.bodyText ?? decoder.decode(request.body))
  return { body: text === undefined ? request.body : encoder.encode(text), json }
}

export const send = (config: ProviderConfig, mapModel: ModelMapper, settings: Settings | undefined) =>
(request: UpstreamRequest): Effect.Effect<UpstreamReply, ProviderError> => {
  const headers = config.apiKey !== undefined ? keyedAnthropicHeaders(request.headers, config) : forwardedHeaders(request.headers, config)
  const url = joinUrl(config.baseUrl, request.path, request.search)
  const noBody = request.method === "GET" || request.method === "HEAD"

  const attempt = (body: Uint8Array | string | undefined, json: MessagesRequest | undefined, repaired: boolean): Effect.Effect<UpstreamReply, ProviderError> =>
    fetchWithTimeout(config, url, { method: request.method, headers, ...(body === undefined || noBody ? {} : { body }) }, request.stream).pipe(
      Effect.flatMap((response): Effect.Effect<UpstreamReply, ProviderError> => {
        if (response.status === 400 && json !== undefined && !repaired) {
          // Read the (small) error to see whether the history can be repaired; answer it as read otherwise.
          return Effect.flatMap(readErrorBody(response), (text) => {
            const fixed = Conversation.rectifiable(text) ? Conversation.rectify(json) : undefined
            if (fixed !== undefined) {
              return Effect.logInfo("retrying once with the history repaired").pipe(
                Effect.zipRight(attempt(JSON.stringify(fixed), fixed, true))
              )
            }
            return Effect.succeed({ status: 400, headers: new Headers(response.headers), body: text })
          })
        }
        if (response.status < 400 || classify(config.name, response.status, response.headers, "") === undefined) {
          return Effect.succeed({ status: response.status, headers: new Headers(response.headers), body: response.body })
        }
        return Effect.flatMap(readErrorBody(response), (text) => Effect.fail(classify(config.name, response.status, response.headers, text)!))
      })
    )

  return Effect.suspend(() => {
    const { body, json } = prepare(config, mapModel, request, settings)
    return attempt(body, json, false)
  })
}
