/**
 * Sending to an Anthropic-format provider. The caller's bytes go as they are, unparsed, with only
 * what must change edited in the bytes: a mapped model (spliced) and, for a third-party provider when
 * `settings.stripBillingCch` asks, the volatile `cch=` of Claude Code's attribution block (removed in
 * place). An Anthropic-run endpoint always gets the attribution block unchanged: it removes the block
 * itself when it arrives as sent, and an edited one would reach the model and the cache key. Only what the bytes cannot take goes through
 * a parse: thinking blocks another provider made (Anthropic would answer 400 "Invalid signature"), a
 * clamped max_tokens, a body the scan could not read. A keyed provider gets the same body with only
 * allow-listed headers. A 400 that blames the history (signatures, thinking budget, unanswered
 * tool_use) is retried once with the history repaired.
 */
import { Effect, Either } from "effect"
import { baseUrlOf, isAnthropicRun, type ProviderConfig, type Settings } from "../../Config/Document.js"
import type { ModelMapper } from "../../Config/Models.js"
import * as Conversation from "../../Conversation.js"
import type { InvalidRequest, ProviderError } from "../../Errors.js"
import { classify, fetchWithTimeout, invalidReply, joinUrl, readErrorBody, type UpstreamReply, type UpstreamRequest } from "../../Upstream.js"
import { forwardedHeaders, keyedAnthropicHeaders } from "../../UpstreamHeaders.js"
import { stripBillingCch } from "./MessageBody.js"
import type { MessagesRequest } from "./Messages.js"

/** Whether this provider gets the attribution block's `cch=` removed: only a third party, only when asked. */
const stripsCch = (config: ProviderConfig, settings: Settings | undefined): boolean =>
  settings?.stripBillingCch === true && !isAnthropicRun(config)

/** The body to send: the caller's bytes (edited in place or spliced), or the edited request re-serialised. */
const prepare = (
  config: ProviderConfig,
  mapModel: ModelMapper,
  request: UpstreamRequest,
  settings: Settings | undefined
): Either.Either<Uint8Array | string | undefined, InvalidRequest> => {
  const message = request.message
  if (message === undefined) return Either.right(request.body)
  const stripCch = stripsCch(config, settings)
  const scan = message.scan
  const bytes = () => {
    if (stripCch) message.stripBillingCch()
    const model = mapModel(scan!.model)
    return model === scan!.model ? message.bytes : message.withModel(model)
  }
  // The byte path: nothing in the body needs more than the scan found.
  if (scan !== undefined && !scan.foreignThinking && config.maxTokens === undefined) return Either.right(bytes())

  return Either.map(message.parse(), (json) => {
    let edited = json
    let changed = false
    const stripped = Conversation.stripForeignThinking(edited)
    if (stripped !== undefined) [edited, changed] = [stripped, true]
    const clamped = Conversation.clampMaxTokens(edited, config.maxTokens)
    if (clamped !== undefined) [edited, changed] = [clamped, true]
    // The signature bytes were a false alarm and nothing else changes: the bytes can still go.
    if (!changed && scan !== undefined) return bytes()
    const model = mapModel(json.model)
    if (model !== json.model) [edited, changed] = [{ ...edited, model }, true]
    const noCch = stripCch ? stripBillingCch(edited) : undefined
    if (noCch !== undefined) [edited, changed] = [noCch, true]
    return changed ? JSON.stringify(edited) : message.bytes
  })
}

export const send = (config: ProviderConfig, mapModel: ModelMapper, settings: Settings | undefined) =>
(request: UpstreamRequest): Effect.Effect<UpstreamReply, ProviderError> => {
  const headers = config.apiKey !== undefined ? keyedAnthropicHeaders(request.headers, config) : forwardedHeaders(request.headers, config)
  const url = joinUrl(baseUrlOf(config), request.path, request.search)
  const noBody = request.method === "GET" || request.method === "HEAD"

  const attempt = (body: Uint8Array | string | undefined, repaired: boolean): Effect.Effect<UpstreamReply, ProviderError> =>
    fetchWithTimeout(config, url, { method: request.method, headers, ...(body === undefined || noBody ? {} : { body }) }, request.stream).pipe(
      Effect.flatMap((response): Effect.Effect<UpstreamReply, ProviderError> => {
        if (response.status === 400 && request.message !== undefined && !repaired) {
          // Read the (small) error to see whether the history can be repaired; answer it as read otherwise.
          return Effect.flatMap(readErrorBody(response), (text) => {
            const parsed = Conversation.rectifiable(text) ? request.message!.parse() : undefined
            const fixed = parsed !== undefined && Either.isRight(parsed) ? repair(parsed.right, config, mapModel, settings) : undefined
            if (fixed !== undefined) {
              return Effect.logInfo("retrying once with the history repaired").pipe(Effect.zipRight(attempt(fixed, true)))
            }
            return Effect.succeed({ status: 400, headers: new Headers(response.headers), body: text })
          })
        }
        if (response.status < 400 || classify(config.name, response.status, response.headers, "") === undefined) {
          // The upstream's headers as they are (only read from here on): no copy per request.
          return Effect.succeed({ status: response.status, headers: response.headers, body: response.body })
        }
        return Effect.flatMap(readErrorBody(response), (text) => Effect.fail(classify(config.name, response.status, response.headers, text)!))
      })
    )

  return Effect.suspend(() =>
    Either.match(prepare(config, mapModel, request, settings), {
      onLeft: (invalid) => Effect.succeed(invalidReply(invalid)),
      onRight: (body) => attempt(body, false)
    })
  )
}

/** The request with its history repaired (and this provider's edits), serialised; undefined if nothing to repair. */
const repair = (json: MessagesRequest, config: ProviderConfig, mapModel: ModelMapper, settings: Settings | undefined): string | undefined => {
  const fixed = Conversation.rectify(Conversation.clampMaxTokens(json, config.maxTokens) ?? json)
  if (fixed === undefined) return undefined
  const model = mapModel(fixed.model)
  const edited = model === fixed.model ? fixed : { ...fixed, model }
  return JSON.stringify(stripsCch(config, settings) ? stripBillingCch(edited) ?? edited : edited)
}
