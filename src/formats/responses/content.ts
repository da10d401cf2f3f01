/**
 * Anthropic content blocks -> Responses API input content, fitted to the model: images it does not
 * accept and PDFs it cannot read become short text notes, tool_reference blocks become text.
 */
import type { Capabilities } from "../../Capabilities/Capabilities.js"
import type { ContentBlock, DocumentBlock, ImageSource, OtherBlock, ToolResultBlock } from "../anthropic/Messages.js"
import { decodeBase64Text } from "../openai/content.js"
import { imageMediaType, imageRefusal, otherBlockText, PDF_NOTE } from "../openai/shape.js"
import type { ToolNames } from "../openai/toolNames.js"

export type InputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "auto" }
  | { type: "input_file"; filename?: string; file_data?: string; file_url?: string }

export type FunctionCallOutput = { type: "function_call_output"; call_id: string; output: string | Array<InputContent> }

/** An image, or the note the model gets instead when it does not take this image. */
const image = (source: ImageSource, caps: Capabilities): InputContent => {
  const note = imageRefusal(imageMediaType(source), caps)
  if (note !== undefined) return { type: "input_text", text: note }
  const url = source.type === "base64" ? `data:${source.media_type};base64,${source.data}` : source.url
  return { type: "input_image", image_url: url, detail: "auto" }
}

const decodeText = (data: string): string | undefined => {
  try {
    return decodeBase64Text(data)
  } catch {
    return undefined
  }
}

/** A document: PDFs as `input_file` (data or URL) when the model reads them, text as `input_text`,
 * images as `input_image`. */
const documentContent = (doc: DocumentBlock, caps: Capabilities): Array<InputContent> => {
  const src = doc.source
  const label = doc.title !== undefined ? `Document: ${doc.title}\n` : ""
  const ctx = doc.context !== undefined ? `\n\n${doc.context}` : ""
  const text = (body: string): Array<InputContent> => [{ type: "input_text", text: `${label}${body}${ctx}` }]
  const head = label === "" && ctx === "" ? [] : text("")
  const filename = `${(doc.title ?? "document").replace(/[^\w.-]+/g, "_").slice(0, 60) || "document"}.pdf`
  switch (src.type) {
    case "text":
      return text(src.data)
    case "content":
      return typeof src.content === "string" ? text(src.content) : [...head, ...contentOf(src.content, caps)]
    case "url":
      // Anthropic's URL documents are PDFs.
      return caps.pdf ? [...head, { type: "input_file", file_url: src.url }] : text(PDF_NOTE)
    case "base64": {
      if (src.media_type.startsWith("image/")) return [image(src, caps)]
      if (src.media_type.startsWith("text/")) {
        const decoded = decodeText(src.data)
        if (decoded !== undefined) return text(decoded)
      }
      if (!caps.pdf) return text(PDF_NOTE)
      return [...head, { type: "input_file", filename, file_data: `data:${src.media_type};base64,${src.data}` }]
    }
  }
}

/** User-visible blocks -> input content; tool_use/tool_result/thinking are handled by the callers. */
export const contentOf = (blocks: ReadonlyArray<ContentBlock | OtherBlock>, caps: Capabilities): Array<InputContent> => {
  const out: Array<InputContent> = []
  for (const raw of blocks) {
    const b = raw as ContentBlock
    if (b.type === "text") {
      if (typeof b.text === "string" && b.text !== "") out.push({ type: "input_text", text: b.text })
    } else if (b.type === "image") {
      out.push(image(b.source, caps))
    } else if (b.type === "document") {
      out.push(...documentContent(b, caps))
    } else {
      const text = otherBlockText(raw)
      if (text !== undefined) out.push({ type: "input_text", text })
    }
  }
  return out
}

/** A tool result: text as a string, with images as parts; an error is said in the text (the API has
 * no is_error field, and without the marker the model would read a failed call as a success). */
export const toolOutput = (block: ToolResultBlock, ids: ToolNames, caps: Capabilities): FunctionCallOutput => {
  const parts = typeof block.content === "string" ? [{ type: "input_text" as const, text: block.content }] : contentOf(block.content ?? [], caps)
  const call_id = ids.toUpstream(block.tool_use_id)
  const error = block.is_error === true
  if (parts.every((p) => p.type === "input_text")) {
    const text = parts.map((p) => p.text).join("\n")
    return { type: "function_call_output", call_id, output: error ? `Error: ${text}` : text }
  }
  return { type: "function_call_output", call_id, output: error ? [{ type: "input_text", text: "Error:" }, ...parts] : parts }
}
