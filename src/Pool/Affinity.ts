/**
 * Which conversation a request belongs to, as one number: the key a pool gives it follows from it
 * (Rendezvous). A conversation is Claude Code's session (`x-claude-code-session-id`, else the
 * `session_id` in `metadata.user_id`) plus a digest of its opening message, so a session's subagents
 * and parallel conversations (same session id, other first messages) spread over the pool while each
 * keeps its key turn after turn. Without a session: who is calling (the access token or the caller's
 * credential) and the opening.
 *
 * Read from the bytes, never a parse: the opening is the first message as sent, without its
 * `cache_control` marks (Claude Code moves them to the newest message each turn), at most 64 KB of it.
 */
import { indexOfBytes } from "../formats/anthropic/ByteSearch.js"
import { hash32 } from "./Rendezvous.js"

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
const MESSAGES = ascii("\"messages\"")
const SESSION_ID = ascii("session_id")
const OLD_SESSION = ascii("_session_")
const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN = new Set([0x7b, 0x5b])
const CLOSE = new Set([0x7d, 0x5d])

/** How much of the first message counts. */
const OPENING_BYTES = 64 * 1024

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09

const skipSpace = (b: Uint8Array, at: number): number => {
  while (at < b.length && isSpace(b[at])) at++
  return at
}

/** The byte range of the first message object, or undefined when the body does not start one where expected. */
const firstMessage = (b: Uint8Array): { readonly start: number; readonly end: number } | undefined => {
  let at = indexOfBytes(b, MESSAGES, 0, b.length)
  // A quote escaped inside a string is not the member's name.
  while (at > 0 && b[at - 1] === BACKSLASH) at = indexOfBytes(b, MESSAGES, at + 1, b.length)
  if (at < 0) return undefined
  let i = skipSpace(b, at + MESSAGES.length)
  if (b[i] !== 0x3a) return undefined
  i = skipSpace(b, i + 1)
  if (b[i] !== 0x5b) return undefined
  i = skipSpace(b, i + 1)
  if (b[i] !== 0x7b) return undefined
  const start = i
  const limit = Math.min(b.length, start + OPENING_BYTES)
  let depth = 0
  for (; i < limit; i++) {
    const c = b[i]!
    if (c === QUOTE) {
      // to the closing quote (an escaped quote does not close)
      for (i++; i < limit && b[i] !== QUOTE; i++) if (b[i] === BACKSLASH) i++
    } else if (OPEN.has(c)) depth++
    else if (CLOSE.has(c) && --depth === 0) return { start, end: i + 1 }
  }
  return { start, end: limit }
}

const CACHE_CONTROL = /,?\s*"cache_control"\s*:\s*\{[^{}]*\}/g

/** A digest of the conversation's opening (0 when the body has none). */
export const openingDigest = (body: Uint8Array | undefined): number => {
  if (body === undefined) return 0
  const range = firstMessage(body)
  if (range === undefined) return 0
  const text = new TextDecoder().decode(body.subarray(range.start, range.end)).replace(CACHE_CONTROL, "")
  return hash32(text)
}

/** The last index of `needle` in `hay`, or -1 (metadata comes after the conversation). */
const lastIndexOfBytes = (hay: Uint8Array, needle: Uint8Array): number => {
  let last = -1
  for (let at = indexOfBytes(hay, needle, 0, hay.length); at >= 0; at = indexOfBytes(hay, needle, at + 1, hay.length)) last = at
  return last
}

const SESSION_VALUE = /^(?:\\?"\s*:\s*\\?"|)([0-9A-Za-z-]{8,64})/

/** The session id in `metadata.user_id`: `{"session_id":"…"}` as a JSON string, or the older `…_session_<uuid>`. */
export const sessionInBody = (body: Uint8Array | undefined): string | undefined => {
  if (body === undefined) return undefined
  for (const needle of [SESSION_ID, OLD_SESSION]) {
    const at = lastIndexOfBytes(body, needle)
    if (at < 0) continue
    const after = new TextDecoder().decode(body.subarray(at + needle.length, Math.min(body.length, at + needle.length + 80)))
    const m = SESSION_VALUE.exec(after)
    if (m !== null) return m[1]
  }
  return undefined
}

/** The conversation's affinity: session and opening, else caller and opening. */
export const affinityOf = (headers: Headers, body: Uint8Array | undefined, caller: string | undefined): number => {
  const session = headers.get("x-claude-code-session-id") ?? sessionInBody(body)
  const opening = openingDigest(body)
  return hash32(session !== null && session !== undefined ? `session\n${session}\n${opening}` : `caller\n${caller ?? ""}\n${opening}`)
}
