/**
 * Frames as bytes, both ways. Nearly every chunk of a Chat Completions stream is one frame carrying
 * one text fragment or one piece of a tool call's arguments. Those are read here as bytes — no decoding, no JSON.parse, no
 * encoding — and their JSON string token goes into the Anthropic frame as it came. Only the exact
 * shapes OpenAI sends qualify:
 *
 *   data: {…,"choices":[{"index":0,"delta":{"content":"…"},"logprobs":null,"finish_reason":null}]}\n\n
 *   data: {…,"choices":[{"index":0,"delta":{"tool_calls":[{"index":N,"function":{"arguments":"…"}}]},…}]}\n\n
 *
 * with nothing before the choices that would matter (usage, an error), and a token of printable
 * ASCII whose escapes are the ones JSON.stringify writes: then the token's bytes are exactly what
 * the general path would write for the decoded text, so both paths give the same bytes. Anything
 * else returns undefined and takes the general path.
 */
export type FastFrame =
  | { readonly kind: "content"; readonly token: Uint8Array }
  | { readonly kind: "arguments"; readonly index: number; readonly token: Uint8Array }

import { indexOfBytes } from "../anthropic/ByteSearch.js"

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))

const DATA = ascii("data: ")
const CONTENT_PREFIX = ascii("\"choices\":[{\"index\":0,\"delta\":{\"content\":")
const ARGUMENTS_PREFIX = ascii("\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":")
const ARGUMENTS_MIDDLE = ascii(",\"function\":{\"arguments\":")
const ARGUMENTS_CLOSE = ascii("}}]")
const ENDINGS = ["},\"logprobs\":null,\"finish_reason\":null}]}", "},\"finish_reason\":null}]}", "},\"finish_reason\":null,\"logprobs\":null}]}"].map(ascii)
/** Keys before the choices the general path would act on (or a second `choices`). */
const HEAD_KEYS = ["usage\"", "error\"", "hoices\""].map(ascii)

const QUOTE = 34
const BACKSLASH = 92
const NEWLINE = 10
const CARRIAGE_RETURN = 13

const matchAt = (b: Uint8Array, at: number, pattern: Uint8Array): boolean => {
  if (at < 0 || at + pattern.length > b.length) return false
  for (let i = 0; i < pattern.length; i++) if (b[at + i] !== pattern[i]) return false
  return true
}


const isLowerHex = (c: number | undefined) => c !== undefined && ((c >= 48 && c <= 57) || (c >= 97 && c <= 102))
/** Control characters JSON.stringify writes as \u00xx (the rest have short forms). */
const SHORT_FORMS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d])

/**
 * The opening quote of the token that closes at `close`, if everything between is printable ASCII;
 * -1 otherwise. Walks back from the close; `escapes` says whether it saw a backslash.
 */
const tokenStart = (b: Uint8Array, close: number, floor: number, seen: { escapes: boolean }): number => {
  let i = close - 1
  while (i > floor) {
    const c = b[i]!
    if (c === QUOTE) {
      let n = 0
      for (let k = i - 1; k > floor && b[k] === BACKSLASH; k--) n++
      if (n % 2 === 0) return i
      seen.escapes = true
      i -= 1
      continue
    }
    if (c < 0x20 || c > 0x7e) return -1
    if (c === BACKSLASH) seen.escapes = true
    i--
  }
  return -1
}

/** Every escape in the token is one JSON.stringify writes. */
const canonicalEscapes = (b: Uint8Array, open: number, close: number): boolean => {
  for (let i = b.indexOf(BACKSLASH, open + 1); i !== -1 && i < close; i = b.indexOf(BACKSLASH, i + 2)) {
    const c = b[i + 1]
    if (c === QUOTE || c === BACKSLASH || c === 98 || c === 102 || c === 110 || c === 114 || c === 116) continue
    if (c !== 117 || b[i + 2] !== 48 || b[i + 3] !== 48 || !isLowerHex(b[i + 4]) || !isLowerHex(b[i + 5])) return false
    const code = Number.parseInt(String.fromCharCode(b[i + 4]!, b[i + 5]!), 16)
    if (code >= 0x20 || SHORT_FORMS.has(code)) return false
    i += 4
  }
  return true
}

const endingAt = (b: Uint8Array, end: number): number => {
  for (const ending of ENDINGS) if (matchAt(b, end - ending.length, ending)) return end - ending.length
  return -1
}

/**
 * What comes before the choices (id, object, created, model, fingerprint) is the same in every chunk
 * of a stream: the last head that passed is kept, and an equal one is not searched again.
 */
export interface HeadMemo {
  head: Uint8Array | undefined
}

const sameBytes = (a: Uint8Array, b: Uint8Array, from: number, to: number): boolean => {
  if (a.length !== to - from) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[from + i]) return false
  return true
}

