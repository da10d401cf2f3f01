/**
 * The stream gate: a streaming answer is held until it commits — its first content event
 * (content_block_start or a delta) — so that an upstream that says 200 and then fails (an
 * `event: error` such as overloaded_error, an early end, a stall) is a provider failure the chain
 * can fail over from, and the client sees one clean stream. Before the commit a live upstream (one
 * that keeps sending, e.g. pings during a long prefill) is waited for up to `firstEventTimeoutMs`; a
 * silent one is given up after `firstEventIdleMs`.
 *
 * After the commit the held bytes and then the rest flow through unchanged and unbuffered (byte-exact
 * for Anthropic passthrough; see CommittedStream). A later failure is told to the client as an
 * `event: error` frame — never a silent truncation, never a made-up message_stop — and an idle gap
 * longer than `idleTimeoutMs` ends the stream the same way. No limit applies to the stream's total
 * length.
 */
import { Effect } from "effect"
import { BadUpstreamResponse, CONTEXT_OVERFLOW, Network, type ProviderError, RateLimited, Refused, Timeout, Unauthorized, Upstream5xx } from "./Errors.js"
import * as CommittedStream from "./CommittedStream.js"
import { SseParser } from "./formats/Sse.js"
import * as Tracing from "./Tracing.js"
import * as UsageTap from "./UsageTap.js"
import type { TokenUsage } from "./UsageTap.js"

export interface GateOptions {
  readonly provider: string
  /** the longest wait for the first content event from an upstream that keeps sending (pings) */
  readonly firstEventTimeoutMs: number
  /** before that event, the longest silence (no byte at all): a dead upstream is given up early */
  readonly firstEventIdleMs: number
  /** after it, the longest gap between bytes */
  readonly idleTimeoutMs: number
}

const COMMIT_EVENTS = new Set(["content_block_start", "content_block_delta"])

/** Errors in the stream that say "try elsewhere"; others (e.g. invalid_request_error) go to the client. */
const failoverError = (provider: string, data: string): ProviderError | undefined => {
  let type: string | undefined
  try {
    type = (JSON.parse(data) as { error?: { type?: string } }).error?.type
  } catch {
    return new BadUpstreamResponse({ provider, reason: "unparsable error event" })
  }
  const answer = { status: 200, headers: {}, body: data }
  switch (type) {
    case "overloaded_error":
      return new Upstream5xx({ provider, status: 529, answer })
    case "api_error":
    case "timeout_error":
      return new Upstream5xx({ provider, status: 500, answer })
    case "rate_limit_error":
      return new RateLimited({ provider, answer })
    case "authentication_error":
    case "permission_error":
      return new Unauthorized({ provider, status: type === "authentication_error" ? 401 : 403, answer })
    default:
      return undefined
  }
}

/**
 * A request error inside the stream before anything was committed (a Responses stream's context
 * overflow, say): Anthropic answers such a request with an HTTP 4xx before any stream, so it becomes
 * one — the first provider's is the client's answer, a fallback's moves the chain on.
 */
const refusal = (provider: string, data: string): Refused => {
  let type: string | undefined
  try {
    type = (JSON.parse(data) as { error?: { type?: string } }).error?.type
  } catch {
    // failoverError already took unparsable events
  }
  const status = type === "not_found_error" ? 404 : type === "request_too_large" ? 413 : 400
  return new Refused({ provider, status, answer: { status, headers: { "content-type": "application/json" }, body: data }, ...(CONTEXT_OVERFLOW.test(data) ? { overflow: true } : {}) })
}

const HEAD_CHARS = 4_096

/**
 * A reader whose reads can time out. Cancelling a fetch body while a read is pending makes workerd
 * report an unhandled rejection, so `release` cancels at once only when no read is in flight, and
 * otherwise as soon as that read settles (the upstream sends something or goes away).
 */
const NOT_YET_VALUE = Symbol("not-yet")
const NOT_YET = Promise.resolve<typeof NOT_YET_VALUE>(NOT_YET_VALUE)

class TimedReader {
  private inflight: Promise<ReadableStreamReadResult<Uint8Array>> | undefined
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {
    reader.closed.catch(() => {}) // an upstream that dies rejects `closed`; the read reports it
  }

