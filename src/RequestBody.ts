/**
 * The request body, read once before the chain (every attempt, and a failover, sends it again) and
 * refused past MAX_BODY_BYTES. How it is read depends on where streams are native (see readAll).
 */
import { Effect } from "effect"
import { InvalidRequest } from "./Errors.js"
import { errorTypeForStatus } from "./formats/anthropic/Messages.js"

export const MAX_BODY_BYTES = 32 * 1024 * 1024

const invalid = (reason: string, status = 400) => new InvalidRequest({ status, errorType: errorTypeForStatus(status), reason })

/** The body, read once (every attempt re-sends it), refused past MAX_BODY_BYTES. */
export const readBody = (web: Request) =>
  Effect.gen(function*() {
    const declared = Number(web.headers.get("content-length") ?? "0")
    if (declared > MAX_BODY_BYTES) return yield* Effect.fail(invalid(`request body exceeds ${MAX_BODY_BYTES} bytes`, 413))
    if (web.body === null) return new Uint8Array(0)
    const read = yield* Effect.tryPromise({ try: () => readAll(web), catch: () => invalid("could not read the request body") })
    if (read === undefined) return yield* Effect.fail(invalid(`request body exceeds ${MAX_BODY_BYTES} bytes`, 413))
    return read
  })

/**
 * workerd reads a whole body natively (`arrayBuffer()`; chunk by chunk in JavaScript costs it 4 ms
 * per MB). Where web streams are JavaScript (Node), reading the chunks is cheaper: a body that is
 * already one chunk is used as it is, with no copy.
 */
const NATIVE_BODY = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === "Cloudflare-Workers"

const readAll = async (web: Request): Promise<Uint8Array | undefined> => {
  if (NATIVE_BODY) {
    const whole = new Uint8Array(await web.arrayBuffer())
    return whole.byteLength > MAX_BODY_BYTES ? undefined : whole
  }
  const reader = web.body!.getReader()
  const chunks: Array<Uint8Array> = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {})
      return undefined
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
