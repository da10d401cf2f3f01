/**
 * A provider: one upstream built from its config, with one operation, `send`, that either answers
 * (2xx, or a 4xx that is the client's own problem) or fails with a typed ProviderError that moves the
 * chain on. Anthropic-format providers pass bytes through; Bedrock and Vertex take the Anthropic body
 * with their own auth (formats/cloud); the others go through a FormatAdapter.
 */
import { Context, Effect, Layer } from "effect"
import type { LearnedFacts } from "./Capabilities/Capabilities.js"
import * as Answer from "./Answer.js"
import type { Fact } from "./Capabilities/Learned.js"
import { isCloudFormat, type ProviderConfig, type Settings } from "./Config/Document.js"
import type { ModelMapper } from "./Config/Models.js"
import { BadUpstreamResponse, type ProviderError } from "./Errors.js"
import * as Passthrough from "./formats/anthropic/Passthrough.js"
import * as Cloud from "./formats/cloud/Cloud.js"
import { type KeyPool, makePool } from "./Pool/KeyPool.js"
import type { FormatAdapter } from "./formats/Format.js"
import * as Translated from "./formats/Translated.js"
import * as StreamGate from "./StreamGate.js"
import * as Tracing from "./Tracing.js"
import type { UpstreamReply, UpstreamRequest } from "./Upstream.js"

export type { UpstreamReply, UpstreamRequest } from "./Upstream.js"
export { classify } from "./Upstream.js"

/** What the chain tells a provider for one attempt: what its 400s taught, and how to remember more. */
export interface AttemptHints {
  /** refused parameters and betas learned for a model (the model after the provider's map) */
  readonly learned: (model: string) => LearnedFacts | undefined
  /** a 400 named a refused parameter or beta: remember it (the provider sends again once without it) */
  readonly learn: (model: string, fact: Fact) => Effect.Effect<void>
}

export const NO_HINTS: AttemptHints = { learned: () => undefined, learn: () => Effect.void }

export class Provider extends Context.Tag("claude-failover/Provider")<Provider, {
  readonly name: string
  readonly config: ProviderConfig
  /** the provider's model map (the client's model name when absent) */
  readonly mapModel?: ModelMapper | undefined
  readonly send: (request: UpstreamRequest, hints?: AttemptHints) => Effect.Effect<UpstreamReply, ProviderError>
  /** a pool of keys (config `keys`): the chain sends through one of these, not `send` */
  readonly pool?: KeyPool<PooledProvider> | undefined
}>() {}

/** A pooled key's provider: the same provider with that key in place. */
export interface PooledProvider {
  readonly name: string
  readonly config: ProviderConfig
  readonly send: (request: UpstreamRequest, hints?: AttemptHints) => Effect.Effect<UpstreamReply, ProviderError>
}

export interface MakeOptions {
  readonly mapModel: ModelMapper
  /** the document's settings: stream gate timings (without them streams are not gated), cch stripping */
  readonly settings?: Settings | undefined
  /** the translator for translated providers (openai, openai-responses, gemini) */
  readonly adapter?: FormatAdapter | undefined
}

export const make = (config: ProviderConfig, options: MakeOptions): Provider["Type"] => {
  const pool = makePool(config, (variant) => makeOne(variant, options))
  // A pool's own face (model list, test, non-key calls) is its first key's provider, already built.
  const one = pool?.keys[0]?.provider ?? makeOne(config, options)
  return { ...one, config, mapModel: options.mapModel, pool }
}

const makeOne = (config: ProviderConfig, options: MakeOptions): PooledProvider => {
  const send: (request: UpstreamRequest, hints: AttemptHints) => Effect.Effect<UpstreamReply, ProviderError> = config.format === "anthropic"
    ? Passthrough.send(config, options.mapModel, options.settings)
    : isCloudFormat(config.format)
    ? Cloud.send(config, options.mapModel)
    : options.adapter !== undefined
    ? Translated.send(config, options.mapModel, options.adapter)
    : () => Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `no translator for ${config.format}` }))
  const stream = options.settings?.stream
  // Translated and cloud answers are parsed (and checked) where they are read; Anthropic-format
  // answers pass as bytes, so they are checked here.
  const checked = config.format === "anthropic"
  const answered = (request: UpstreamRequest, hints: AttemptHints) =>
    Effect.flatMap(send(request, hints), (reply): Effect.Effect<UpstreamReply, ProviderError> => {
      if (reply.status !== 200) return Effect.succeed(reply)
      if (request.stream && stream !== undefined) {
        // Whatever its content-type: JSON or an HTML page instead of events never commits the gate.
        if (!(reply.body instanceof ReadableStream)) {
          return Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: "a streaming request answered without a stream" }))
        }
        return Effect.map(
          StreamGate.gate(reply.body, {
            provider: config.name,
            firstEventTimeoutMs: stream.firstEventTimeoutMs,
            firstEventIdleMs: stream.firstEventIdleMs,
            idleTimeoutMs: stream.idleTimeoutMs
          }),
          (gated) => ({ ...reply, body: gated.body, usage: gated.usage })
        )
      }
      return checked && !request.stream && request.message !== undefined ? Answer.checked(config.name, request, reply) : Effect.succeed(reply)
    })
  return {
    name: config.name,
    config,
    send: (request, hints = NO_HINTS) =>
      answered(request, hints).pipe(Tracing.debugSpan("Provider.send", { attributes: { provider: config.name, format: config.format } }))
  }
}

export const layer = (config: ProviderConfig, options: MakeOptions) => Layer.succeed(Provider, make(config, options))
