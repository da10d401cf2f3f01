/**
 * The client's side of the conversation -> Gemini parts: text, images, documents and tool results,
 * shaped by what the model takes (Capabilities): an image of a type it refuses, or a PDF it cannot
 * read, becomes a short note in its place rather than a part that fails the whole request.
 */
import type { Capabilities } from "../../Capabilities/Capabilities.js"
import { mediaTypeOfUrl } from "../MediaTypes.js"
import type { DocumentBlock, ImageBlock, ImageSource, Message, OtherBlock, TextBlock, ToolResultBlock } from "../anthropic/Messages.js"
import type { GeminiTools } from "./tools.js"
import type { GeminiPart } from "./wire.js"

export type Block = Exclude<Message["content"], string>[number]

export const textPart = (text: string): Array<GeminiPart> => (text.length > 0 ? [{ text }] : [])

export const userParts = (
  content: Message["content"],
  useNames: ReadonlyMap<string, string>,
  tools: GeminiTools,
  caps: Capabilities
): Array<GeminiPart> => {
  if (typeof content === "string") return textPart(content)
  // Function responses first: they answer the previous model turn's calls.
  const responses: Array<GeminiPart> = []
  const rest: Array<GeminiPart> = []
  for (const b of content) {
    if (b.type !== "tool_result") {
      rest.push(...contentParts(b, caps))
      continue
    }
    const result = b as ToolResultBlock
    const inner: ReadonlyArray<Block> = typeof result.content === "string" ? [{ type: "text", text: result.content }] : result.content ?? []
    const texts: Array<string> = []
    let attached = 0
    for (const c of inner) {
      // functionResponse carries text only: media follow in the same user turn, notes stay in it.
      for (const part of contentParts(c, caps)) {
        if (part.text !== undefined) texts.push(part.text)
        else {
          rest.push(part)
          attached++
        }
      }
    }
    let text = texts.join("\n")
    if (text.length === 0 && attached > 0) text = "(output attached below)"
    responses.push({
      functionResponse: {
        name: tools.name(useNames.get(result.tool_use_id) ?? "unknown_tool"),
        response: result.is_error === true ? { error: text } : { content: text }
      }
    })
  }
  return [...responses, ...rest]
}

/** Blocks the model reads as text; undefined for media and for what has no text form. */
const readable = (b: Block): string | undefined => {
  const o: OtherBlock = b
  switch (o.type) {
    case "text":
      return typeof o["text"] === "string" ? o["text"] : ""
    case "tool_reference":
      // Claude Code's ToolSearch answers with these: the named tool's declaration is now in the request.
      return typeof o["tool_name"] === "string" ? `Tool ${o["tool_name"]} is now available.` : undefined
    case "search_result": {
      const inner = Array.isArray(o["content"]) ? (o["content"] as ReadonlyArray<Block>).map(readable).filter((t) => t !== undefined) : []
      const head = [o["title"], o["source"]].filter((s): s is string => typeof s === "string" && s.length > 0)
      return [...head, ...inner].join("\n\n")
    }
    default:
      return undefined
  }
}

/** Any user-turn block but tool_result -> parts. A block with no Gemini counterpart leaves a note. */
const contentParts = (b: Block, caps: Capabilities): Array<GeminiPart> => {
  switch (b.type) {
    case "image":
      return [imagePart((b as ImageBlock).source, caps)]
    case "document": {
      const doc = b as DocumentBlock
      const source = doc.source
      if (source.type === "text") return textPart(doc.title === undefined ? source.data : `${doc.title}\n\n${source.data}`)
      if (source.type === "content") {
        return typeof source.content === "string" ? textPart(source.content) : source.content.flatMap((c) => contentParts(c, caps))
      }
      const part = sourcePart(source, "document")
      const pdf = (part.inlineData ?? part.fileData)?.mimeType === "application/pdf"
      return [pdf && !caps.pdf ? { text: "[PDF document omitted: this model does not accept PDFs]" } : part]
    }
    default: {
      const text = readable(b)
      // Never silently: the model should know something was there.
      return text === undefined ? [{ text: `[${b.type} block omitted: this model cannot read it]` }] : textPart(text)
    }
  }
}

/** An image, or a note when the model does not take its type (caps.imageTypes). */
const imagePart = (source: ImageSource, caps: Capabilities): GeminiPart => {
  const part = sourcePart(source, "image")
  const mimeType = (part.inlineData ?? part.fileData)?.mimeType
  const accepted = caps.imageTypes
  if (mimeType === undefined || accepted === undefined) return part
  if (accepted === "none") return { text: "[image omitted: this model does not accept images]" }
  return accepted.includes(mimeType) ? part : { text: `[image omitted: ${mimeType} is not accepted by this model]` }
}


/** Media types compare lower-case; "image/jpg" is a common misspelling of image/jpeg. */
const normalMime = (mime: string): string => {
  const lower = mime.trim().toLowerCase()
  return lower === "image/jpg" ? "image/jpeg" : lower
}

const sourcePart = (source: ImageSource, kind: "image" | "document"): GeminiPart => {
  if (source.type === "base64") return { inlineData: { mimeType: normalMime(source.media_type), data: source.data } }
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(source.url)
  if (data?.[1] !== undefined && data[2] !== undefined) return { inlineData: { mimeType: normalMime(data[1]), data: data[2] } }
  // Anthropic URL documents are PDFs; an image of unknown type is better described than guessed.
  const fallback = kind === "document" ? "application/pdf" : undefined
  const mimeType = mediaTypeOfUrl(source.url) ?? fallback
  return mimeType === undefined ? { text: `[${kind}: ${source.url}]` } : { fileData: { mimeType, fileUri: source.url } }
}

/** The text of a system message's content (mid-conversation system messages are text). */
export const textParts = (content: Message["content"]): Array<GeminiPart> =>
  typeof content === "string" ? textPart(content) : content.flatMap((b) => (b.type === "text" ? textPart((b as TextBlock).text) : []))
