/**
 * Sending to an Anthropic-format provider. The caller's bytes go as they are, unparsed, with only
 * what must change edited in the bytes: a mapped model (spliced) and, for a third-party provider when
 * `settings.stripBillingCch` asks, the volatile `cch=` of Claude Code's attribution block (removed in
 * place). An Anthropic-run endpoint always gets the attribution block unchanged: it removes the block
 * itself when it arrives as sent, and an edited one would reach the model and the cache key. Only
 * what the bytes cannot take goes through a parse: thinking blocks another provider made (Anthropic
 * would answer 400 "Invalid signature"), a clamped max_tokens, parameters the provider refused, system
 * messages it takes only first, a body the scan could not read. A keyed provider gets the protocol's
 * headers only. A 400 is answered once more: without the parameter or beta it names as refused
 * (remembered for the next requests), or with the history repaired when it blames the history
 * (signatures, thinking budget, unanswered tool_use).
 */
import { Effect, Either } from "effect"
import { baseUrlOf, isAnthropicRun, type ProviderConfig, type Settings } from "../../Config/Document.js"
import type { ModelMapper } from "../../Config/Models.js"
import * as Conversation from "../../Conversation.js"
import type { LearnedFacts } from "../../Capabilities/Capabilities.js"
import { refusedIn } from "../../Capabilities/Learned.js"
import type { InvalidRequest, ProviderError } from "../../Errors.js"
import type { AttemptHints } from "../../Provider.js"
import { classify, fetchWithTimeout, invalidReply, joinUrl, readErrorBody, type UpstreamReply, type UpstreamRequest } from "../../Upstream.js"
import { forwardedHeaders, keyedAnthropicHeaders } from "../../UpstreamHeaders.js"
import { stripBillingCch } from "./MessageBody.js"
import type { MessagesRequest } from "./Messages.js"
import { foldSystemMessages, withoutBetas, withoutParams } from "./Shape.js"

/** Whether this provider gets the attribution block's `cch=` removed: only a third party, only when asked. */
const stripsCch = (config: ProviderConfig, settings: Settings | undefined): boolean =>
  settings?.stripBillingCch === true && !isAnthropicRun(config)

/**
 * What this provider takes, from its own config and its 400s only: the catalogue has nothing to say
 * about an Anthropic-format provider that Anthropic does not check itself, and reading it would cost
 * the byte path a lookup per request.
 */
interface Fit {
  readonly maxOutput: number | undefined
  readonly systemAnywhere: boolean
  readonly refusedParams: ReadonlySet<string>
  readonly refusedBetas: ReadonlySet<string>
}

const NOTHING: ReadonlySet<string> = new Set()
const fitOf = (config: ProviderConfig, learned: LearnedFacts | undefined): Fit => {
  const c = config.capabilities
  const set = (a: ReadonlyArray<string> | undefined, b: ReadonlyArray<string> | undefined) =>
    (a?.length ?? 0) + (b?.length ?? 0) === 0 ? NOTHING : new Set([...(a ?? []), ...(b ?? [])])
  return {
    maxOutput: c?.maxOutput ?? config.maxTokens,
    systemAnywhere: c?.systemAnywhere ?? true,
    refusedParams: set(c?.refusedParams, learned?.params),
    refusedBetas: set(c?.refusedBetas, learned?.betas)
  }
}

/** The edits a parsed body needs for this provider (undefined: none). */
const shaped = (json: MessagesRequest, fit: Fit): MessagesRequest | undefined => {
  let edited: MessagesRequest | undefined
  const apply = (f: (r: MessagesRequest) => MessagesRequest | undefined) => {
    const next = f(edited ?? json)
    if (next !== undefined) edited = next
  }
  // Another provider's thinking cannot be verified by Claude anywhere; a clamp keeps the turn valid.
  apply(Conversation.stripForeignThinking)
  apply((r) => Conversation.clampMaxTokens(r, fit.maxOutput))
  if (fit.refusedParams.size > 0) apply((r) => withoutParams(r, fit.refusedParams))
  if (!fit.systemAnywhere) apply(foldSystemMessages)
  return edited
}

/** The body to send: the caller's bytes (edited in place or spliced), or the edited request re-serialised. */
const prepare = (
  config: ProviderConfig,
  mapModel: ModelMapper,
  request: UpstreamRequest,
  settings: Settings | undefined,
  fit: Fit
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
  const needsParse = fit.maxOutput !== undefined || fit.refusedParams.size > 0 || !fit.systemAnywhere
  if (scan !== undefined && !scan.foreignThinking && !needsParse) return Either.right(bytes())

  return Either.map(message.parse(), (json) => {
    const edited = shaped(json, fit)
    // The signature bytes were a false alarm and nothing else changes: the bytes can still go.
    if (edited === undefined && scan !== undefined) return bytes()
    return serialise(edited ?? json, mapModel, stripCch, edited !== undefined) ?? message.bytes
  })
}

