/**
 * A stream after the gate has committed: the held bytes, then the rest of the upstream, unchanged,
 * with three promises kept — a stall longer than the idle timeout, a dropped upstream, and an end
 * without `message_stop` each reach the client as an `event: error` — and the tail read for the
 * answer's token usage. Those need to see the bytes go by, so there is JavaScript on the way; this
 * module keeps it to the least each runtime allows.
 *
 * Where the runtime has a native identity stream (workerd's IdentityTransformStream) and the upstream
 * is a byte stream (a fetch body), the client's body is the native stream and the upstream goes into
 * it in batches of whatever has arrived (BYOB reads of up to 64 KiB), so the JavaScript is paid per
 * batch. Elsewhere (Node, where web streams are JavaScript anyway, or an upstream that is not a byte
 * stream) a pull-based stream does one read and one enqueue per chunk.
 */
import { encodeEvent } from "./formats/Sse.js"
import type { ErrorType, StreamEvent } from "./formats/anthropic/Messages.js"

export const errorFrame = (type: ErrorType, message: string): Uint8Array => {
  const event: StreamEvent = { type: "error", error: { type, message } }
  return encodeEvent(event)
}

/** Whether the end of a stream shows it finished properly (message_stop) or already reported an error. */
const TAIL_BYTES = 512
const endedProperly = (tail: string) => tail.includes("message_stop") || /"type"\s*:\s*"error"/.test(tail)

export const concatAll = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** The last chunks by reference; trimmed now and then, joined and decoded once, at the end. */
class Tail {
  private chunks: Array<Uint8Array> = []
  private bytes = 0

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.bytes += chunk.length
    if (this.chunks.length < 64) return
    let drop = 0
    while (drop < this.chunks.length - 1 && this.bytes - this.chunks[drop]!.length >= TAIL_BYTES) this.bytes -= this.chunks[drop++]!.length
    if (drop > 0) this.chunks = this.chunks.slice(drop)
  }

  text(): string {
    const joined = concatAll(this.chunks)
    this.chunks = []
    return new TextDecoder().decode(joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined)
  }
}

/** How many idle-watchdog ticks make one idle timeout: a stall is seen within a quarter of the limit. */
const TICKS = 4

/**
 * One watchdog per stream: it ticks four times per limit and fires when a read was pending through
 * all of them with nothing arriving. No timer or timestamp per chunk; a slow client (no read
 * pending) is never an idle upstream.
 */
class Watchdog {
  reads = 0
  waiting = false
  private timer: ReturnType<typeof setInterval> | undefined

  start(idleTimeoutMs: number, onIdle: () => void): void {
    let seen = -1
    let quiet = 0
    this.timer = setInterval(() => {
      quiet = this.waiting && this.reads === seen ? quiet + 1 : 0
      seen = this.reads
      if (quiet >= TICKS) onIdle()
    }, Math.max(1, Math.ceil(idleTimeoutMs / TICKS)))
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }
}

export interface Upstream {
  /** the upstream body */
  readonly body: ReadableStream<Uint8Array>
  /** the reader the gate read with; nothing is in flight on it */
  readonly reader: ReadableStreamDefaultReader<Uint8Array>
}

export interface Options {
  readonly idleTimeoutMs: number
  /** called with the last bytes when the upstream ends */
  readonly onEnd: (tail: string) => void
}

type IdentityTransformStreamConstructor = new() => { readonly readable: ReadableStream<Uint8Array>; readonly writable: WritableStream<Uint8Array> }
const NativeIdentity = (globalThis as { IdentityTransformStream?: IdentityTransformStreamConstructor }).IdentityTransformStream

export const make = (upstream: Upstream, held: ReadonlyArray<Uint8Array>, options: Options): ReadableStream<Uint8Array> => {
  if (NativeIdentity !== undefined) {
    upstream.reader.releaseLock()
    try {
      return batched(NativeIdentity, upstream.body.getReader({ mode: "byob" }), held, options)
    } catch {
      // not a byte stream: read it chunk by chunk
      return pulled(upstream.body.getReader(), held, options)
    }
  }
  return pulled(upstream.reader, held, options)
}

const idleMessage = (ms: number) => `upstream sent nothing for ${ms} ms`
const failureMessage = (cause: unknown) => `upstream stream failed: ${cause instanceof Error ? cause.message : String(cause)}`

/**
 * The native form: the client's body is a native identity stream, and the upstream is read into it
 * in batches: a BYOB read takes whatever has arrived (up to 64 KiB) while the last batch was being
 * delivered, so when bytes come fast the JavaScript is paid per batch, not per chunk (per chunk it
 * costs workerd tens of microseconds, an event-loop turn each). The bytes are unchanged.
 */
