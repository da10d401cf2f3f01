/**
 * Gemini's Google Search grounding, read tolerantly: `candidate.groundingMetadata` =
 * `{webSearchQueries, groundingChunks: [{web: {uri, title}}], groundingSupports: [{segment, groundingChunkIndices}],
 * searchEntryPoint}` (https://ai.google.dev/gemini-api/docs/google-search), and the answer's text cut
 * where the supports begin and end.
 *
 * A segment's indices are UTF-8 byte offsets ("measured in bytes", the Segment reference:
 * https://googleapis.github.io/js-genai/interfaces/types.Segment.html), counted over the answer's
 * text as a whole, as Google's own gemini-cli applies them (packages/core/src/tools/web-search.ts).
 * JavaScript strings count UTF-16 units, so they are converted here; proto3 JSON leaves out a 0, so
 * a missing startIndex is 0.
 */
import { isRecord } from "./wire.js"

/** One grounding chunk from the web; `domain` where the API names it (Vertex does). */
export type GroundingSource = { readonly uri: string; readonly title: string; readonly domain: string | undefined }

/** A support in UTF-8 bytes as sent; `end` undefined when the API left it out (nothing to cite). */
export type GroundingSupport = {
  readonly start: number
  readonly end: number | undefined
  readonly text: string | undefined
  readonly chunks: ReadonlyArray<number>
}

/** Chunks keep their positions (supports point at them); a chunk that is not from the web is undefined. */
export type Grounding = {
  readonly queries: ReadonlyArray<string>
  readonly chunks: ReadonlyArray<GroundingSource | undefined>
  readonly supports: ReadonlyArray<GroundingSupport>
}

const list = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])
const str = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)
const index = (u: unknown): number | undefined => (typeof u === "number" && Number.isInteger(u) && u >= 0 ? u : undefined)

const readSource = (u: unknown): GroundingSource | undefined => {
  const web = isRecord(u) ? u["web"] : undefined
  if (!isRecord(web)) return undefined
  const uri = str(web["uri"])
  if (uri === undefined || uri.length === 0) return undefined
  return { uri, title: str(web["title"]) ?? uri, domain: str(web["domain"]) }
}

const readSupport = (u: unknown): Array<GroundingSupport> => {
  if (!isRecord(u) || !isRecord(u["segment"])) return []
  const segment = u["segment"]
  const chunks = list(u["groundingChunkIndices"]).flatMap((i) => {
    const n = index(i)
    return n === undefined ? [] : [n]
  })
  return [{ start: index(segment["startIndex"]) ?? 0, end: index(segment["endIndex"]), text: str(segment["text"]), chunks }]
}

export const readGrounding = (raw: unknown): Grounding | undefined => {
  if (!isRecord(raw)) return undefined
  return {
    queries: list(raw["webSearchQueries"]).flatMap((q) => (typeof q === "string" && q.trim().length > 0 ? [q] : [])),
    chunks: list(raw["groundingChunks"]).map(readSource),
    supports: list(raw["groundingSupports"]).flatMap(readSupport)
  }
}

/**
 * Streamed metadata, field by field: a later non-empty field replaces the earlier one. Gemini resends
 * the metadata it has so far, and some models send the queries on one chunk and the chunks and
 * supports on another (https://github.com/vercel/ai/pull/13123).
 */
export const mergeGrounding = (before: Grounding | undefined, after: Grounding): Grounding =>
  before === undefined
    ? after
    : {
      queries: after.queries.length > 0 ? after.queries : before.queries,
      chunks: after.chunks.length > 0 ? after.chunks : before.chunks,
      supports: after.supports.length > 0 ? after.supports : before.supports
    }

/** UTF-8 byte offset -> UTF-16 index in `text`; an offset inside a character moves to its end. */
export const byteToUtf16 = (text: string): ((byte: number) => number) => {
  const bytes: Array<number> = []
  const units: Array<number> = []
  let b = 0
  for (let u = 0; u < text.length;) {
    bytes.push(b)
    units.push(u)
    const cp = text.codePointAt(u) ?? 0
    // A lone surrogate is encoded as U+FFFD, 3 bytes, as TextEncoder does.
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    u += cp > 0xffff ? 2 : 1
  }
  bytes.push(b)
  units.push(text.length)
  return (byte) => {
    let lo = 0
    let hi = bytes.length - 1
    if (byte >= b) return text.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((bytes[mid] ?? 0) < byte) lo = mid + 1
      else hi = mid
    }
    return units[lo] ?? text.length
  }
}

/** A support placed in the text: UTF-16 [start, end), and the text it covers. */
export type PlacedSupport = { readonly start: number; readonly end: number; readonly cited: string; readonly chunks: ReadonlyArray<number> }

/**
 * Where each support falls in `text`. When the segment's own text is given and the offsets do not
 * frame it (a model counting per part, or in characters), the text is looked for instead.
 */
export const placeSupports = (text: string, supports: ReadonlyArray<GroundingSupport>): Array<PlacedSupport> => {
  const toUnits = byteToUtf16(text)
  const placed: Array<PlacedSupport> = []
  for (const s of supports) {
    let start = s.end === undefined ? 0 : toUnits(s.start)
    let end = s.end === undefined ? 0 : toUnits(s.end)
    if (s.text !== undefined && s.text.length > 0 && text.slice(start, end) !== s.text) {
      const found = text.indexOf(s.text)
      if (found >= 0) {
        start = found
        end = found + s.text.length
      }
    }
    if (end > start && s.chunks.length > 0) placed.push({ start, end, cited: text.slice(start, end), chunks: s.chunks })
  }
  return placed
}

/** A run of the text and the supports covering all of it (none: uncited). */
export type Span = { readonly text: string; readonly supports: ReadonlyArray<PlacedSupport> }

/** The text cut at every support boundary, in order; the pieces join back to `text`. */
export const splitAtSupports = (text: string, supports: ReadonlyArray<PlacedSupport>): Array<Span> => {
  const cuts = [...new Set([0, text.length, ...supports.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b)
  const spans: Array<Span> = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i] ?? 0
    const to = cuts[i + 1] ?? text.length
    if (to <= from) continue
    spans.push({ text: text.slice(from, to), supports: supports.filter((s) => s.start <= from && s.end >= to) })
  }
  return spans
}