/** The request with this provider's model and cch edit, as JSON text; undefined when neither changes it and nothing else did. */
const serialise = (json: MessagesRequest, mapModel: ModelMapper, stripCch: boolean, changed = true): string | undefined => {
  const model = mapModel(json.model)
  let edited = model === json.model ? json : { ...json, model }
  const noCch = stripCch ? stripBillingCch(edited) : undefined
  if (noCch !== undefined) edited = noCch
  return changed || edited !== json ? JSON.stringify(edited) : undefined
}

export const send = (config: ProviderConfig, mapModel: ModelMapper, settings: Settings | undefined) =>
(request: UpstreamRequest, hints: AttemptHints): Effect.Effect<UpstreamReply, ProviderError> => {
  const url = joinUrl(baseUrlOf(config), request.path, request.search)
  const noBody = request.method === "GET" || request.method === "HEAD"
  const clientModel = request.message?.scan?.model
  const model = clientModel === undefined ? undefined : mapModel(clientModel)
  const fit0 = fitOf(config, model === undefined ? undefined : hints.learned(model))

  const headersFor = (fit: Fit) => {
    const headers = config.apiKey !== undefined ? keyedAnthropicHeaders(request.headers, config) : forwardedHeaders(request.headers, config)
    withoutBetas(headers, fit.refusedBetas)
    return headers
  }

  /** One call; a 400 may be answered once more: without what it named as refused, or with the history repaired. */
  const attempt = (body: Uint8Array | string | undefined, fit: Fit, retried: boolean): Effect.Effect<UpstreamReply, ProviderError> =>
    fetchWithTimeout(config, url, { method: request.method, headers: headersFor(fit), ...(body === undefined || noBody ? {} : { body }) }, request.stream).pipe(
      Effect.flatMap((response): Effect.Effect<UpstreamReply, ProviderError> => {
        if (response.status === 400 && request.message !== undefined && !retried) {
          // Read the (small) error to see whether it names what to leave out or blames the history.
          return Effect.flatMap(readErrorBody(response), (text) => retryAfter400(text, fit, response.headers))
        }
        if (response.status < 400 || classify(config.name, response.status, response.headers, "") === undefined) {
          // The upstream's headers as they are (only read from here on): no copy per request.
          return Effect.succeed({ status: response.status, headers: response.headers, body: response.body })
        }
        return Effect.flatMap(readErrorBody(response), (text) => Effect.fail(classify(config.name, response.status, response.headers, text)!))
      })
    )

  const retryAfter400 = (text: string, fit: Fit, headers: Headers): Effect.Effect<UpstreamReply, ProviderError> => {
    const answered = Effect.succeed<UpstreamReply>({ status: 400, headers: new Headers(headers), body: text })
    const parsed = request.message!.parse()
    if (Either.isLeft(parsed)) return answered
    const facts = refusedIn(text).filter((f) => !(f.kind === "param" ? fit.refusedParams : fit.refusedBetas).has(f.name))
    if (facts.length > 0) {
      const learnt = model ?? mapModel(parsed.right.model)
      const next: Fit = {
        ...fit,
        refusedParams: new Set([...fit.refusedParams, ...facts.filter((f) => f.kind === "param").map((f) => f.name)]),
        refusedBetas: new Set([...fit.refusedBetas, ...facts.filter((f) => f.kind === "beta").map((f) => f.name)])
      }
      const body = serialise(shaped(parsed.right, next) ?? parsed.right, mapModel, stripsCch(config, settings))
      return Effect.forEach(facts, (f) => hints.learn(learnt, f), { discard: true }).pipe(Effect.zipRight(attempt(body, next, true)))
    }
    const fixed = Conversation.rectifiable(text) ? repair(parsed.right, fit, mapModel, stripsCch(config, settings)) : undefined
    if (fixed === undefined) return answered
    return Effect.logInfo("retrying once with the history repaired").pipe(Effect.zipRight(attempt(fixed, fit, true)))
  }

  return Effect.suspend(() =>
    Either.match(prepare(config, mapModel, request, settings, fit0), {
      onLeft: (invalid) => Effect.succeed(invalidReply(invalid)),
      onRight: (body) => attempt(body, fit0, false)
    })
  )
}

/** The request with its history repaired (and this provider's edits), serialised; undefined if nothing to repair. */
const repair = (json: MessagesRequest, fit: Fit, mapModel: ModelMapper, stripCch: boolean): string | undefined => {
  const fixed = Conversation.rectify(shaped(json, fit) ?? json)
  return fixed === undefined ? undefined : serialise(fixed, mapModel, stripCch)
}
