/**
 * A Messages request body as it came: bytes first, scanned on demand (BodyScan) and parsed at most
 * once, only when something needs the whole request (a translation, a repair, an estimate, an edit
 * the bytes cannot take). The passthrough edits bytes in place or splices them.
 */
import { Either, ParseResult, Schema } from "effect"
import { InvalidRequest } from "../../Errors.js"
import { indexOfBytes } from "./ByteSearch.js"
import { scan as scanBody, type Scan } from "./BodyScan.js"
import { type MessagesRequest, MessagesRequestSchema, type TextBlock } from "./Messages.js"

const decodeMessages = Schema.decodeUnknownEither(MessagesRequestSchema, { errors: "first" })
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const invalidBody = (reason: string) => new InvalidRequest({ status: 400, errorType: "invalid_request_error", reason })

/** JSON.parse and the Schema check of what the proxy reads, with the first problem's path in the 400. */
export const parseMessages = (text: string): Either.Either<MessagesRequest, InvalidRequest> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Either.left(invalidBody("request body is not valid JSON"))
  }
  return Either.match(decodeMessages(json), {
    onLeft: (error) => {
      const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
      const where = first === undefined || first.path.length === 0 ? "body" : first.path.join(".")
      return Either.left(invalidBody(`${where}: ${first?.message ?? "invalid request"}`))
    },
    onRight: () => Either.right(json as MessagesRequest)
  })
}

const BILLING = encoder.encode("\"x-anthropic-billing-header:")
const CCH = encoder.encode("cch=")
const QUOTE = 0x22
const BACKSLASH = 0x5c
const SPACE = 0x20
const SEMICOLON = 0x3b
/** An odd number of backslashes before `at`: the quote there is part of a string. */
const escaped = (b: Uint8Array, at: number): boolean => {
  let n = 0
  for (let k = at - 1; k >= 0 && b[k] === BACKSLASH; k--) n++
  return n % 2 === 1
}
const isCchChar = (c: number | undefined) =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d)

/** The `[start, end)` of ` cch=…;` (the space included when there is one) between `from` and `to`. */
const cchIn = (b: Uint8Array, from: number, to: number): { start: number; end: number } | undefined => {
  for (let at = indexOfBytes(b, CCH, from, to); at >= 0; at = indexOfBytes(b, CCH, at + 1, to)) {
    let end = at + CCH.length
    while (end < to && isCchChar(b[end])) end++
    if (end < to && b[end] === SEMICOLON) return { start: b[at - 1] === SPACE && at - 1 >= from ? at - 1 : at, end: end + 1 }
  }
  return undefined
}

/**
 * Claude Code's billing block (the first `system` string that starts `x-anthropic-billing-header:`)
 * carries a volatile `cch=…;` that changes every request and breaks prompt caching. It is removed in
 * place: the rest of that string moves left and the gap after its closing quote becomes spaces,
 * which JSON ignores, so no byte outside the string moves and nothing is copied.
 */
export const stripBillingCchInPlace = (b: Uint8Array, system: { readonly start: number; readonly end: number }): boolean => {
  let header = indexOfBytes(b, BILLING, system.start, system.end)
  while (header > 0 && escaped(b, header)) header = indexOfBytes(b, BILLING, header + 1, system.end) // a quote inside a string
  if (header < 0) return false
  const from = header + BILLING.length
  // The cch is looked for up to the first quote (escaped or not); the string ends at its real closing quote.
  const firstQuote = b.indexOf(QUOTE, from)
  let close = firstQuote
  while (close >= 0 && escaped(b, close)) close = b.indexOf(QUOTE, close + 1)
  if (firstQuote < 0 || close < 0 || close >= system.end) return false
  const cut = cchIn(b, from, firstQuote)
  if (cut === undefined) return false
  const length = cut.end - cut.start
  b.copyWithin(cut.start, cut.end, close + 1)
  b.fill(SPACE, close + 1 - length, close + 1)
  return true
}

/** The same edit on a parsed request (the slow path, and what the byte edit is tested against). */
export const stripBillingCch = (request: MessagesRequest): MessagesRequest | undefined => {
  const strip = (text: string): string | undefined => {
    if (!text.startsWith("x-anthropic-billing-header:")) return undefined
    const quote = text.indexOf("\"")
    const head = quote < 0 ? text : text.slice(0, quote)
    const m = /( ?cch=[A-Za-z0-9_-]*;)/.exec(head)
    return m === null ? text : text.slice(0, m.index) + text.slice(m.index + m[1]!.length)
  }
  const system = request.system
  if (typeof system === "string") {
    const s = strip(system)
    return s === undefined || s === system ? undefined : { ...request, system: s }
  }
  if (!Array.isArray(system)) return undefined
  const blocks = system as ReadonlyArray<TextBlock>
  for (let i = 0; i < blocks.length; i++) {
    const text = blocks[i]?.text
    if (typeof text !== "string") continue
    const s = strip(text)
    if (s === undefined) continue
    if (s === text) return undefined
    const edited = blocks.slice()
    edited[i] = { ...blocks[i]!, text: s }
    return { ...request, system: edited }
  }
  return undefined
}

export class MessageBody {
  private scanned: Scan | null | undefined
  private parsed: Either.Either<MessagesRequest, InvalidRequest> | undefined
  private cchDone = false

  constructor(readonly bytes: Uint8Array, json?: MessagesRequest) {
    if (json !== undefined) this.parsed = Either.right(json)
  }

  /** What the byte path needs, or undefined when only a parse can tell. */
  get scan(): Scan | undefined {
    if (this.scanned === undefined) this.scanned = scanBody(this.bytes) ?? null
    return this.scanned ?? undefined
  }

  /** The whole request, parsed and checked once however often it is asked for. */
  parse(): Either.Either<MessagesRequest, InvalidRequest> {
    return this.parsed ??= parseMessages(decoder.decode(this.bytes))
  }

  /** `stream: true`, from the scan when it could tell, else from the parse (false if it fails). */
  get stream(): boolean {
    const scan = this.scan
    if (scan !== undefined) return scan.stream
    const parsed = this.parse()
    return Either.isRight(parsed) && parsed.right.stream === true
  }

  /** Removes the billing block's cch from the bytes, once (every provider gets it removed). */
  stripBillingCch(): void {
    if (this.cchDone) return
    this.cchDone = true
    const system = this.scan?.system
    if (system !== undefined) stripBillingCchInPlace(this.bytes, system)
  }

  /** The bytes with the model token replaced (a new array; the shared bytes stay as they are). */
  withModel(model: string): Uint8Array {
    const token = this.scan!.modelToken
    const replacement = encoder.encode(JSON.stringify(model))
    const out = new Uint8Array(this.bytes.length - (token.end - token.start) + replacement.length)
    out.set(this.bytes.subarray(0, token.start), 0)
    out.set(replacement, token.start)
    out.set(this.bytes.subarray(token.end), token.start + replacement.length)
    return out
  }
}
