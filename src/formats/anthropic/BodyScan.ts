/**
 * What the passthrough needs from a Messages request body, found without parsing it: the model, the
 * stream flag, where `system` is, and whether a thinking block carries one of our foreign signatures.
 *
 * Claude Code resends the whole conversation every turn, so anything proportional to the body is
 * paid every turn. The scan reads the top-level members from both ends of the object and stops at
 * the first large array or object from each side (the conversation); string contents are skipped
 * with the runtime's native byte search. Whatever it did not walk (the middle) is only searched
 * natively: a member it must rule out there (`"stream"` when it did not see one) is looked for as
 * bytes, and if they appear the scan gives up. `undefined` means "not sure": the caller parses.
 */
import { SIGNING_FORMATS } from "../ForeignThinking.js"
import { equalBytes, indexOfBytes } from "./ByteSearch.js"

export interface Range {
  readonly start: number
  readonly end: number
}

export interface Scan {
  /** the `model` string and the byte range of its JSON token (quotes included) */
  readonly model: string
  readonly modelToken: Range
  /** `stream === true`, as JSON.parse would see it */
  readonly stream: boolean
  /** the byte range of the `system` value, when there is one */
  readonly system: Range | undefined
  /** a thinking block may carry a `cfo1.` signature (`"cfo1.<format>` appears somewhere) */
  readonly foreignThinking: boolean
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/** How many bytes of arrays and objects each direction may walk before it stops (tools, system, metadata). */
const WALK_BUDGET = 256 * 1024

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
const KEYS = { model: ascii("model"), messages: ascii("messages"), stream: ascii("stream"), system: ascii("system") }
type Key = keyof typeof KEYS
const QUOTED = {
  model: ascii("\"model\""),
  messages: ascii("\"messages\""),
  stream: ascii("\"stream\""),
  system: ascii("\"system\"")
}
// A foreign signature starts `"cfo1.<format>.`. Every byte of "cfo1." is common in a conversation, and a
// native search slows down at each partial match; "1." followed by a format's first letter is rare,
// so the search runs at memchr speed and each hit is checked for the rest.
const FOREIGN_PREFIX = ascii("\"cfo")
const FOREIGN_ANCHORS = [...new Set(SIGNING_FORMATS.map((f) => f[0]!))].map((c) => ascii(`1.${c}`))

const hasForeignSignature = (b: Uint8Array): boolean => {
  for (const anchor of FOREIGN_ANCHORS) {
    for (let at = indexOfBytes(b, anchor, 0, b.length); at >= 0; at = indexOfBytes(b, anchor, at + 1, b.length)) {
      if (at >= FOREIGN_PREFIX.length && same(b, at - FOREIGN_PREFIX.length, at, FOREIGN_PREFIX)) return true
    }
  }
  return false
}
const TRUE = ascii("true")

/** An even number of backslashes right before `at`: the quote there is a real delimiter. */
const unescaped = (b: Uint8Array, at: number): boolean => {
  let n = 0
  for (let k = at - 1; k >= 0 && b[k] === BACKSLASH; k--) n++
  return n % 2 === 0
}

/** The closing quote of the string whose opening quote is at `at`, or -1. */
const stringEnd = (b: Uint8Array, at: number): number => {
  let j = at + 1
  for (;;) {
    j = b.indexOf(QUOTE, j)
    if (j < 0) return -1
    if (unescaped(b, j)) return j
    j++
  }
}

/** The opening quote of the string whose closing quote is at `at`, or -1. */
const stringStart = (b: Uint8Array, at: number): number => {
  let j = at - 1
  for (;;) {
    if (j < 0) return -1
    j = b.lastIndexOf(QUOTE, j)
    if (j < 0) return -1
    if (unescaped(b, j)) return j
    j--
  }
}

const WALKED_TOO_FAR = -2

/** Past the array or object opening at `at` (-1 if malformed, WALKED_TOO_FAR past `limit`). */
const skipForward = (b: Uint8Array, at: number, limit: number): number => {
  let depth = 0
  for (let i = at; i < b.length; i++) {
    if (i > limit) return WALKED_TOO_FAR
    const c = b[i]
    if (c === QUOTE) {
      i = stringEnd(b, i)
      if (i < 0) return -1
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (--depth === 0) return i + 1
    }
  }
  return -1
}

/** The start of the array or object closing at `at` (-1 if malformed, WALKED_TOO_FAR before `limit`). */
const skipBackward = (b: Uint8Array, at: number, limit: number): number => {
  let depth = 0
  for (let i = at; i >= 0; i--) {
    if (i < limit) return WALKED_TOO_FAR
    const c = b[i]
    if (c === QUOTE) {
      i = stringStart(b, i)
      if (i < 0) return -1
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth++
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (--depth === 0) return i
    }
  }
  return -1
}

const same = (b: Uint8Array, start: number, end: number, word: Uint8Array): boolean => {
  if (end - start !== word.length) return false
  for (let i = 0; i < word.length; i++) if (b[start + i] !== word[i]) return false
  return true
}

/** Which of the keys we read this is (the inside of a key token); "escaped" when it has a backslash. */
const keyOf = (b: Uint8Array, start: number, end: number): Key | "other" | "escaped" => {
  if (b.subarray(start, end).includes(BACKSLASH)) return "escaped"
  for (const k of Object.keys(KEYS) as Array<Key>) if (same(b, start, end, KEYS[k])) return k
  return "other"
}

interface Member {
  readonly value: Range
  /** the value is an array or object the walk stopped at (its end is unknown) */
  readonly open?: boolean
}

type Found = Partial<Record<Key, Member>>

/** Records a member; false when a key we read appears twice (JSON.parse would keep the last). */
const record = (found: Found, key: Key | "other", member: Member): boolean => {
  if (key === "other") return true
  const seen = found[key]
  if (seen !== undefined && seen.value.start !== member.value.start) return false
  found[key] = member
  return true
}

type Walk = { readonly done: true } | { readonly done: false; readonly at: number } | undefined

/** Members from the opening brace on, until the end of the object or the first composite too long to walk. */
const walkForward = (b: Uint8Array, open: number, found: Found): Walk => {
  const limit = open + WALK_BUDGET
  let i = open + 1
  for (;;) {
    while (isSpace(b[i])) i++
    if (b[i] === CLOSE_OBJECT && i === open + 1) return { done: true }
    if (b[i] !== QUOTE) return undefined
    const keyEnd = stringEnd(b, i)
    if (keyEnd < 0) return undefined
    const key = keyOf(b, i + 1, keyEnd)
    if (key === "escaped") return undefined
    i = keyEnd + 1
    while (isSpace(b[i])) i++
    if (b[i] !== COLON) return undefined
    i++
    while (isSpace(b[i])) i++
    const start = i
    const c = b[i]
    let end: number
    if (c === QUOTE) {
      end = stringEnd(b, i) + 1
      if (end === 0) return undefined
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      // The conversation is what grows: never walked, the backward walk reads what follows it.
      end = key === "messages" ? WALKED_TOO_FAR : skipForward(b, i, limit)
      if (end === WALKED_TOO_FAR) return record(found, key, { value: { start, end: -1 }, open: true }) ? { done: false, at: start } : undefined
      if (end < 0) return undefined
    } else {
      end = i
      while (end < b.length && b[end] !== COMMA && b[end] !== CLOSE_OBJECT && !isSpace(b[end])) end++
      if (end === start) return undefined
    }
    if (!record(found, key, { value: { start, end } })) return undefined
    i = end
    while (isSpace(b[i])) i++
    if (b[i] === COMMA) {
      i++
      continue
    }
    return b[i] === CLOSE_OBJECT ? { done: true } : undefined
  }
}

/**
 * What follows `system` in the last body walked: Claude Code sends the same tools, metadata and
 * settings every turn (only the conversation and the billing block's cch change), so when a body
 * ends with the same bytes, the members found there are where they were (counted from the end) and
 * the walk resumes at `system`. One native comparison instead of walking the tools again.
 */
interface Tail {
  readonly bytes: Uint8Array
  /** key, and the value's start and end counted back from the end of the body */
  readonly members: ReadonlyArray<readonly [Key, number, number]>
}
let lastTail: Tail | undefined

/** Members from the closing brace back, until the opening brace or the first composite too long to walk. */
const walkBackward = (b: Uint8Array, close: number, open: number, found: Found): Walk => {
  const limit = close - WALK_BUDGET
  let j = close - 1
  const cached = lastTail
  const here: Array<readonly [Key, number, number]> = []
  const hit = cached !== undefined && cached.bytes.length < close - open && equalBytes(b.subarray(b.length - cached.bytes.length), cached.bytes)
  if (hit) {
    for (const [key, start, end] of cached.members) {
      if (!record(found, key, { value: { start: b.length - start, end: b.length - end } })) return undefined
    }
    j = b.length - cached!.bytes.length - 1
  }
  for (;;) {
    while (isSpace(b[j])) j--
    if (j === open) return { done: true } // empty object
    const end = j + 1
    // Everything the byte path needs is known: the rest (the conversation) is not walked.
    if (found.model !== undefined && found.messages !== undefined && found.stream !== undefined && found.system !== undefined) {
      return { done: false, at: end }
    }
    const c = b[j]
    let start: number
    if (c === QUOTE) {
      start = stringStart(b, j)
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      start = skipBackward(b, j, limit)
      if (start === WALKED_TOO_FAR) return { done: false, at: end }
    } else {
      start = j
      while (start > open && b[start - 1] !== COLON && !isSpace(b[start - 1])) start--
    }
    if (start < 0) return undefined
    j = start - 1
    while (isSpace(b[j])) j--
    if (b[j] !== COLON) return undefined
    j--
    while (isSpace(b[j])) j--
    if (b[j] !== QUOTE) return undefined
    const keyStart = stringStart(b, j)
    if (keyStart < 0) return undefined
    const key = keyOf(b, keyStart + 1, j)
    if (key === "escaped" || !record(found, key, { value: { start, end } })) return undefined
    if (key === "system") {
      // What follows it is what the next turn will most likely send again.
      if (!hit) lastTail = { bytes: b.slice(end), members: here.slice() }
    } else if (key !== "other") {
      here.push([key, b.length - start, b.length - end])
    }
    j = keyStart - 1
    while (isSpace(b[j])) j--
    if (b[j] === COMMA) {
      j--
      continue
    }
    return b[j] === OPEN_OBJECT && j === open ? { done: true } : undefined
  }
}

const decoder = new TextDecoder()

/** A JSON string token as its value (the common case, no escapes, without JSON.parse). */
const stringValue = (b: Uint8Array, token: Range): string => {
  const inner = b.subarray(token.start + 1, token.end - 1)
  return inner.includes(BACKSLASH) ? (JSON.parse(decoder.decode(b.subarray(token.start, token.end))) as string) : decoder.decode(inner)
}

/** The scan, or undefined when only a full parse can say (not an object, unusual layout, malformed). */
export const scan = (b: Uint8Array): Scan | undefined => {
  let open = 0
  while (isSpace(b[open])) open++
  let close = b.length - 1
  while (close > open && isSpace(b[close])) close--
  if (b[open] !== OPEN_OBJECT || b[close] !== CLOSE_OBJECT || close === open) return undefined

  const found: Found = {}
  const forward = walkForward(b, open, found)
  if (forward === undefined) return undefined
  // What neither walk covered: searched as bytes only.
  let middle: Range = { start: 0, end: 0 }
  if (!forward.done) {
    const backward = walkBackward(b, close, open, found)
    if (backward === undefined) return undefined
    middle = { start: forward.at, end: backward.done ? forward.at : backward.at }
    if (middle.end < middle.start) return undefined
  }
  const inMiddle = (key: Key) => middle.end > middle.start && indexOfBytes(b, QUOTED[key], middle.start, middle.end) >= 0

  const model = found.model
  const messages = found.messages
  if (model === undefined || messages === undefined || model.open === true) return undefined
  if (b[model.value.start] !== QUOTE || model.value.end - model.value.start < 3 || b[messages.value.start] !== OPEN_ARRAY) return undefined
  if (found.stream === undefined && inMiddle("stream")) return undefined
  if (found.system === undefined && inMiddle("system")) return undefined
  const system = found.system
  if (system?.open === true) return undefined

  const stream = found.stream !== undefined && same(b, found.stream.value.start, found.stream.value.end, TRUE)
  return {
    model: stringValue(b, model.value),
    modelToken: model.value,
    stream,
    system: system?.value,
    foreignThinking: hasForeignSignature(b)
  }
}
