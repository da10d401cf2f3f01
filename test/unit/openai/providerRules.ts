/**
 * What the real providers refuse, as a checker of translated bodies: each rule is one 400 a real
 * provider answers (quoting its message where the catalogue or the brief records it), keyed by format
 * and model. `refusals` lists every rule a body breaks; a body the provider would accept gives [].
 */
type Body = Record<string, unknown>
type Item = Record<string, unknown>

const items = (v: unknown): Array<Item> => (Array.isArray(v) ? v.filter((x): x is Item => typeof x === "object" && x !== null) : [])

const above = (v: unknown, max: number): boolean => typeof v === "number" && v > max

/** Chat Completions (`/chat/completions`). */
const chatRules = (model: string, b: Body): Array<string> => {
  const out: Array<string> = []
  const messages = items(b["messages"])
  if (/^(gpt-5|o\d)/.test(model)) {
    if ("max_tokens" in b) out.push("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.")
    if (above(b["max_completion_tokens"], model.startsWith("gpt-5") ? 128_000 : 100_000)) out.push("max_completion_tokens above the model's output limit")
    if ("temperature" in b && b["temperature"] !== 1) out.push("Unsupported value: 'temperature' does not support this value with this model. Only the default (1) value is supported.")
    if ("top_p" in b && b["top_p"] !== 1) out.push("Unsupported value: 'top_p' does not support this value with this model.")
  }
  if (model === "deepseek-chat") {
    const max = b["max_tokens"]
    if (typeof max === "number" && (max < 1 || max > 8192)) out.push("Invalid max_tokens value, the valid range of max_tokens is [1, 8192]")
    if (messages.some((m) => items(m["content"]).some((p) => p["type"] === "image_url"))) out.push("unknown variant `image_url`, expected `text`")
  }
  if (/qwen/i.test(model) && messages.some((m, i) => i > 0 && m["role"] === "system")) out.push("System message must be at the beginning.")
  return out
}

/** The Responses API (`/responses`). */
const responsesRules = (model: string, b: Body): Array<string> => {
  const out: Array<string> = []
  const input = items(b["input"])
  const max = b["max_output_tokens"]
  if (typeof max === "number" && max < 16) out.push("Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16")
  const limit = model.startsWith("gpt-4.1") ? 32_768 : model.startsWith("gpt-4o") ? 16_384 : model.startsWith("gpt-5") ? 128_000 : undefined
  if (limit !== undefined && above(max, limit)) out.push(`max_output_tokens above the model's output limit (${limit})`)
  if (/^gpt-4(\.1|o)/.test(model)) {
    if ("reasoning" in b) out.push("Unsupported parameter: 'reasoning.effort' is not supported with this model.")
    const include: unknown = b["include"]
    if (Array.isArray(include) && include.some((x) => String(x).startsWith("reasoning"))) out.push("Encrypted content is not supported with this model.")
    if (input.some((i) => i["type"] === "reasoning")) out.push("reasoning input items for a model that does not reason")
  }
  if (/^gpt-5\.[1-9]/.test(model)) {
    if ("temperature" in b) out.push("Unsupported parameter: 'temperature' is not supported with this model.")
    if ("top_p" in b) out.push("Unsupported parameter: 'top_p' is not supported with this model.")
  }
  if (/qwen/i.test(model) && input.some((i) => i["type"] === "message" && (i["role"] === "system" || i["role"] === "developer"))) {
    // vLLM renders `instructions` as the first system message and these as later ones.
    out.push("System message must be at the beginning.")
  }
  return out
}

export const refusals = (format: "openai" | "openai-responses", model: string, body: Body): Array<string> =>
  format === "openai" ? chatRules(model, body) : responsesRules(model, body)