const batched = (
  Identity: IdentityTransformStreamConstructor,
  reader: ReadableStreamBYOBReader,
  held: ReadonlyArray<Uint8Array>,
  options: Options
): ReadableStream<Uint8Array> => {
  const out = new Identity()
  const writer = out.writable.getWriter()
  const tail = new Tail()
  const watchdog = new Watchdog()
  let ended = false
  let pending: Promise<unknown> | undefined
  const cancelUpstream = () => {
    const cancel = () => void reader.cancel().catch(() => {})
    if (pending === undefined) cancel()
    else pending.then(cancel, cancel)
  }
  const end = (frame?: Uint8Array) => {
    if (ended) return
    ended = true
    watchdog.stop()
    void (frame === undefined ? writer.close() : writer.write(frame).then(() => writer.close())).catch(() => {})
  }
  for (const chunk of held) {
    tail.push(chunk)
    void writer.write(chunk).catch(() => {})
  }
  watchdog.start(options.idleTimeoutMs, () => {
    end(errorFrame("timeout_error", idleMessage(options.idleTimeoutMs)))
    cancelUpstream()
  })
  // Two buffers: one is with the client while the next read fills the other; a buffer is read
  // into again only once the client has taken what was written from it.
  const buffers = [new ArrayBuffer(BATCH_BYTES), new ArrayBuffer(BATCH_BYTES)]
  const delivered: Array<Promise<void> | undefined> = [undefined, undefined]
  const loop = async () => {
    for (let turn = 0; !ended; turn ^= 1) {
      if (delivered[turn] !== undefined) await delivered[turn]
      watchdog.waiting = true
      const read = reader.read(new Uint8Array(buffers[turn]!))
      pending = read
      const r = await read
      pending = undefined
      watchdog.waiting = false
      watchdog.reads++
      if (ended) return
      if (r.done || r.value === undefined) {
        const text = tail.text()
        options.onEnd(text)
        return end(endedProperly(text) ? undefined : errorFrame("api_error", "upstream stream ended before message_stop"))
      }
      buffers[turn] = r.value.buffer as ArrayBuffer
      tail.push(r.value.slice(Math.max(0, r.value.length - TAIL_BYTES)))
      delivered[turn] = writer.write(r.value)
    }
  }
  loop().catch((cause: unknown) => {
    pending = undefined
    end(errorFrame("api_error", failureMessage(cause)))
  })
  // A client that goes away: stop reading and let the upstream go.
  void writer.closed.catch(() => {
    if (!ended) {
      ended = true
      watchdog.stop()
      cancelUpstream()
    }
  })
  return out.readable
}

const BATCH_BYTES = 64 * 1024

/** The portable form: one read and one enqueue per chunk. */
const pulled = (reader: ReadableStreamDefaultReader<Uint8Array>, held: ReadonlyArray<Uint8Array>, options: Options): ReadableStream<Uint8Array> => {
  const tail = new Tail()
  held.forEach((c) => tail.push(c))
  const watchdog = new Watchdog()
  let ended = false
  let pending: Promise<unknown> | undefined
  const release = () => {
    const cancel = () => void reader.cancel().catch(() => {})
    if (pending === undefined) cancel()
    else pending.then(cancel, cancel)
  }
  let output: ReadableStreamDefaultController<Uint8Array> | undefined
  const end = (frame?: Uint8Array) => {
    if (ended) return
    ended = true
    watchdog.stop()
    if (frame !== undefined) output?.enqueue(frame)
    output?.close()
  }
  const onRead = (result: ReadableStreamReadResult<Uint8Array>) => {
    watchdog.waiting = false
    pending = undefined
    watchdog.reads++
    if (ended) return
    if (result.done) {
      const text = tail.text()
      options.onEnd(text)
      end(endedProperly(text) ? undefined : errorFrame("api_error", "upstream stream ended before message_stop"))
      return
    }
    tail.push(result.value)
    output!.enqueue(result.value)
  }
  const onFailure = (cause: unknown) => {
    watchdog.waiting = false
    pending = undefined
    end(errorFrame("api_error", failureMessage(cause)))
  }

  let first = true
  return new ReadableStream<Uint8Array>({
    start: (controller) => {
      output = controller
    },
    pull: (controller) => {
      if (first) {
        first = false
        for (const chunk of held) controller.enqueue(chunk)
        watchdog.start(options.idleTimeoutMs, () => {
          if (ended) return
          end(errorFrame("timeout_error", idleMessage(options.idleTimeoutMs)))
          release()
        })
        return
      }
      if (ended) return
      watchdog.waiting = true
      const read = reader.read()
      pending = read
      return read.then(onRead, onFailure)
    },
    cancel: () => {
      ended = true
      watchdog.stop()
      release()
    }
  }, { highWaterMark: 0 })
}
