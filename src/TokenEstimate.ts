/**
 * A token count for when no Anthropic-format provider can answer count_tokens (Claude Code would
 * otherwise estimate on its own, worse). The method: the JSON text of `system`, `messages` and
 * `tools`, with image and document data left out, at 4 characters per token, plus a flat 1,600
 * tokens per image and per PDF page-less document. On the real Claude Code request in
 * test/fixtures this lands within a few percent of the Claude tokenizer's count.
 */
import type { MessagesRequest } from "./formats/anthropic/Messages.js"

const CHARS_PER_TOKEN = 4
const TOKENS_PER_IMAGE = 1_600

export const estimateInputTokens = (request: MessagesRequest): number => {
  let images = 0
  // Base64 payloads are not text: count each image/document once instead of by its characters.
  const replacer = (key: string, value: unknown) => {
    if (key === "source" && typeof value === "object" && value !== null && "data" in value) {
      images++
      return undefined
    }
    return value
  }
  const text = JSON.stringify(request.system ?? "", replacer) + JSON.stringify(request.messages, replacer) +
    JSON.stringify(request.tools ?? [], replacer)
  return Math.ceil(text.length / CHARS_PER_TOKEN) + images * TOKENS_PER_IMAGE
}
