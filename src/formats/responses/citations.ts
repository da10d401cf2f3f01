/**
 * A web search answer of the Responses API -> Anthropic's web search blocks, read in output order (the
 * same reading for a whole response and for a stream, so both give the same blocks).
 *
 * Each `web_search_call` (a search, within max_uses) becomes a `server_tool_use` block and its
 * `web_search_tool_result`. The call's sources carry only URLs; the titles, and URLs the answer cites
 * beyond them, are in the `url_citation` annotations of the message that follows. So a call's result
 * is made when that message is known: its sources, then the cited URLs no source had (given to the
 * last call before the message), deduplicated, titled from the annotations (else the URL). The
 * message's text is split at its annotations: each cited span is a text block of its own with a
 * `web_search_result_location` citation, as Anthropic answers. `encrypted_content` / `encrypted_index`
 * are in our foreign-signature form: Anthropic would refuse them, and the proxy drops them before a
 * history goes back to it.
 */
import { foreignSignature } from "../ForeignThinking.js"
import { fnv1a } from "../openai/toolNames.js"
import { FORMAT } from "./reasoning.js"
import {
  cleanUrl,
  type CitedTextBlock,
  isBlocked,
  type SearchPlan,
  type ServerToolUseBlock,
  type WebSearchCitation,
  type WebSearchResult,
  type WebSearchToolResultBlock
} from "./webSearch.js"

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined)

/** Anthropic's citations quote at most 150 characters. */
const MAX_CITED = 150

export interface SearchCall {
  readonly id: string
  readonly query: string
  readonly sources: ReadonlyArray<string>
  readonly failed: boolean
}

interface Waiting {
  readonly call: SearchCall
  /** cited URLs no source had, given to this call */
  readonly extra: Array<string>
}

/** A url_citation annotation, read defensively (a span outside the text is clamped). */
interface UrlCitation {
  readonly url: string
  readonly title: string | undefined
  readonly start: number
  readonly end: number
}

const urlCitation = (a: unknown): UrlCitation | undefined => {
  if (!isObject(a) || a["type"] !== "url_citation") return undefined
  const url = str(a["url"])
  if (url === undefined) return undefined
  const start = typeof a["start_index"] === "number" ? a["start_index"] : 0
  const end = typeof a["end_index"] === "number" ? a["end_index"] : start
  return { url: cleanUrl(url), title: str(a["title"]), start, end }
}

/** Anthropic's ids are `srvtoolu_` and word characters; the call's id keeps them traceable. */
const serverToolId = (callId: string | undefined): string =>
  `srvtoolu_${(callId ?? crypto.randomUUID()).replace(/[^A-Za-z0-9_]/g, "")}`

const queryOf = (action: Json): string => {
  const query = str(action["query"])
  if (query !== undefined) return query
  const queries = Array.isArray(action["queries"]) ? action["queries"].filter((q): q is string => typeof q === "string") : []
  return queries.join("; ")
}

export const serverToolUse = (call: SearchCall): ServerToolUseBlock => ({ type: "server_tool_use", id: call.id, name: "web_search", input: { query: call.query } })

/** The web search part of one answer. */
export class SearchAnswer {
  /** search calls passed on to the client (what usage.server_tool_use counts) */
  passed = 0
  /** a web_search_call was seen: the messages after it may cite (a stream holds them whole) */
  searched = false
  private readonly titles = new Map<string, string>()
  /** URLs already in some result */
  private readonly known = new Set<string>()
  private waiting: Array<Waiting> = []

  constructor(private readonly plan: SearchPlan) {}

  /** A finished web_search_call item -> its call, when it is a search within max_uses. Page
   * openings and in-page finds are steps of a search, not searches of their own. */
  call(item: Json): SearchCall | undefined {
    this.searched = true
    const action = isObject(item["action"]) ? item["action"] : {}
    if (action["type"] !== undefined && action["type"] !== "search") return undefined
    if (this.plan.maxUses !== undefined && this.passed >= this.plan.maxUses) return undefined
    this.passed++
    const sources: Array<string> = []
    for (const s of Array.isArray(action["sources"]) ? action["sources"] : []) {
      const url = isObject(s) ? str(s["url"]) : undefined
      if (url === undefined) continue
      const clean = cleanUrl(url)
      if (!sources.includes(clean) && !isBlocked(this.plan, clean)) sources.push(clean)
    }
    for (const url of sources) this.known.add(url)
    const call = { id: serverToolId(str(item["id"])), query: queryOf(action), sources, failed: item["status"] === "failed" }
    this.waiting.push({ call, extra: [] })
    return call
  }

