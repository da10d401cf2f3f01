/**
 * Anthropic's web search server tool, served by Gemini's Google Search grounding.
 *
 * Request: a `web_search_*` tool becomes `{"google_search": {}}` (request.ts decides when it is
 * sent). Answer: the candidate's groundingMetadata becomes what Anthropic's own search answers with,
 * and what Claude Code's WebSearch tool reads: per query a `server_tool_use` block and its
 * `web_search_tool_result` (the grounding chunks as results), before the text, whose cited runs
 * carry `web_search_result_location` citations. Gemini says which chunks support which part of the
 * text only once the text is complete, so the text is held until then (SearchAnswer) and written
 * after the search blocks, as Anthropic orders them.
 *
 * Our encrypted_content / encrypted_index are foreign signatures (`cfo1.gemini.…`): never taken
 * for Anthropic's own when the history goes back to Anthropic (Conversation.ts strips them).
 */
import type { OtherBlock, Tool } from "../anthropic/Messages.js"
import { foreignSignature } from "../ForeignThinking.js"
import { fnv1a } from "../openai/toolNames.js"
import type { BlockSink, WebSearchCitation, WebSearchResult } from "./blocks.js"
import { type Grounding, type GroundingSource, mergeGrounding, placeSupports, readGrounding, splitAtSupports } from "./grounding.js"
import { type GeminiPart, isRecord, type JsonObject } from "./wire.js"

/** What the client asked of its web search tool that we can honour. */
export type WebSearchSpec = {
  /** at most this many searches are passed on (Gemini cannot be told; it decides how many it runs) */
  readonly maxUses: number | undefined
  readonly allowedDomains: ReadonlyArray<string>
  readonly blockedDomains: ReadonlyArray<string>
}

const strings = (u: unknown): ReadonlyArray<string> => (Array.isArray(u) ? u.filter((d): d is string => typeof d === "string" && d.length > 0) : [])

/** `web_search_20250305` and later versions; other server tools are not searches. */
export const webSearchSpec = (tool: Tool): WebSearchSpec | undefined => {
  if (typeof tool.type !== "string" || !tool.type.startsWith("web_search_")) return undefined
  // The tool's own fields (max_uses, ...) are not in Tool's type.
  const fields: JsonObject = isRecord(tool) ? tool : {}
  const max = fields["max_uses"]
  return {
    maxUses: typeof max === "number" && Number.isInteger(max) && max >= 0 ? max : undefined,
    allowedDomains: strings(fields["allowed_domains"]),
    blockedDomains: strings(fields["blocked_domains"])
  }
}

/** Gemini's chunk uris redirect through this host; the site is then named by the title. */
const REDIRECT_HOST = "vertexaisearch.cloud.google.com"
const HOSTNAME = /^(?:[a-z0-9-]+\.)+[a-z]{2,}$/i

/** The site a chunk comes from, when it can be told. */
const siteOf = (s: GroundingSource): string | undefined => {
  if (s.domain !== undefined && s.domain.length > 0) return s.domain.toLowerCase()
  try {
    const host = new URL(s.uri).hostname.toLowerCase()
    if (host !== REDIRECT_HOST) return host
  } catch {
    // not a URL: the title may still name the site
  }
  return HOSTNAME.test(s.title) ? s.title.toLowerCase() : undefined
}

