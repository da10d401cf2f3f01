/**
 * The contract between the proxy and a format translator (openai, openai-responses, gemini). A translator is pure: it
 * turns an Anthropic Messages request into one upstream HTTP request, and the upstream's answer back
 * into Anthropic's shapes. It never fetches, never retries and never decides about failover — the
 * provider chain does that from the HTTP status.
 */
import { type Capabilities, capabilitiesOf } from "../Capabilities/Capabilities.js"
import type { ErrorType, MessageResponse, MessagesRequest } from "./anthropic/Messages.js"
import type { StreamTranslator } from "./StreamTranslator.js"

/** The provider fields a translator may read (a subset of the config document's provider). */
export interface TranslateProvider {
  readonly name: string
  readonly baseUrl: string
  readonly apiKey?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** clamp max_tokens to this */
  readonly maxTokens?: number | undefined
  /** openai: which field carries the token limit (default "max_tokens") */
  readonly tokenField?: "max_tokens" | "max_completion_tokens" | undefined
  /** openai: echo thinking back as `reasoning_content` (DeepSeek requires it on tool-call turns);
   * openai-responses: ask for reasoning summaries (OpenAI wants a verified organisation for them) */
  readonly reasoning?: {
    readonly echo?: boolean | undefined
    readonly summary?: "auto" | "concise" | "detailed" | undefined
  } | undefined
}

export interface TranslateContext {
  readonly provider: TranslateProvider
  /** the model name after the provider's `models` map */
  readonly model: string
  /** what this provider and model take (the chain passes it; without it, the catalogue's word) */
  readonly capabilities?: Capabilities | undefined
}

/** The context's capabilities, or the catalogue's for this format and model (with the provider's
 * older `maxTokens` / `tokenField`) when the caller gave none. */
export const capabilitiesIn = (ctx: TranslateContext, format: FormatAdapter["format"]): Capabilities =>
  ctx.capabilities ?? capabilitiesOf({ format, maxTokens: ctx.provider.maxTokens, tokenField: ctx.provider.tokenField, capabilities: undefined }, ctx.model)

/** Raised by a translator when the upstream answered 2xx with something it cannot translate. */
export class TranslationError extends Error {
  readonly _tag = "TranslationError"
}

export interface Translation {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string
  /** whether the client asked for a stream (the upstream is asked the same) */
  readonly stream: boolean
  /** A 2xx non-streaming upstream body (parsed JSON) -> Anthropic message. Throws TranslationError. */
  readonly response: (json: unknown) => MessageResponse
  /**
   * A 2xx streaming upstream body -> Anthropic SSE bytes, chunk by chunk (run by `translateBody`).
   * Upstream errors and garbage inside the stream become an `event: error` frame; the stream never
   * ends silently without message_stop or error.
   */
  readonly streamTranslator: () => StreamTranslator
  /** The same translation as a TransformStream, for code that pipes. */
  readonly streamResponse: () => TransformStream<Uint8Array, Uint8Array>
}

export interface MappedError {
  readonly type: ErrorType
  readonly message: string
  /** a 429 that waiting does not cure (no credit left): fail over without retrying */
  readonly exhausted?: boolean
}

export interface FormatAdapter {
  readonly format: "openai" | "openai-responses" | "gemini"
  readonly translate: (request: MessagesRequest, ctx: TranslateContext) => Translation
  /** An upstream error answer (non-2xx status and its body text) -> Anthropic error type and message. */
  readonly mapError: (status: number, bodyText: string, request: MessagesRequest) => MappedError
}
