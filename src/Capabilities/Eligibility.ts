/**
 * Eligibility: whether a provider can serve a request at all, decided before calling it. A request
 * with more tools than the model takes, an image or PDF in the turn being answered where the model
 * takes none at all, or an input estimated beyond the context window is not sent there: the chain skips the
 * provider with the reason (`150 tools > 128`). So is a request offering an Anthropic server tool
 * (web search, web fetch, code execution, ...) the provider cannot run, or a web search with
 * `blocked_domains` it cannot honour. Older images and documents in the history do not count: the
 * translators turn them into short notes.
 */
import type { ContentBlock, MessagesRequest, OtherBlock } from "../formats/anthropic/Messages.js"
import { estimateInputTokens } from "../TokenEstimate.js"
import type { Capabilities } from "./Capabilities.js"

/** What a request needs from a provider, computed once per request (lazily). */
export interface Needs {
  readonly tools: number
  /** media types of the images in the last user turn (tool results included) */
  readonly images: ReadonlyArray<string>
  /** PDFs in the last user turn */
  readonly pdfs: number
  /** the input, estimated (4 characters a token) */
  readonly inputTokens: number
  /** Anthropic server tools the request offers, by kind (`web_search_20250305` -> `web_search`) */
  readonly serverTools: ReadonlyArray<string>
  /** a web search that must not return these domains */
  readonly blockedDomains: boolean
}

/** A tool with a `type` other than `custom` is one of Anthropic's own (server or schema-less) tools. */
const serverToolKind = (tool: unknown): string | undefined => {
  const type = typeof tool === "object" && tool !== null ? (tool as { type?: unknown }).type : undefined
  return typeof type === "string" && type !== "custom" ? type.replace(/_\d{8}$/, "") : undefined
}

type Block = ContentBlock | OtherBlock

const collectMedia = (blocks: ReadonlyArray<Block>, images: Array<string>, pdfs: { n: number }): void => {
  for (const b of blocks) {
    if (b.type === "image") {
      const source = (b as { source?: { type?: string; media_type?: string } }).source
      images.push(source?.type === "base64" ? source.media_type ?? "image/unknown" : "image/url")
    } else if (b.type === "document") {
      const source = (b as { source?: { media_type?: string; type?: string } }).source
      if (source?.media_type === "application/pdf" || (source?.type === "url" && source.media_type === undefined)) pdfs.n++
    } else if (b.type === "tool_result") {
      const content = (b as { content?: unknown }).content
      if (Array.isArray(content)) collectMedia(content as ReadonlyArray<Block>, images, pdfs)
    }
  }
}

export const needsOf = (request: MessagesRequest): Needs => {
  const images: Array<string> = []
  const pdfs = { n: 0 }
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!
    if (m.role !== "user") continue
    if (typeof m.content !== "string") collectMedia(m.content, images, pdfs)
    break
  }
  const tools = request.tools ?? []
  const serverTools = [...new Set(tools.map(serverToolKind).filter((k): k is string => k !== undefined))]
  const blockedDomains = tools.some((t) => serverToolKind(t) === "web_search" && ((t as { blocked_domains?: ReadonlyArray<string> }).blocked_domains?.length ?? 0) > 0)
  return { tools: tools.length, images, pdfs: pdfs.n, inputTokens: estimateInputTokens(request), serverTools, blockedDomains }
}

/** Whether anything in the capabilities can rule a request out (then `needsOf` is worth computing). */
export const constrains = (caps: Capabilities): boolean =>
  caps.maxTools !== undefined || caps.contextWindow !== undefined || caps.imageTypes === "none" || !caps.pdf || caps.serverTools !== "all"

export type Unmet =
  | { readonly kind: "tools" | "images" | "pdf" | "server-tool"; readonly why: string }
  | { readonly kind: "context"; readonly why: string; readonly input: number; readonly window: number }

/** The first need the provider cannot meet, or undefined when it can serve the request. */
export const unmet = (needs: Needs, caps: Capabilities): Unmet | undefined => {
  // A search, fetch or code run the provider cannot do is never answered as if it had been done.
  if (caps.serverTools !== "all") {
    const missing = needs.serverTools.find((k) => !(caps.serverTools as ReadonlySet<string>).has(k))
    if (missing !== undefined) return { kind: "server-tool", why: `no ${missing} server tool` }
  }
  if (needs.blockedDomains && !caps.blockedDomains) return { kind: "server-tool", why: "web search cannot honour blocked_domains" }
  if (caps.maxTools !== undefined && needs.tools > caps.maxTools) return { kind: "tools", why: `${needs.tools} tools > ${caps.maxTools}` }
  // An image of a type the model does not take becomes a note (the translator's job); a model that
  // takes no images at all cannot answer a turn about one.
  if (needs.images.length > 0 && caps.imageTypes === "none") return { kind: "images", why: "images not accepted" }
  if (needs.pdfs > 0 && !caps.pdf) return { kind: "pdf", why: "PDFs not accepted" }
  if (caps.contextWindow !== undefined && needs.inputTokens > caps.contextWindow) {
    return { kind: "context", why: `~${needs.inputTokens} input tokens > context window ${caps.contextWindow}`, input: needs.inputTokens, window: caps.contextWindow }
  }
  return undefined
}
