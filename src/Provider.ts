/**
 * A provider: one upstream built from its config, with one operation, `send`, that either answers
 * (2xx, or a 4xx that is the client's own problem) or fails with a typed ProviderError that moves the
 * chain on. Anthropic-format providers pass bytes through; Bedrock and Vertex take the Anthropic body
 * with their own auth (formats/cloud); the others go through a FormatAdapter.
 */
import { Context, Effect, Layer } from "effect"
import { capabilitiesOf } from "./Capabilities/Capabilities.js"
import { isCloudFormat, type ProviderConfig, type Settings } from "./Config/Document.js"
import type { ModelMapper } from "./Config/Models.js"
import { BadUpstreamResponse, type ProviderError } from "./Errors.js"
import * as Passthrough from "./formats/anthropic/Passthrough.js"
import * as Cloud from "./formats/cloud/Cloud.js"
import type { FormatAdapter } from "./formats/Format.js"
import * as Translated from "./formats/Translated.js"
import * as StreamGate from "./StreamGate.js"
import * as Tracing from "./Tracing.js"
import type { UpstreamReply, UpstreamRequest } from "./Upstream.js"

export type { UpstreamReply, UpstreamRequest } from "./Upstream.js"
export { classify } from "./Upstream.js"

export class Provider extends Context.Tag("claude-failover/Provider")<Provider, {
  readonly name: string
  readonly config: ProviderConfig
  readonly send: (request: UpstreamRequest) => Effect.Effect<UpstreamReply, ProviderError>
}>() {}

export interface MakeOptions {
  readonly mapModel: ModelMapper
  /** the document's settings: stream gate timings (without them streams are not gated), cch stripping */
  readonly settings?: Settings | undefined
  /** the translator for translated providers (openai, openai-responses, gemini) */
  readonly adapter?: FormatAdapter | undefined
}

export const make = (config: ProviderConfig, options: MakeOptions): Provider["Type"] => {
  const send = config.format === "anthropic"
    ? Passthrough.send(config, options.mapModel, options.settings)
    : isCloudFormat(config.format)
    ? Cloud.send(config, options.mapModel)
    : options.adapter !== undefined
    ? Translated.send(config, options.mapModel, options.adapter, (model) => capabilitiesOf(config, model))
    : () => Effect.fail(new BadUpstreamResponse({ provider: config.name, reason: `no translator for ${config.format}` }))
  const stream = options.settings?.stream
  const gated = (request: UpstreamRequest) =>
    stream === undefined || !request.stream
      ? send(request)
      : Effect.flatMap(send(request), (reply) =>
        reply.status === 200 && reply.body instanceof ReadableStream &&
          (reply.headers.get("content-type") ?? "").includes("text/event-stream")
          ? Effect.map(
            StreamGate.gate(reply.body, {
              provider: config.name,
              firstEventTimeoutMs: stream.firstEventTimeoutMs,
              firstEventIdleMs: stream.firstEventIdleMs,
              idleTimeoutMs: stream.idleTimeoutMs
            }),
            (gated) => ({ ...reply, body: gated.body, usage: gated.usage })
          )
          : Effect.succeed(reply))
  return {
    name: config.name,
    config,
    send: (request) =>
      gated(request).pipe(Tracing.debugSpan("Provider.send", { attributes: { provider: config.name, format: config.format } }))
  }
}

export const layer = (config: ProviderConfig, options: MakeOptions) => Layer.succeed(Provider, make(config, options))
