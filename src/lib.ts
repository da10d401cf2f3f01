/**
 * The library entry, `import { … } from "claude-failover"`: the fallback chain, providers, the typed
 * errors, the config schemas, the format translators, the Anthropic message types and the admin
 * HttpApi definition, for use inside other Effect programs.
 *
 * Runtime-neutral: nothing reachable from here imports `cloudflare:*` or `node:*` (the unit tests
 * bundle this file for a neutral platform to prove it), so it runs wherever Effect and the web
 * platform globals (`fetch`, `Headers`, `ReadableStream`) do: Node, Bun, Deno, Workers.
 *
 * Modules with several operations are namespaces (`Chain.run`, `Provider.make`, `Health.layerMemory`,
 * `Reply.fromFailure`, `Admin.AdminApi`); schemas, error classes, translators and types are flat.
 */
import { MessageBody } from "./formats/anthropic/MessageBody.js"
import type { MessagesRequest } from "./formats/anthropic/Messages.js"
import type { UpstreamRequest } from "./Upstream.js"

// ------------------------------------------------------------------------------------------- chain

/** `Chain.run(providers, request, settings)`: walk the providers in order, with retries and breakers. */
export * as Chain from "./Chain.js"
export type { ChainFailure, ChainReply } from "./Chain.js"

// --------------------------------------------------------------------------------------- providers

/** `Provider.make(config, options)`, `Provider.layer`, the `Provider.Provider` tag, `Provider.classify`. */
export * as Provider from "./Provider.js"
export type { MakeOptions as ProviderOptions } from "./Provider.js"
export type { UpstreamReply, UpstreamRequest } from "./Upstream.js"
export { compileModels, type ModelMapper } from "./Config/Models.js"

/** The Anthropic HTTP answer for a chain's reply or failure: `Reply.fromReply`, `Reply.fromFailure`, `Reply.toResponse`. */
export * as Reply from "./Reply.js"

// -------------------------------------------------------------------------------------- key pools

/** A provider's key pool (`KeyPool.makePool`, `KeyPool.verdictOf`, `KeyPool.keyIdOf`), the walk over it
 * for one request (`KeyWalk.walk`), and the conversation affinity and rendezvous ranking it uses. */
export * as KeyPool from "./Pool/KeyPool.js"
export * as KeyWalk from "./Pool/KeyWalk.js"
export * as Rendezvous from "./Pool/Rendezvous.js"
export { affinityOf } from "./Pool/Affinity.js"

// ------------------------------------------------------------------------------------------ health

/** The `Health.Health` service `Chain.run` needs; `Health.layerMemory` keeps breakers in memory. */
export * as Health from "./Health/Health.js"
export type { ProviderHealth } from "./Health/Health.js"
export type { Admission, BreakerState, CircuitState, FailureInfo, LastError } from "./Health/Breaker.js"

// ------------------------------------------------------------------------------------------ errors

export {
  BadUpstreamResponse,
  clientErrorJson,
  InvalidRequest,
  Network,
  NoProvider,
  type ProviderError,
  RateLimited,
  retryAfterOf,
  Timeout,
  toClientError,
  Unauthorized,
  type UpstreamAnswer,
  Upstream5xx
} from "./Errors.js"

// ------------------------------------------------------------------------------------------ config

export {
  AccessToken,
  ConfigDocument,
  type ConfigDocumentEncoded,
  Cooldown,
  DEFAULT_DIRECT_HOSTS,
  defaultDocument,
  encode as encodeConfigDocument,
  Format as ProviderFormat,
  isLocalOnlyUrl,
  isPooled,
  PoolKey,
  ProviderConfig,
  Settings,
  StreamSettings,
  usesStoredCredential
} from "./Config/Document.js"
export { type ConfigIssue, validate, type ValidationOptions } from "./Config/Validation.js"

// ------------------------------------------------------------------------------------- translators

export { adapterFor } from "./formats/Adapters.js"
export {
  type FormatAdapter,
  type MappedError,
  type TranslateContext,
  type TranslateProvider,
  type Translation,
  TranslationError
} from "./formats/Format.js"
export { GeminiFormat } from "./formats/gemini/index.js"
export { OpenAiFormat } from "./formats/openai/index.js"
export { OpenAiResponsesFormat } from "./formats/responses/index.js"
export { encodeEvent, encodeEvents, SseParser, type SseEvent } from "./formats/Sse.js"
export { type StreamTranslator, toTransformStream, translateBody } from "./formats/StreamTranslator.js"

// -------------------------------------------------------------------------------- Anthropic shapes

export * from "./formats/anthropic/Messages.js"
export { MessageBody } from "./formats/anthropic/MessageBody.js"
export { scan as scanMessagesBody, type Scan as MessagesBodyScan } from "./formats/anthropic/BodyScan.js"

// ------------------------------------------------------------------------------------------- admin

/** `Admin.AdminApi` and its groups and schemas, for `HttpApiClient.make(AdminApi, { baseUrl })`. */
export * as Admin from "./Admin/Api.js"
export { AdminApi } from "./Admin/Api.js"

// ----------------------------------------------------------------------------------------- helpers

export interface UpstreamRequestOptions {
  /** sent to client-credential providers as they are (`x-api-key` or `authorization` among them) */
  readonly headers?: Headers | Readonly<Record<string, string>> | undefined
  readonly requestId?: string | undefined
  /** default `/v1/messages` */
  readonly path?: string | undefined
  /** the query string, e.g. `?beta=true`; default "" */
  readonly search?: string | undefined
}

/**
 * The request `Chain.run` and `Provider.send` take, for a Messages request built or decoded by the
 * caller: `content-type: application/json` and `anthropic-version: 2023-06-01` unless given.
 */
export const upstreamRequest = (json: MessagesRequest, options: UpstreamRequestOptions = {}): UpstreamRequest => {
  const headers = new Headers(options.headers)
  const body = new TextEncoder().encode(JSON.stringify(json))
  if (!headers.has("content-type")) headers.set("content-type", "application/json")
  if (!headers.has("anthropic-version")) headers.set("anthropic-version", "2023-06-01")
  return {
    requestId: options.requestId ?? `req_cfo_${crypto.randomUUID().replaceAll("-", "")}`,
    method: "POST",
    path: options.path ?? "/v1/messages",
    search: options.search ?? "",
    headers,
    body,
    message: new MessageBody(body, json),
    stream: json.stream === true
  }
}
