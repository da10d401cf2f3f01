/**
 * What a provider's refusal means for the chain, and which error the client gets when nothing served
 * the request. A fallback's 4xx (400, 404, 413, 422) is "this provider cannot serve this request": the
 * chain moves on; the first provider's is the caller's answer. When every provider failed, the most
 * useful error is the primary's own, unless every fallback had no room for the input: then Anthropic's
 * context-limit 400, which Claude Code acts on.
 */
import { Effect } from "effect"
import { CONTEXT_OVERFLOW, type ProviderError, Refused } from "./Errors.js"
import { errorBody } from "./formats/anthropic/Messages.js"
import { readErrorBody, type UpstreamReply } from "./Upstream.js"
import { safeAnswerHeaders } from "./UpstreamHeaders.js"

/** Statuses that say "this provider cannot serve this request" rather than "it is down". */
export const REFUSALS = new Set([400, 404, 413, 422])

/** A reply's body as text (a refusal is small; at most 64 KiB is read). */
const bodyText = (reply: UpstreamReply): Effect.Effect<string> =>
  typeof reply.body === "string" || reply.body === null
    ? Effect.succeed(reply.body ?? "")
    : readErrorBody(new Response(reply.body))

/** A fallback's 4xx, as the failure the chain moves on from (with its words kept for the trail). */
export const refusalOf = (provider: string, reply: UpstreamReply): Effect.Effect<Refused> =>
  Effect.map(bodyText(reply), (body) =>
    new Refused({
      provider,
      status: reply.status,
      answer: { status: reply.status, headers: safeAnswerHeaders(reply.headers), body },
      ...(CONTEXT_OVERFLOW.test(body) ? { overflow: true } : {})
    }))

/** The first provider's refusal is the caller's answer, as the upstream gave it. */
export const asReply = (e: Refused): UpstreamReply => ({
  status: e.status,
  headers: new Headers({ ...e.answer.headers, "content-type": "application/json" }),
  body: e.answer.body
})

/** Anthropic's context-limit 400, which Claude Code acts on (it compacts the conversation). */
export const contextLimit = (provider: string, unmet: { readonly input: number; readonly window: number }, maxTokens: number): Refused => {
  const body = JSON.stringify(errorBody("invalid_request_error", `input length and \`max_tokens\` exceed context limit: ${unmet.input} + ${maxTokens} > ${unmet.window}, decrease input length or \`max_tokens\` and try again`))
  return new Refused({ provider, status: 400, answer: { status: 400, headers: {}, body }, overflow: true })
}

/** Every provider was ruled out by what the request needs: the caller's 400, with each reason. */
export const noneCouldServe = (provider: string, ineligible: ReadonlyMap<string, string>): { provider: string; error: Refused } => {
  const reasons = [...ineligible].map(([name, why]) => `${name}: ${why}`).join("; ")
  const body = JSON.stringify(errorBody("invalid_request_error", `no provider in the chain can serve this request (${reasons})`))
  return { provider, error: new Refused({ provider, status: 400, answer: { status: 400, headers: {}, body } }) }
}

/**
 * The error the client gets when no provider served the request: the primary's own (its 529 or 429
 * with retry-after, which Claude Code retries), not a fallback's complaint about the translation;
 * except when every fallback that could be tried had no room for the input: then the context-limit
 * 400, which the client can act on.
 */
export const mostUseful = (failures: ReadonlyArray<{ readonly provider: string; readonly error: ProviderError; readonly index: number }>, contextSkip: Refused | undefined): { readonly provider: string; readonly error: ProviderError } | undefined => {
  const fallbacks = failures.filter((f) => f.index > 0)
  const overflowed = fallbacks.filter((f) => f.error._tag === "Refused" && f.error.overflow === true)
  const everyFallbackOverflowed = (fallbacks.length > 0 || contextSkip !== undefined) && overflowed.length === fallbacks.length
  if (everyFallbackOverflowed) {
    const first = overflowed[0]
    if (first !== undefined) return first
    return { provider: contextSkip!.provider, error: contextSkip! }
  }
  return failures[0]
}
