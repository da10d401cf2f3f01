/**
 * One HTTP exchange with an upstream: the request as the client sent it (read once), the reply as
 * it streams back, the timeout to response headers, and the status -> typed error classification
 * that decides failover.
 */
import { Effect } from "effect"
import type { ProviderConfig } from "./Config/Document.js"
import { Network, type ProviderError, RateLimited, Timeout, Unauthorized, type UpstreamAnswer, Upstream5xx } from "./Errors.js"
import type { MessageBody } from "./formats/anthropic/MessageBody.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import type { InvalidRequest } from "./Errors.js"
import { retryAfterFrom } from "./RetryAfter.js"
import { safeAnswerHeaders } from "./UpstreamHeaders.js"
import type { TokenUsage } from "./UsageTap.js"

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
  /** the same bytes as a Messages request (/v1/messages and count_tokens): scanned, parsed at most once */
  readonly message: MessageBody | undefined
  readonly stream: boolean
  /** the caller's credential as an id (a salted hash, never the credential), when a provider that
   * forwards it may serve the request: cooldowns are kept per credential */
  readonly credential?: string | undefined
  /** who is calling, for a key pool's affinity when the request names no session: the access token
   * (only hashed into the affinity, never sent or logged); the chain falls back to `credential` */
  readonly caller?: string | undefined
}

/** What a provider answered; the body is streamed, never buffered. */
export interface UpstreamReply {
  readonly status: number
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | string | null
  /** token usage, once the answer has been read to its end (when it says) */
  readonly usage?: Promise<TokenUsage | undefined> | undefined
  /** the proxy's own answer about the request itself (it cannot be read): no provider would differ */
  readonly final?: boolean | undefined
}

/** A request the proxy cannot read, answered as Anthropic would (a 400 goes back to the client, no failover). */
export const invalidReply = (error: InvalidRequest): UpstreamReply => ({
  status: error.status,
  headers: new Headers({ "content-type": "application/json" }),
  body: JSON.stringify(errorBody("invalid_request_error", error.reason)),
  final: true
})

const MAX_ERROR_BODY = 64 * 1024

export const readErrorBody = (response: Response): Effect.Effect<string> =>
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

export const joinUrl = (baseUrl: string, path: string, search: string) => `${baseUrl.replace(/\/+$/, "")}${path}${search}`

/**
 * The fetch, bounded by the time to response headers. One timer and one AbortController, no fiber:
 * this runs on every attempt of every request. An interruption (the client went away) aborts the fetch.
 */
export const fetchWithTimeout = (provider: ProviderConfig, url: string, init: RequestInit, stream: boolean): Effect.Effect<Response, Network | Timeout> => {
  const afterMs = stream ? provider.timeoutMs : provider.nonStreamingTimeoutMs
  return Effect.async<Response, Network | Timeout>((resume) => {
    const controller = new AbortController()
    let done = false
    // Only the time to response headers is bounded; a stream may then run for as long as it runs.
    const timer = setTimeout(() => {
      done = true
      controller.abort()
      resume(Effect.fail(new Timeout({ provider: provider.name, afterMs })))
    }, afterMs)
    fetch(url, { ...init, signal: controller.signal }).then(
      (response) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resume(Effect.succeed(response))
      },
      (cause: unknown) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resume(Effect.fail(new Network({ provider: provider.name, reason: cause instanceof Error ? cause.message : String(cause) })))
      }
    )
    return Effect.sync(() => {
      if (done) return
      done = true
      clearTimeout(timer)
      controller.abort()
    })
  })
}
