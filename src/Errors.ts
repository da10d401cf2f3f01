/**
 * The public error union. Provider errors decide failover (every one of them moves the chain on);
 * each knows the Anthropic error it becomes when it is the last word the client gets.
 */
import { Duration, Schema } from "effect"
import { errorBody, type ErrorType, errorTypeForStatus } from "./formats/anthropic/Messages.js"

/** What an upstream answered, kept so the final error can repeat it (status, safe headers, body). */
const UpstreamAnswer = Schema.Struct({
  status: Schema.Number,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.String
})
export type UpstreamAnswer = typeof UpstreamAnswer.Type

const common = { provider: Schema.String, answer: Schema.optional(UpstreamAnswer) }

/** How a provider says the input does not fit: Anthropic's own words, and the ones translations and
 * other APIs use (a Responses stream's context_length_exceeded, OpenAI's "maximum context length"). */
export const CONTEXT_OVERFLOW = /exceed context limit|prompt is too long|context_length_exceeded|maximum context length|exceeds the context window|input is too long|too many tokens/i

/** 429 (and Gemini RESOURCE_EXHAUSTED). `retryAfter` is what the upstream asked for, if anything;
 * `exhausted` says no wait will help (OpenAI's `insufficient_quota`: no credit left). */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...common,
  retryAfter: Schema.optional(Schema.DurationFromMillis),
  exhausted: Schema.optional(Schema.Boolean)
}) {
  override get message() {
    return `${this.provider}: rate limited`
  }
}

/** 401/403: a bad or missing credential. `reason` says what was wrong with it, when known (never the secret). */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  ...common,
  status: Schema.Number,
  reason: Schema.optional(Schema.String)
}) {
  override get message() {
    return `${this.provider}: unauthorized (${this.status})${this.reason === undefined ? "" : `: ${this.reason}`}`
  }
}

/** Any 5xx, 529 overloaded included. */
export class Upstream5xx extends Schema.TaggedError<Upstream5xx>()("Upstream5xx", {
  ...common,
  status: Schema.Number,
  retryAfter: Schema.optional(Schema.DurationFromMillis)
}) {
  override get message() {
    return `${this.provider}: upstream ${this.status}`
  }
}

/** No response headers (or no first stream event) in time. */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  provider: Schema.String,
  afterMs: Schema.Number
}) {
  override get message() {
    return `${this.provider}: no response within ${this.afterMs} ms`
  }
}

/** The connection failed (refused, reset, DNS, TLS). */
export class Network extends Schema.TaggedError<Network>()("Network", {
  provider: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.provider}: network error: ${this.reason}`
  }
}

/** A 2xx answer that could not be translated (garbage instead of a completion). */
export class BadUpstreamResponse extends Schema.TaggedError<BadUpstreamResponse>()("BadUpstreamResponse", {
  provider: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.provider}: unusable response: ${this.reason}`
  }
}

/**
 * A 4xx that says "this provider cannot serve this request" (400, 404, 413, 422, or an in-band
 * request error before the stream committed). From the first provider it is the caller's answer; from
 * a fallback the chain moves on. `overflow`: the input does not fit the model's context window.
 */
export class Refused extends Schema.TaggedError<Refused>()("Refused", {
  provider: Schema.String,
  status: Schema.Number,
  answer: UpstreamAnswer,
  overflow: Schema.optional(Schema.Boolean)
}) {
  override get message() {
    return `${this.provider}: refused the request (${this.status})${this.overflow === true ? ": context window exceeded" : ""}`
  }
}

export type ProviderError = RateLimited | Unauthorized | Upstream5xx | Timeout | Network | BadUpstreamResponse | Refused

/** No provider in the chain could take the request (all filtered out). */
export class NoProvider extends Schema.TaggedError<NoProvider>()("NoProvider", {
  reason: Schema.String,
  status: Schema.Number
}) {}

/** The request itself is wrong; answered locally, no upstream is called. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  status: Schema.Number,
  errorType: Schema.String,
  reason: Schema.String,
  /** for a refused request the client may repeat later (a quota) */
  retryAfterSeconds: Schema.optional(Schema.Number)
}) {}

/** The status and Anthropic error body the client gets for an error the proxy produced itself. */
export const toClientError = (
  error: ProviderError | NoProvider | InvalidRequest
): { status: number; type: ErrorType; message: string } => {
  switch (error._tag) {
    case "RateLimited":
      return { status: 429, type: "rate_limit_error", message: error.message }
    case "Unauthorized":
      return {
        status: error.status,
        type: error.status === 403 ? "permission_error" : "authentication_error",
        message: error.message
      }
    case "Upstream5xx":
      return {
        status: error.status,
        type: error.status === 529 || error.status === 503 ? "overloaded_error" : "api_error",
        message: error.message
      }
    case "Timeout":
      return { status: 504, type: "timeout_error", message: error.message }
    case "Network":
      return { status: 502, type: "api_error", message: error.message }
    case "BadUpstreamResponse":
      return { status: 502, type: "api_error", message: error.message }
    case "Refused":
      return { status: error.status, type: errorTypeForStatus(error.status), message: error.message }
    case "NoProvider":
      return {
        status: error.status,
        type: error.status === 401 ? "authentication_error" : "api_error",
        message: error.reason
      }
    case "InvalidRequest":
      return { status: error.status, type: error.errorType as ErrorType, message: error.reason }
  }
}

export const clientErrorJson = (
  error: ProviderError | NoProvider | InvalidRequest,
  requestId: string
): { status: number; body: string } => {
  const e = toClientError(error)
  return { status: e.status, body: JSON.stringify(errorBody(e.type, e.message, requestId)) }
}

export const retryAfterOf = (error: ProviderError): Duration.Duration | undefined =>
  error._tag === "RateLimited" || error._tag === "Upstream5xx" ? error.retryAfter : undefined
