/**
 * How the proxy answers: an upstream reply streamed through with our headers added, or an
 * Anthropic-shaped error. Every answer carries `x-failover-provider` and `x-request-id`.
 */
import { HttpServerResponse } from "@effect/platform"
import type * as Chain from "./Chain.js"
import { Duration } from "effect"
import { clientErrorJson, type InvalidRequest, type NoProvider, type ProviderError, retryAfterOf, toClientError } from "./Errors.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import type { UpstreamReply } from "./Provider.js"

/** An answer before it becomes an HTTP response (the keep-alive stream needs to look inside). */
export interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: ReadableStream<Uint8Array> | string | null
}

const HOP_BY_HOP = new Set(["content-length", "connection", "keep-alive", "transfer-encoding"])
const JSON_TYPE = "application/json"

export const ownError = (error: NoProvider | InvalidRequest, requestId: string, extra: Record<string, string> = {}): Answer => {
  const e = toClientError(error)
  return {
    status: e.status,
    headers: { ...extra, "content-type": JSON_TYPE, "x-request-id": requestId, "x-failover-provider": "none" },
    body: JSON.stringify(errorBody(e.type, e.message, requestId))
  }
}

export const fromReply = (reply: UpstreamReply, provider: string, requestId: string, extra: Record<string, string>): Answer => {
  const headers: Record<string, string> = {}
  reply.headers.forEach((v, k) => {
    if (!HOP_BY_HOP.has(k)) headers[k] = v
  })
  Object.assign(headers, extra)
  headers["x-failover-provider"] = provider
  headers["x-request-id"] = requestId
  return { status: reply.status, headers, body: reply.body }
}

const isAnthropicError = (body: string): boolean => {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; error?: { type?: unknown } }
    return parsed.type === "error" && typeof parsed.error?.type === "string"
  } catch {
    return false // not JSON (an HTML error page, say)
  }
}

/** The status the client gets for the chain's last error: the upstream's own, unless it arrived inside
 * a 200 stream (then the status its error type stands for). */
export const failureStatus = (failure: Chain.ChainFailure): number => {
  const answer = "answer" in failure.error ? failure.error.answer : undefined
  return answer === undefined || answer.status < 400 ? clientErrorJson(failure.error as ProviderError, "").status : answer.status
}

/**
 * The upstream's safe headers, with `retry-after` in whole seconds as Anthropic sends it (Claude Code
 * reads it so): rounded up when the upstream gave a fraction, from `retry-after-ms` or the error's own
 * delay when it gave none.
 */
const retryAfterHeaders = (error: ProviderError, headers: Record<string, string>): Record<string, string> => {
  const given = headers["retry-after"]
  if (given !== undefined && /^\d+$/.test(given.trim())) return headers
  const seconds = given !== undefined && Number.isFinite(Number(given))
    ? Math.ceil(Number(given))
    : headers["retry-after-ms"] !== undefined && Number.isFinite(Number(headers["retry-after-ms"]))
    ? Math.ceil(Number(headers["retry-after-ms"]) / 1000)
    : (() => {
      const delay = retryAfterOf(error)
      return delay === undefined ? undefined : Math.ceil(Duration.toMillis(delay) / 1000)
    })()
  if (seconds === undefined) {
    if (given === undefined) return headers
    const { "retry-after": _dropped, ...rest } = headers // an HTTP date or garbage: not seconds
    return rest
  }
  return { ...headers, "retry-after": String(Math.max(0, seconds)) }
}

/** The last error of the chain as the client sees it: the upstream's own answer when it is Anthropic-shaped. */
export const fromFailure = (failure: Chain.ChainFailure, requestId: string, extra: Record<string, string>): Answer => {
  const answer = "answer" in failure.error ? failure.error.answer : undefined
  const own = clientErrorJson(failure.error as ProviderError, requestId)
  const status = failureStatus(failure)
  return {
    status,
    headers: { ...retryAfterHeaders(failure.error as ProviderError, answer?.headers ?? {}), ...extra, "content-type": JSON_TYPE, "x-failover-provider": failure.provider, "x-request-id": requestId },
    body: answer !== undefined && isAnthropicError(answer.body) ? answer.body : own.body
  }
}

/** As a web Response (the Worker's fast path). */
export const toWeb = (answer: Answer): Response => new Response(answer.body, { status: answer.status, headers: answer.headers })

/** As a platform response (router routes). */
export const toResponse = (answer: Answer) =>
  answer.body instanceof ReadableStream || answer.body === null
    ? HttpServerResponse.raw(answer.body, { status: answer.status, headers: answer.headers })
    : HttpServerResponse.text(answer.body, { status: answer.status, headers: answer.headers })
