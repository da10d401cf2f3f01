/**
 * Anthropic content blocks -> Chat Completions content parts, fitted to the model: images it does
 * not accept and documents it cannot read become short text notes, tool_reference blocks become text.
 */
import type { Capabilities } from "../../Capabilities/Capabilities.js"
import type { ContentBlock, DocumentBlock, ImageSource, OtherBlock, ToolResultBlock } from "../anthropic/Messages.js"
import { imageMediaType, imageRefusal, otherBlockText } from "./shape.js"

export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } }

export const decodeBase64Text = (data: string): string => {
  const bin = atob(data)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}

/** An image part, or the note the model gets instead when it does not take this image. */
const imagePart = (source: ImageSource, caps: Capabilities): ChatContentPart => {
  const note = imageRefusal(imageMediaType(source), caps)
  if (note !== undefined) return { type: "text", text: note }
  const url = source.type === "base64" ? `data:${source.media_type};base64,${source.data}` : source.url
  return { type: "image_url", image_url: { url } }
}

/** A document as text parts (and images, for `content` documents holding images). A PDF becomes a
 * short note rather than a `file` part: only some OpenAI-compatible servers accept `file`, the others
 * answer 400 and the whole fallback fails, while a note keeps the turn usable. */
const documentParts = (doc: DocumentBlock, caps: Capabilities): Array<ChatContentPart> => {
  const src = doc.source
  const label = doc.title !== undefined ? `Document: ${doc.title}\n` : ""
  const ctx = doc.context !== undefined ? `\n\n${doc.context}` : ""
  const text = (body: string): Array<ChatContentPart> => [{ type: "text", text: `${label}${body}${ctx}` }]
  switch (src.type) {
    case "text":
      return text(src.data)
    case "content":
      if (typeof src.content === "string") return text(src.content)
      return label === "" && ctx === "" ? partsOf(src.content, caps) : [...text(""), ...partsOf(src.content, caps)]
    case "url":
      return text(`[Document at ${src.url} omitted: this provider cannot read documents]`)
    case "base64":
      if (src.media_type.startsWith("text/")) {
        try {
          return text(decodeBase64Text(src.data))
        } catch {
          // fall through to the note
        }
      }
      if (src.media_type.startsWith("image/")) return [imagePart(src, caps)]
      return text(`[${src.media_type === "application/pdf" ? "PDF" : src.media_type} document omitted: this provider cannot read it]`)
  }
}

/** User-visible content blocks -> parts. tool_use/tool_result/thinking are handled by the callers. */
export const partsOf = (blocks: ReadonlyArray<ContentBlock | OtherBlock>, caps: Capabilities): Array<ChatContentPart> => {
  const out: Array<ChatContentPart> = []
  for (const raw of blocks) {
    const b = raw as ContentBlock
    if (b.type === "text") {
      if (typeof b.text === "string" && b.text !== "") out.push({ type: "text", text: b.text })
    } else if (b.type === "image") {
      out.push(imagePart(b.source, caps))
    } else if (b.type === "document") {
      out.push(...documentParts(b, caps))
    } else {
      const text = otherBlockText(raw)
      if (text !== undefined) out.push({ type: "text", text })
    }
  }
  return out
}

/** Text-only content goes as a string: some OpenAI-compatible servers accept nothing else. */
export const collapse = (parts: Array<ChatContentPart>): string | Array<ChatContentPart> =>
  parts.every((p) => p.type === "text") ? parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n") : parts

/** A tool result as the text of a tool message (tool messages take text only) and the images it
 * returned, for a following user message. */
export const toolResult = (block: ToolResultBlock, caps: Capabilities): { text: string; images: Array<ChatContentPart> } => {
  const parts = typeof block.content === "string" ? [{ type: "text" as const, text: block.content }] : partsOf(block.content ?? [], caps)
  const images = parts.filter((p) => p.type === "image_url")
  let text = parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n")
  if (images.length > 0) text += `${text === "" ? "" : "\n"}[${images.length} image(s) attached in the next user message]`
  // Without the marker the model would read a failed call as a success.
  if (block.is_error === true) text = `Error: ${text}`
  const label: ChatContentPart = { type: "text", text: `Images returned by tool call ${block.tool_use_id}:` }
  return { text, images: images.length > 0 ? [label, ...images] : [] }
}
