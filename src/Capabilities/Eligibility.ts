/**
 * Eligibility: whether a provider can serve a request at all, decided before calling it. A request
 * with more tools than the model takes, an image or PDF in the turn being answered where the model
 * takes none at all, or an input estimated beyond the context window is not sent there: the chain skips the
 * provider with the reason (`150 tools > 128`). Older images and documents in the history do not
 * count: the translators turn them into short notes.
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
  return { tools: request.tools?.length ?? 0, images, pdfs: pdfs.n, inputTokens: estimateInputTokens(request) }
}

/** Whether anything in the capabilities can rule a request out (then `needsOf` is worth computing). */
export const constrains = (caps: Capabilities): boolean =>
  caps.maxTools !== undefined || caps.contextWindow !== undefined || caps.imageTypes === "none" || !caps.pdf

export type Unmet =
  | { readonly kind: "tools" | "images" | "pdf"; readonly why: string }
  | { readonly kind: "context"; readonly why: string; readonly input: number; readonly window: number }

/** The first need the provider cannot meet, or undefined when it can serve the request. */
export const unmet = (needs: Needs, caps: Capabilities): Unmet | undefined => {
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
