/**
 * A Bedrock `invoke-with-response-stream` answer -> Anthropic SSE. Each `chunk` event carries one
 * Anthropic stream event (its JSON, base64-encoded), written out as Anthropic's own frame; the
 * `amazon-bedrock-invocationMetrics` Bedrock adds to `message_stop` is dropped. An exception frame
 * becomes an `event: error` of the matching Anthropic type (before the stream gate commits, the
 * chain fails over from it; after, the client sees it), and so does a corrupt frame or an end
 * before `message_stop`.
 */
import type { ErrorType } from "../anthropic/Messages.js"
import type { StreamTranslator } from "../StreamTranslator.js"
import { EventStreamDecoder, EventStreamError, type Frame } from "./EventStream.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Bedrock exception names (stream frames and `x-amzn-ErrorType`) -> Anthropic error types. */
export const bedrockErrorType = (name: string): ErrorType => {
  const n = name.toLowerCase()
  if (n.startsWith("throttling") || n.startsWith("toomanyrequests") || n.startsWith("servicequotaexceeded")) return "rate_limit_error"
  if (n.startsWith("serviceunavailable") || n.startsWith("modelnotready")) return "overloaded_error"
  if (n.startsWith("modeltimeout")) return "timeout_error"
  if (n.startsWith("validation")) return "invalid_request_error"
  if (n.startsWith("accessdenied")) return "permission_error"
  if (n.startsWith("unrecognizedclient") || n.startsWith("expiredtoken") || n.startsWith("invalidsignature")) return "authentication_error"
  if (n.startsWith("resourcenotfound")) return "not_found_error"
  return "api_error"
}

const errorFrame = (type: ErrorType, message: string): string =>
  `event: error\ndata: ${JSON.stringify({ type: "error", error: { type, message } })}\n\n`

const base64Bytes = (b64: string): Uint8Array => {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export const bedrockStreamTranslator = (): StreamTranslator => {
  const frames = new EventStreamDecoder()
  let done = false
  let stopped = false

  /** One frame's Anthropic text ("" when it has none). */
  const translate = (frame: Frame): string => {
    const kind = frame.headers[":message-type"]
    if (kind === "exception" || kind === "error") {
      const name = String(frame.headers[":exception-type"] ?? frame.headers[":error-code"] ?? "exception")
      let message = String(frame.headers[":error-message"] ?? "")
      try {
        const parsed = JSON.parse(decoder.decode(frame.payload)) as { message?: unknown; Message?: unknown }
        message = String(parsed.message ?? parsed.Message ?? message)
      } catch {
        // the header's message, or the name alone
      }
      done = true
      return errorFrame(bedrockErrorType(name), `Bedrock ${name}${message === "" ? "" : `: ${message}`}`)
    }
    if (kind !== "event" || frame.headers[":event-type"] !== "chunk") return ""
    const { bytes } = JSON.parse(decoder.decode(frame.payload)) as { bytes?: unknown }
    if (typeof bytes !== "string") return ""
    const text = decoder.decode(base64Bytes(bytes))
    const event = JSON.parse(text) as { type?: unknown; [key: string]: unknown }
    if (typeof event.type !== "string") return ""
    if (event.type === "message_stop") {
      stopped = true
      done = true
      if ("amazon-bedrock-invocationMetrics" in event) {
        const { "amazon-bedrock-invocationMetrics": _, ...rest } = event
        return `event: message_stop\ndata: ${JSON.stringify(rest)}\n\n`
      }
    }
    if (event.type === "error") done = true
    return `event: ${event.type}\ndata: ${text}\n\n`
  }

  return {
    push: (chunk) => {
      if (done) return undefined
      let out = ""
      try {
        for (const frame of frames.push(chunk)) {
          out += translate(frame)
          if (done) break
        }
      } catch (error) {
        done = true
        const reason = error instanceof EventStreamError ? error.message : "an event that is not JSON"
        out += errorFrame("api_error", `Bedrock stream unreadable: ${reason}`)
      }
      return out === "" ? undefined : encoder.encode(out)
    },
    end: () => {
      if (done) return undefined
      done = true
      return stopped ? undefined : encoder.encode(errorFrame("api_error", "Bedrock stream ended before the message was complete"))
    }
  }
}
