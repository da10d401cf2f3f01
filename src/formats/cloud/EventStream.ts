/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock streams answers:
 *
 *   u32 total length | u32 headers length | u32 CRC32(prelude) | headers | payload | u32 CRC32(all before)
 *
 * big-endian; a header is u8 name length, name, u8 type, value. The decoder takes bytes cut anywhere
 * and checks both CRCs: a corrupt frame is an error, never a half-read event.
 */

export interface Frame {
  readonly headers: Readonly<Record<string, string | number | boolean | Uint8Array>>
  readonly payload: Uint8Array
}

export class EventStreamError extends Error {
  readonly _tag = "EventStreamError"
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export const crc32 = (bytes: Uint8Array, start = 0, end = bytes.length): number => {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const PRELUDE = 12
const MAX_FRAME = 16 * 1024 * 1024
const utf8 = new TextDecoder()

const readHeaders = (view: DataView, bytes: Uint8Array, start: number, end: number): Frame["headers"] => {
  const headers: Record<string, string | number | boolean | Uint8Array> = {}
  let at = start
  while (at < end) {
    const nameLength = bytes[at]!
    const name = utf8.decode(bytes.subarray(at + 1, at + 1 + nameLength))
    at += 1 + nameLength
    const type = bytes[at++]
    switch (type) {
      case 0:
      case 1:
        headers[name] = type === 0
        break
      case 2:
        headers[name] = view.getInt8(at)
        at += 1
        break
      case 3:
        headers[name] = view.getInt16(at)
        at += 2
        break
      case 4:
        headers[name] = view.getInt32(at)
        at += 4
        break
      case 5:
      case 8:
        headers[name] = Number(view.getBigInt64(at))
        at += 8
        break
      case 6:
      case 7: {
        const length = view.getUint16(at)
        const value = bytes.subarray(at + 2, at + 2 + length)
        headers[name] = type === 7 ? utf8.decode(value) : value.slice()
        at += 2 + length
        break
      }
      case 9:
        headers[name] = bytes.slice(at, at + 16)
        at += 16
        break
      default:
        throw new EventStreamError(`unknown header type ${String(type)}`)
    }
  }
  if (at !== end) throw new EventStreamError("headers overrun their length")
  return headers
}

/** Incremental decoder: `push` returns the frames completed by this chunk. */
export class EventStreamDecoder {
  private buffer = new Uint8Array(0)

  push(chunk: Uint8Array): Array<Frame> {
    const joined = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk)
    const frames: Array<Frame> = []
    let at = 0
    while (joined.length - at >= PRELUDE) {
      const view = new DataView(joined.buffer, joined.byteOffset + at, joined.length - at)
      const total = view.getUint32(0)
      const headersLength = view.getUint32(4)
      if (crc32(joined, at, at + 8) !== view.getUint32(8)) throw new EventStreamError("prelude CRC mismatch")
      if (total < PRELUDE + 4 + headersLength || total > MAX_FRAME) throw new EventStreamError(`bad frame length ${total}`)
      if (joined.length - at < total) break
      if (crc32(joined, at, at + total - 4) !== view.getUint32(total - 4)) throw new EventStreamError("message CRC mismatch")
      const frame = joined.subarray(at, at + total)
      const frameView = new DataView(frame.buffer, frame.byteOffset, frame.length)
      frames.push({
        headers: readHeaders(frameView, frame, PRELUDE, PRELUDE + headersLength),
        payload: frame.slice(PRELUDE + headersLength, total - 4)
      })
      at += total
    }
    this.buffer = at === joined.length ? new Uint8Array(0) : joined.slice(at)
    return frames
  }

  /** Whether bytes of an unfinished frame are waiting. */
  get pending(): boolean {
    return this.buffer.length > 0
  }
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