  /** A message item -> its text blocks, cited spans apart; learns what it cites. */
  message(item: Json): { blocks: Array<CitedTextBlock>; refused: boolean } {
    const blocks: Array<CitedTextBlock> = []
    let refused = false
    const add = (block: CitedTextBlock) => {
      const last = blocks.at(-1)
      // Parts and uncited spans next to each other are one text, as without citations.
      if (last !== undefined && last.citations === undefined && block.citations === undefined) blocks[blocks.length - 1] = { type: "text", text: last.text + block.text }
      else blocks.push(block)
    }
    for (const part of Array.isArray(item["content"]) ? item["content"] : []) {
      if (!isObject(part)) continue
      if (part["type"] === "refusal" && typeof part["refusal"] === "string" && part["refusal"] !== "") {
        refused = true
        add({ type: "text", text: part["refusal"] })
      } else if (part["type"] === "output_text" && typeof part["text"] === "string" && part["text"] !== "") {
        const annotations = (Array.isArray(part["annotations"]) ? part["annotations"] : []).map(urlCitation)
          .filter((a): a is UrlCitation => a !== undefined && !isBlocked(this.plan, a.url))
        for (const a of annotations) this.learn(a)
        for (const block of this.split(part["text"], annotations)) add(block)
      }
    }
    return { blocks, refused }
  }

  /** The results of the calls made since the last message, now that their titles are known. */
  results(): Array<WebSearchToolResultBlock> {
    const out = this.waiting.map(({ call, extra }): WebSearchToolResultBlock => ({
      type: "web_search_tool_result",
      tool_use_id: call.id,
      content: call.failed ? { type: "web_search_tool_result_error", error_code: "unavailable" } : [...call.sources, ...extra].map((url) => this.result(url))
    }))
    this.waiting = []
    return out
  }

  private learn(a: UrlCitation): void {
    if (a.title !== undefined && !this.titles.has(a.url)) this.titles.set(a.url, a.title)
    if (this.known.has(a.url)) return
    this.known.add(a.url)
    this.waiting.at(-1)?.extra.push(a.url)
  }

  private result(url: string): WebSearchResult {
    return { type: "web_search_result", url, title: this.titles.get(url) ?? url, page_age: null, encrypted_content: foreignSignature(FORMAT, `ws.${fnv1a(url)}`) }
  }

  private citation(a: UrlCitation, cited: string): WebSearchCitation {
    return {
      type: "web_search_result_location",
      url: a.url,
      title: this.titles.get(a.url) ?? null,
      encrypted_index: foreignSignature(FORMAT, `cite.${fnv1a(a.url)}`),
      cited_text: [...cited].slice(0, MAX_CITED).join("")
    }
  }

  /** Text split at its annotations. The indexes count characters (code points), not UTF-16 units. A
   * span overlapping the one before adds its citation to that block; an empty one is dropped. */
  private split(text: string, annotations: ReadonlyArray<UrlCitation>): Array<CitedTextBlock> {
    const chars = [...text]
    const out: Array<{ text: string; citations: Array<WebSearchCitation> }> = []
    let cursor = 0
    for (const a of [...annotations].sort((x, y) => x.start - y.start)) {
      const start = Math.min(Math.max(0, a.start), chars.length)
      const end = Math.min(Math.max(start, a.end), chars.length)
      if (end <= start) continue
      const span = chars.slice(start, end).join("")
      if (start < cursor) {
        out.at(-1)?.citations.push(this.citation(a, span))
        continue
      }
      if (start > cursor) out.push({ text: chars.slice(cursor, start).join(""), citations: [] })
      out.push({ text: span, citations: [this.citation(a, span)] })
      cursor = end
    }
    if (cursor < chars.length) out.push({ text: chars.slice(cursor).join(""), citations: [] })
    return out.map((b) => (b.citations.length === 0 ? { type: "text", text: b.text } : { type: "text", text: b.text, citations: b.citations }))
  }
}
