import { describe, expect, it } from "@effect/vitest"
import { EventStreamCodec, Int64 } from "@smithy/eventstream-codec"
import { fromUtf8, toUtf8 } from "@smithy/util-utf8"
import fc from "fast-check"
import { EventStreamDecoder, EventStreamError } from "../../../src/formats/cloud/EventStream.js"
import { concatBytes } from "../Rechunk.js"

/** An independent encoder: AWS's own. */
const codec = new EventStreamCodec(toUtf8, fromUtf8)
const encode = (headers: Parameters<typeof codec.encode>[0]["headers"], body: string) => codec.encode({ headers, body: fromUtf8(body) })
const str = (value: string) => ({ type: "string" as const, value })

const join = (parts: ReadonlyArray<Uint8Array>) => concatBytes(...parts)

const frames = [
  encode({ ":message-type": str("event"), ":event-type": str("chunk"), ":content-type": str("application/json") }, "{\"bytes\":\"eyJ0eXBlIjoicGluZyJ9\"}"),
  encode({ ":message-type": str("exception"), ":exception-type": str("throttlingException") }, "{\"message\":\"slow down \u00e9\"}"),
  encode({
    flag: { type: "boolean", value: true },
    off: { type: "boolean", value: false },
    b: { type: "byte", value: -3 },
    s: { type: "short", value: 1234 },
    i: { type: "integer", value: 123456 },
    l: { type: "long", value: Int64.fromNumber(1_700_000_000_000) },
    raw: { type: "binary", value: new Uint8Array([1, 2, 3]) },
    t: { type: "timestamp", value: new Date(1_700_000_000_000) },
    u: { type: "uuid", value: "a1b2c3d4-e5f6-4711-8899-aabbccddeeff" }
  }, "")
]
const stream = join(frames)

const decodeAll = (cuts: ReadonlyArray<number>) => {
  const decoder = new EventStreamDecoder()
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b)
  const out = []
  let prev = 0
  for (const c of [...points, stream.length]) {
    out.push(...decoder.push(stream.slice(prev, c)))
    prev = c
  }
  expect(decoder.pending).toBe(false)
  return out
}

describe("AWS event-stream decoder", () => {
  it("reads frames from AWS's own encoder: headers of every type, payloads", () => {
    const [chunk, exception, typed] = decodeAll([])
    expect(chunk!.headers).toEqual({ ":message-type": "event", ":event-type": "chunk", ":content-type": "application/json" })
    expect(new TextDecoder().decode(chunk!.payload)).toBe("{\"bytes\":\"eyJ0eXBlIjoicGluZyJ9\"}")
    expect(exception!.headers[":exception-type"]).toBe("throttlingException")
    expect(new TextDecoder().decode(exception!.payload)).toBe("{\"message\":\"slow down \u00e9\"}")
    expect(typed!.headers).toMatchObject({ flag: true, off: false, b: -3, s: 1234, i: 123456, l: 1_700_000_000_000, t: 1_700_000_000_000 })
    expect([...(typed!.headers["raw"] as Uint8Array)]).toEqual([1, 2, 3])
    expect((typed!.headers["u"] as Uint8Array).length).toBe(16)
  })

  it("gives the same frames whatever the chunk boundaries", () => {
    const reference = decodeAll([])
    expect(decodeAll(Array.from({ length: stream.length }, (_, i) => i))).toEqual(reference)
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
      expect(decodeAll(cuts)).toEqual(reference)
    }), { numRuns: 200 })
  })

  it("refuses a frame whose prelude or message CRC does not match", () => {
    const bad = stream.slice()
    bad[frames[0]!.length + 20]! ^= 0xff // inside the second frame's headers
    const decoder = new EventStreamDecoder()
    expect(decoder.push(bad.subarray(0, frames[0]!.length))).toHaveLength(1)
    expect(() => decoder.push(bad.subarray(frames[0]!.length))).toThrow(/message CRC mismatch/)
    const prelude = stream.slice()
    prelude[2]! ^= 0x01
    expect(() => new EventStreamDecoder().push(prelude)).toThrow(EventStreamError)
  })
})
