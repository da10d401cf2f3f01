/**
 * While a slow upstream has not produced its first event, a streaming client still hears from us:
 * after `keepAliveMs` (by default only when the client would otherwise be close to giving up: every
 * failure before it keeps its real status and headers) the proxy starts its own 200 event stream with
 * `ping` events, and when the
 * chain answers, the answer's stream follows (or an `event: error` if it failed). Failover still
 * happens behind the pings; only the status code can no longer change.
 */
import { encodeEvent } from "./formats/Sse.js"
import { type ErrorType, errorTypeForStatus, type StreamEvent } from "./formats/anthropic/Messages.js"
import type { Answer } from "./Reply.js"

const PING = encodeEvent({ type: "ping" })

const errorOf = (answer: Answer): StreamEvent => {
  let type: ErrorType = errorTypeForStatus(answer.status)
  let message = `upstream answered ${answer.status}`
  if (typeof answer.body === "string") {
    try {
      const parsed = JSON.parse(answer.body) as { error?: { type?: ErrorType; message?: string } }
      type = parsed.error?.type ?? type
      message = parsed.error?.message ?? message
    } catch {
      // keep the status-based error
    }
  }
  return { type: "error", error: { type, message } }
}

export const PENDING_PROVIDER = "pending"

/** How often the early stream pings once it has started (about Anthropic's own cadence): far inside
 * the 300 s of silence after which Claude Code gives a stream up. */
export const PING_INTERVAL_MS = 15_000

export const stream = (answer: Promise<Answer>, intervalMs: number): ReadableStream<Uint8Array> => {
  let timer: ReturnType<typeof setInterval> | undefined
  let upstream: ReadableStreamDefaultReader<Uint8Array> | undefined
  return new ReadableStream<Uint8Array>({
    start: (controller) => {
      controller.enqueue(PING)
      timer = setInterval(() => controller.enqueue(PING), intervalMs)
      answer.then(
        async (a) => {
          clearInterval(timer)
          if (a.status !== 200 || !(a.body instanceof ReadableStream)) {
            controller.enqueue(encodeEvent(errorOf(a)))
            controller.close()
            return
          }
          upstream = a.body.getReader()
          for (;;) {
            const { done, value } = await upstream.read()
            if (done) break
            controller.enqueue(value)
          }
          controller.close()
        },
        () => {
          clearInterval(timer)
          const event: StreamEvent = { type: "error", error: { type: "api_error", message: "internal error" } }
          controller.enqueue(encodeEvent(event))
          controller.close()
        }
      ).catch(() => controller.error(new Error("stream failed")))
    },
    cancel: (reason) => {
      clearInterval(timer)
      return upstream?.cancel(reason)
    }
  })
}