  async read(ms: number): Promise<ReadableStreamReadResult<Uint8Array> | "timeout"> {
    const read = this.inflight ?? this.reader.read()
    this.inflight = read
    // Most reads are already satisfied by buffered data: answer those without arming a timer.
    const ready = await Promise.race([read, NOT_YET])
    if (ready !== NOT_YET_VALUE) {
      this.inflight = undefined
      return ready
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve("timeout"), ms)
      read.then(
        (r) => {
          clearTimeout(timer)
          this.inflight = undefined
          resolve(r)
        },
        (e) => {
          clearTimeout(timer)
          this.inflight = undefined
          reject(e)
        }
      )
    })
  }

  /** The underlying reader, handed to the committed stream (nothing is in flight then). */
  get raw(): ReadableStreamDefaultReader<Uint8Array> {
    return this.reader
  }

  release(): void {
    const cancel = () => void this.reader.cancel().catch(() => {})
    if (this.inflight === undefined) cancel()
    else this.inflight.then(cancel, cancel)
  }
}

/**
 * Read until the stream commits. Fails with a ProviderError when the upstream reports an error,
 * ends, or stalls before its first content event; the chain then fails over.
 */
export interface Gated {
  readonly body: ReadableStream<Uint8Array>
  /** the answer's token usage, known when the stream has ended (undefined if it never says) */
  readonly usage: Promise<TokenUsage | undefined>
}

export const gate = (body: ReadableStream<Uint8Array>, options: GateOptions): Effect.Effect<Gated, ProviderError> =>
  Effect.async<Gated, ProviderError>((resume) => {
    const reader = new TimedReader(body.getReader())
    const parser = new SseParser()
    const held: Array<Uint8Array> = []
    const deadline = Date.now() + options.firstEventTimeoutMs
    let cancelled = false
    const commit = () => {
      let settle: (u: TokenUsage | undefined) => void = () => {}
      const usage = new Promise<TokenUsage | undefined>((resolve) => settle = resolve)
      const head = new TextDecoder().decode(CommittedStream.concatAll(held)).slice(0, HEAD_CHARS)
      const stream = CommittedStream.make(
        { body, reader: reader.raw },
        held,
        { idleTimeoutMs: options.idleTimeoutMs, onEnd: (tail) => settle(UsageTap.fromText(head, tail)) }
      )
      resume(Effect.succeed({ body: stream, usage }))
    }
    const fail = (error: ProviderError) => {
      reader.release()
      resume(Effect.fail(error))
    }
    const step = async (): Promise<void> => {
      while (!cancelled) {
        const left = deadline - Date.now()
        const wait = Math.min(left, options.firstEventIdleMs)
        const result = left <= 0 ? "timeout" as const : await reader.read(wait)
        if (cancelled) return
        if (result === "timeout") {
          // A silent upstream is dead; a live one (pings) had its whole first-event allowance.
          const afterMs = wait < left ? options.firstEventIdleMs : options.firstEventTimeoutMs
          return fail(new Timeout({ provider: options.provider, afterMs }))
        }
        if (result.done) {
          for (const e of parser.end()) {
            if (e.event === "error" || e.data.includes("\"type\":\"error\"")) {
              return fail(failoverError(options.provider, e.data) ?? refusal(options.provider, e.data))
            }
          }
          return fail(new BadUpstreamResponse({ provider: options.provider, reason: "stream ended before any content" }))
        }
        held.push(result.value)
        for (const e of parser.push(result.value)) {
          const type = e.event ?? typeOf(e.data)
          if (type === "error") return fail(failoverError(options.provider, e.data) ?? refusal(options.provider, e.data))
          if (type !== undefined && COMMIT_EVENTS.has(type)) return commit()
        }
      }
    }
    step().catch((cause) => fail(new Network({ provider: options.provider, reason: cause instanceof Error ? cause.message : String(cause) })))
    return Effect.sync(() => {
      cancelled = true
      reader.release()
    })
  }).pipe(Tracing.debugSpan("StreamGate.gate", { attributes: { provider: options.provider } }))

const typeOf = (data: string): string | undefined => {
  const m = /"type"\s*:\s*"([a-z_]+)"/.exec(data)
  return m?.[1]
}
