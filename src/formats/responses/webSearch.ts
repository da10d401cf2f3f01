/**
 * Anthropic's web search server tool (`web_search_20250305`, any `web_search_*` version) on the
 * Responses API's built-in `web_search` tool: the request side, and the shapes of the Anthropic
 * blocks the answer becomes (citations.ts builds them). Claude Code's WebSearch tool sends a request
 * offering only this tool and builds its result from the answer's `server_tool_use` /
 * `web_search_tool_result` blocks and its text, so those must come back in Anthropic's shapes.
 * https://platform.openai.com/docs/guides/tools-web-search
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool
 */
import type { MessagesRequest, Tool } from "../anthropic/Messages.js"

/** The Responses API's web search tool (it has no blocked-domain list and no use limit). */
export interface WebSearchTool {
  type: "web_search"
  filters?: { allowed_domains: Array<string> }
  user_location?: { type: "approximate"; city?: string; region?: string; country?: string; timezone?: string }
}

/** The Anthropic web search tool's fields (the request is parsed JSON: each is checked before use). */
type AnthropicWebSearch = Tool & {
  readonly max_uses?: unknown
  readonly allowed_domains?: unknown
  readonly blocked_domains?: unknown
  readonly user_location?: unknown
}

/** A tool with a `type` other than `custom` is one of Anthropic's own: it has no schema, so it is
 * never a function (the chain sends a request here only when its server tools can be served). */
export const isServerTool = (tool: Tool): boolean => tool.type !== undefined && tool.type !== "custom"

export const isWebSearch = (tool: Tool): boolean => typeof tool.type === "string" && tool.type.startsWith("web_search_")

const strings = (v: unknown): Array<string> => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string" && s !== "") : [])

const LOCATION_FIELDS = ["city", "region", "country", "timezone"] as const

/** Anthropic's web search tool -> the Responses one: allowed domains as filters, the location as is. */
export const webSearchTool = (tool: Tool): WebSearchTool => {
  const t = tool as AnthropicWebSearch
  const out: WebSearchTool = { type: "web_search" }
  const allowed = strings(t.allowed_domains)
  if (allowed.length > 0) out.filters = { allowed_domains: allowed }
  const loc = t.user_location
  if (typeof loc === "object" && loc !== null) {
    const location: NonNullable<WebSearchTool["user_location"]> = { type: "approximate" }
    for (const field of LOCATION_FIELDS) {
      const value = (loc as Record<string, unknown>)[field]
      if (typeof value === "string" && value !== "") location[field] = value
    }
    out.user_location = location
  }
  return out
}

/** What the answer's translation must honour of the client's web search tool. */
export interface SearchPlan {
  /** at most this many search calls are passed on (the upstream has no such limit) */
  readonly maxUses: number | undefined
  /** results and citations from these domains (and their subdomains) are left out */
  readonly blocked: ReadonlyArray<string>
}

/** A domain rule as Anthropic reads it: a scheme, a path and a leading `www.` do not matter. */
const domainOf = (rule: string): string =>
  rule.toLowerCase().replace(/^[a-z]+:\/\//, "").split("/")[0]?.replace(/^(?:www\.|\.+)/, "") ?? ""

/** The plan of the request's web search tool, or undefined when it offers none. */
export const searchPlan = (request: MessagesRequest): SearchPlan | undefined => {
  const tool = (request.tools ?? []).find(isWebSearch) as AnthropicWebSearch | undefined
  if (tool === undefined) return undefined
  const max = tool.max_uses
  const maxUses = typeof max === "number" && Number.isFinite(max) && max >= 0 ? Math.floor(max) : undefined
  return { maxUses, blocked: strings(tool.blocked_domains).map(domainOf).filter((d) => d !== "") }
}

/** OpenAI tags the URLs its answers cite with `utm_source=openai`; the sources carry them without. */
export const cleanUrl = (url: string): string =>
  url.replace(/([?&])utm_source=openai(&|(?=#)|$)/, (_m, lead: string, tail: string) => (tail === "&" ? lead : ""))

export const isBlocked = (plan: SearchPlan, url: string): boolean => {
  if (plan.blocked.length === 0) return false
  let host: string
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^www\./, "")
  } catch {
    return false
  }
  return plan.blocked.some((d) => host === d || host.endsWith(`.${d}`))
}

// ---- The Anthropic blocks a search answer becomes (Messages.ts types only what the proxy reads).

export type ServerToolUseBlock = {
  readonly type: "server_tool_use"
  readonly id: string
  readonly name: "web_search"
  readonly input: { readonly query: string }
}

export type WebSearchResult = {
  readonly type: "web_search_result"
  readonly url: string
  readonly title: string
  readonly page_age: string | null
  readonly encrypted_content: string
}

export type WebSearchToolResultBlock = {
  readonly type: "web_search_tool_result"
  readonly tool_use_id: string
  readonly content: ReadonlyArray<WebSearchResult> | { readonly type: "web_search_tool_result_error"; readonly error_code: "unavailable" }
}

export type WebSearchCitation = {
  readonly type: "web_search_result_location"
  readonly url: string
  readonly title: string | null
  readonly encrypted_index: string
  readonly cited_text: string
}

export type CitedTextBlock = { readonly type: "text"; readonly text: string; readonly citations?: ReadonlyArray<WebSearchCitation> }
