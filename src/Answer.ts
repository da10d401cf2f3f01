/**
 * A 200 that is not an answer is a provider failure. A non-streaming Messages call must come back as
 * a JSON message (count_tokens as a JSON count); a captive portal's HTML, a misconfigured gateway's
 * text or a reply cut short is a BadUpstreamResponse, and the chain fails over like from any other
 * failure. The answer is read whole (a non-streaming answer is whole anyway) and parsed once; the
 * request is not touched (the passthrough still sends its bytes unparsed).
 */
import { Effect } from "effect"
import { BadUpstreamResponse } from "./Errors.js"
import type { UpstreamReply, UpstreamRequest } from "./Upstream.js"
import * as UsageTap from "./UsageTap.js"

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Why this text is not the answer the route asks for (undefined when it is). */
export const notAnAnswer = (path: string, text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return text.trim() === "" ? "an empty body" : "a body that is not JSON"
  }
  if (!isObject(json)) return "JSON that is not an object"
  if (path === "/v1/messages/count_tokens") return typeof json["input_tokens"] === "number" ? undefined : "no input_tokens"
  if (path === "/v1/messages") return json["type"] === "message" && Array.isArray(json["content"]) ? undefined : "JSON that is not a message"
  return undefined
}

export const checked = (provider: string, request: UpstreamRequest, reply: UpstreamReply): Effect.Effect<UpstreamReply, BadUpstreamResponse> =>
  Effect.flatMap(
    Effect.tryPromise({
      try: () => typeof reply.body === "string" ? Promise.resolve(reply.body) : new Response(reply.body).text(),
      catch: () => new BadUpstreamResponse({ provider, reason: "the answer broke off" })
    }),
    (text) => {
      const why = notAnAnswer(request.path, text)
      if (why !== undefined) return Effect.fail(new BadUpstreamResponse({ provider, reason: `200 with ${why}` }))
      return Effect.succeed({ ...reply, body: text, usage: reply.usage ?? Promise.resolve(UsageTap.fromText(text, text)) })
    }
  )
