/** The translator for each non-Anthropic format. */
import type { Format } from "../Config/Document.js"
import type { FormatAdapter } from "./Format.js"
import { GeminiFormat } from "./gemini/index.js"
import { OpenAiFormat } from "./openai/index.js"
import { OpenAiResponsesFormat } from "./responses/index.js"

const adapters: Partial<Record<Format, FormatAdapter>> = {
  openai: OpenAiFormat,
  "openai-responses": OpenAiResponsesFormat,
  gemini: GeminiFormat
}

export const adapterFor = (format: Format): FormatAdapter | undefined => adapters[format]
