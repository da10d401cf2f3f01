/**
 * How the proxy answers: an upstream reply streamed through with our headers added, or an
 * Anthropic-shaped error. Every answer carries `x-failover-provider` and `x-request-id`.
 */
import { HttpServerResponse } from "@effect/platform"
import type * as Chain from "./Chain.js"
import { clientErrorJson, type InvalidRequest, type NoProvider, type ProviderError, toClientError } from "./Errors.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import type { UpstreamReply } from "./Provider.js"

const HOP_BY_HOP = new Set(["content-length", "connection", "keep-alive", "transfer-encoding"])

export const ownError = (
  error: NoProvider | InvalidRequest,
  requestId: string,
  extra: Record<string, string> = {}
) => {
  const e = toClientError(error)
  return HttpServerResponse.text(JSON.stringify(errorBody(e.type, e.message, requestId)), {
    status: e.status,
    contentType: "application/json",
    headers: { ...extra, "x-request-id": requestId, "x-failover-provider": "none" }
  })
}

export const fromReply = (reply: UpstreamReply, provider: string, requestId: string, extra: Record<string, string>) => {
  const headers: Record<string, string> = {}
  reply.headers.forEach((v, k) => {
    if (!HOP_BY_HOP.has(k)) headers[k] = v
  })
  Object.assign(headers, extra)
  headers["x-failover-provider"] = provider
  headers["x-request-id"] = requestId
  return HttpServerResponse.raw(reply.body, { status: reply.status, headers })
}

const isAnthropicError = (body: string): boolean => {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; error?: { type?: unknown } }
    return parsed.type === "error" && typeof parsed.error?.type === "string"
  } catch {
    return false // not JSON (an HTML error page, say)
  }
}

/** The last error of the chain as the client sees it: the upstream's own answer when it is Anthropic-shaped. */
export const fromFailure = (failure: Chain.ChainFailure, requestId: string, extra: Record<string, string>) => {
  const answer = "answer" in failure.error ? failure.error.answer : undefined
  const own = clientErrorJson(failure.error as ProviderError, requestId)
  const headers = { ...(answer?.headers ?? {}), ...extra, "x-failover-provider": failure.provider, "x-request-id": requestId }
  const body = answer !== undefined && isAnthropicError(answer.body) ? answer.body : own.body
  return HttpServerResponse.text(body, { status: answer?.status ?? own.status, contentType: "application/json", headers })
}