const plainHead = (b: Uint8Array, from: number, to: number, memo: HeadMemo): boolean => {
  if (memo.head !== undefined && sameBytes(memo.head, b, from, to)) return true
  // One data line: a line break here would end it (the rest of the frame is matched byte by byte).
  const head = b.subarray(from, to)
  if (head.includes(NEWLINE) || head.includes(CARRIAGE_RETURN)) return false
  if (!HEAD_KEYS.every((k) => indexOfBytes(b, k, from, to) === -1)) return false
  memo.head = b.slice(from, to)
  return true
}

/** The token (quotes included) of a one-frame chunk of the usual shape, or undefined. */
export const readFrame = (b: Uint8Array, memo: HeadMemo): FastFrame | undefined => {
  const end = b.length - 2
  if (end < 64 || b[end] !== NEWLINE || b[end + 1] !== NEWLINE || !matchAt(b, 0, DATA) || b[DATA.length] !== 0x7b) return undefined
  const ending = endingAt(b, end)
  if (ending === -1) return undefined
  if (b[ending - 1] === QUOTE) {
    const close = ending - 1
    if (b[close - 1] === BACKSLASH) return undefined // an escaped quote cannot end the token (or escapes are unusual)
    const seen = { escapes: false }
    const open = tokenStart(b, close, DATA.length, seen)
    const start = open - CONTENT_PREFIX.length
    if (open === -1 || !matchAt(b, start, CONTENT_PREFIX) || (seen.escapes && !canonicalEscapes(b, open, close))) return undefined
    if (!plainHead(b, DATA.length, start, memo)) return undefined
    return { kind: "content", token: b.subarray(open, close + 1) }
  }
  if (matchAt(b, ending - ARGUMENTS_CLOSE.length, ARGUMENTS_CLOSE) && b[ending - ARGUMENTS_CLOSE.length - 1] === QUOTE) {
    const close = ending - ARGUMENTS_CLOSE.length - 1
    if (b[close - 1] === BACKSLASH) return undefined
    const seen = { escapes: false }
    const open = tokenStart(b, close, DATA.length, seen)
    const middle = open - ARGUMENTS_MIDDLE.length
    if (open === -1 || !matchAt(b, middle, ARGUMENTS_MIDDLE)) return undefined
    let digits = middle
    while (digits > DATA.length && b[digits - 1]! >= 48 && b[digits - 1]! <= 57) digits--
    const start = digits - ARGUMENTS_PREFIX.length
    if (digits === middle || middle - digits > 6 || !matchAt(b, start, ARGUMENTS_PREFIX)) return undefined
    if ((seen.escapes && !canonicalEscapes(b, open, close)) || !plainHead(b, DATA.length, start, memo)) return undefined
    let index = 0
    for (let i = digits; i < middle; i++) index = index * 10 + b[i]! - 48
    return { kind: "arguments", index, token: b.subarray(open, close + 1) }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------- writing

const encoder = new TextEncoder()
const DELTA_TAIL = encoder.encode("}}\n\n")
type DeltaKind = "text_delta" | "input_json_delta"
const DELTA_FIELD: Record<DeltaKind, string> = { text_delta: "text", input_json_delta: "partial_json" }

/** `event: content_block_delta … "<field>":` per block index and delta type, encoded once per stream. */
export class DeltaHeads {
  private readonly heads: Record<DeltaKind, Array<Uint8Array>> = { text_delta: [], input_json_delta: [] }

  get(index: number, kind: DeltaKind): Uint8Array {
    return this.heads[kind][index] ??= encoder.encode(
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${kind}","${DELTA_FIELD[kind]}":`
    )
  }
}

interface BufferAllocator {
  allocUnsafe(size: number): Uint8Array
}
const NodeBuffer = (globalThis as { Buffer?: BufferAllocator }).Buffer
/** Output bytes: from Node's buffer pool where there is one (a fresh typed array costs more than the frame). */
const allocate = (size: number): Uint8Array => NodeBuffer !== undefined ? NodeBuffer.allocUnsafe(size) : new Uint8Array(size)

/** A delta frame around a JSON string token, as bytes: what encodeEvent writes for the same text. */
export const deltaFrame = (head: Uint8Array, token: Uint8Array): Uint8Array => {
  const out = allocate(head.length + token.length + DELTA_TAIL.length)
  out.set(head, 0)
  out.set(token, head.length)
  out.set(DELTA_TAIL, head.length + token.length)
  return out
}

const decoder = new TextDecoder()

/** A token's value (for the arguments a tool lane keeps). */
export const tokenValue = (token: Uint8Array): string => JSON.parse(decoder.decode(token)) as string