/** Anthropic's rule: a domain covers its subdomains; a scheme or path in the rule is ignored here. */
const covers = (rule: string, site: string): boolean => {
  const domain = rule.toLowerCase().replace(/^[a-z]+:\/\//, "").split("/")[0]?.replace(/^www\./, "") ?? ""
  const host = site.replace(/^www\./, "")
  return domain.length > 0 && (host === domain || host.endsWith(`.${domain}`))
}

/** A chunk whose site cannot be told is kept: the filter can only drop what it recognises. */
const admitted = (spec: WebSearchSpec, s: GroundingSource): boolean => {
  const site = siteOf(s)
  if (site === undefined) return true
  if (spec.blockedDomains.some((d) => covers(d, site))) return false
  return spec.allowedDomains.length === 0 || spec.allowedDomains.some((d) => covers(d, site))
}

/** ASCII-only, opaque: a payload never to be parsed by anyone but us. */
const base64url = (s: string): string => {
  let binary = ""
  for (const b of new TextEncoder().encode(s)) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

/** The text of a web_search_tool_result in the history, for a Gemini model to read. */
export const searchResultsText = (block: OtherBlock): string => {
  const content = block["content"]
  if (!Array.isArray(content)) {
    const code = isRecord(content) && typeof content["error_code"] === "string" ? content["error_code"] : "unknown"
    return `[Web search failed: ${code}]`
  }
  const results = content.filter(isRecord).map((r) => `${String(r["title"] ?? r["url"])} <${String(r["url"])}>`)
  return `[Web search results: ${results.length > 0 ? results.join("; ") : "none"}]`
}

/** The answer of a request that searched: text held, grounding gathered, blocks written at the end. */
export class SearchAnswer {
  private held = ""
  private grounding: Grounding | undefined = undefined
  /** how many server_tool_use blocks were written (usage.server_tool_use.web_search_requests) */
  searches = 0

  constructor(private readonly spec: WebSearchSpec) {}

  /** The part as the assembler should see it: the answer's text stays here until finish. */
  hold(p: GeminiPart): GeminiPart {
    if (p.thought === true || p.functionCall !== undefined || p.text === undefined) return p
    this.held += p.text
    const { text: _held, ...rest } = p
    return rest
  }

  ground(raw: unknown): void {
    const g = readGrounding(raw)
    if (g !== undefined) this.grounding = mergeGrounding(this.grounding, g)
  }

  /**
   * The search blocks, then the held text cut at the supports. Call once, after the assembler's
   * last block is closed; `seed` (the message id) makes the server tool ids unique and repeatable.
   */
  finish(sink: BlockSink, seed: string): void {
    const g = this.grounding
    const results = new Map<number, WebSearchResult>()
    g?.chunks.forEach((s, i) => {
      if (s === undefined || !admitted(this.spec, s)) return
      results.set(i, { type: "web_search_result", url: s.uri, title: s.title, page_age: null, encrypted_content: foreignSignature("gemini", base64url(s.uri)) })
    })
    let queries = g?.queries ?? []
    // Results without the query that found them (no webSearchQueries) still need a search to belong to.
    if (queries.length === 0 && results.size > 0) queries = [""]
    queries = queries.slice(0, this.spec.maxUses ?? queries.length)
    queries.forEach((query, i) => {
      const id = `srvtoolu_${fnv1a(`${seed}\n${i}`)}${fnv1a(`${i}\n${query}`)}`
      sink.start({ type: "server_tool_use", id, name: "web_search", input: {} })
      sink.delta({ type: "input_json_delta", partial_json: JSON.stringify({ query }) })
      sink.stop()
      // Gemini does not say which query found which chunk: they all go with the first search.
      sink.start({ type: "web_search_tool_result", tool_use_id: id, content: i === 0 ? [...results.values()] : [] })
      sink.stop()
    })
    this.searches = queries.length
    if (this.held.length === 0) return
    // Without a search passed on, a citation would point at nothing.
    const placed = g === undefined || queries.length === 0 ? [] : placeSupports(this.held, g.supports)
    for (const span of splitAtSupports(this.held, placed)) {
      sink.start({ type: "text", text: "" })
      for (const citation of this.citations(span.supports, results)) sink.delta({ type: "citations_delta", citation })
      sink.delta({ type: "text_delta", text: span.text })
      sink.stop()
    }
  }

  /** One citation per result supporting the span (a result cited twice over it counts once). */
  private citations(
    supports: ReadonlyArray<{ readonly cited: string; readonly chunks: ReadonlyArray<number> }>,
    results: ReadonlyMap<number, WebSearchResult>
  ): Array<WebSearchCitation> {
    const out = new Map<number, WebSearchCitation>()
    for (const s of supports) {
      for (const i of s.chunks) {
        const r = results.get(i)
        if (r === undefined || out.has(i)) continue
        out.set(i, { type: "web_search_result_location", url: r.url, title: r.title, encrypted_index: foreignSignature("gemini", String(i)), cited_text: s.cited })
      }
    }
    return [...out.values()]
  }
}
