/**
 * Anthropic's sampling, limits and thinking -> Gemini's generationConfig, within what the model
 * takes (Capabilities): the output limit clamped to its maximum, a thinking budget inside its range
 * and none for a model that does not think, no sampling for a model that refuses it, and nothing
 * the provider is known to refuse.
 */
import { type Capabilities, clampOutput, fitBudget } from "../../Capabilities/Capabilities.js"
import type { MessagesRequest } from "../anthropic/Messages.js"
import type { GeminiRequest } from "./wire.js"

type GenerationConfig = NonNullable<GeminiRequest["generationConfig"]>
type ThinkingConfig = NonNullable<GenerationConfig["thinkingConfig"]>

/** Gemini accepts at most this many stop sequences. */
const MAX_STOP_SEQUENCES = 5
/**
 * The translator's own default when the capabilities do not know the model's thinking range (see
 * Capabilities.thinking): the largest budget any Gemini model takes.
 */
const UNKNOWN_MAX_BUDGET = 32768

/** Each config field with the request field it comes from: either name (or the field's dotted
 * body path, as learned from a 400) in refusedParams drops it. */
const PARAM_NAMES: ReadonlyArray<readonly [keyof GenerationConfig, string]> = [
  ["maxOutputTokens", "max_tokens"],
  ["stopSequences", "stop_sequences"],
  ["temperature", "temperature"],
  ["topP", "top_p"],
  ["topK", "top_k"],
  ["thinkingConfig", "thinking"]
]

export const generationConfig = (request: MessagesRequest, caps: Capabilities, model: string): GenerationConfig => {
  const config: GenerationConfig = {}
  const max = clampOutput(request.max_tokens, caps)
  if (max !== undefined) config.maxOutputTokens = max
  const stops = (request.stop_sequences ?? []).filter((s) => typeof s === "string" && s.length > 0)
  if (stops.length > 0) config.stopSequences = stops.slice(0, MAX_STOP_SEQUENCES)
  // Reasoning models refuse sampling parameters rather than ignoring them.
  if (caps.sampling) {
    if (typeof request.temperature === "number") config.temperature = request.temperature
    if (typeof request.top_p === "number") config.topP = request.top_p
    if (typeof request.top_k === "number") config.topK = request.top_k
  }
  const thinking = thinkingConfig(request.thinking, caps, max, model)
  if (thinking !== undefined) config.thinkingConfig = thinking
  for (const [field, asked] of PARAM_NAMES) {
    const refused = [field, `generationConfig.${field}`, asked].some((n) => caps.refusedParams.has(n))
    if (refused) delete config[field]
  }
  return config
}

/** Gemini 1.x, 2.0 and Gemma answer 400 "thinking_config is not supported" rather than ignoring it. */
const supportsThinking = (model: string): boolean =>
  model.includes("thinking") || !/^(?:models\/)?(?:gemini-(?:1\.|2\.0-)|gemma-)/.test(model)

const thinkingConfig = (
  thinking: MessagesRequest["thinking"],
  caps: Capabilities,
  max: number | undefined,
  model: string
): ThinkingConfig | undefined => {
  const range = caps.thinking
  if (thinking === undefined || range?.kind === "none" || !supportsThinking(model)) return undefined
  switch (thinking.type) {
    case "enabled": {
      // Anthropic's rule, kept: the budget leaves room for the answer within the output limit.
      let asked = Math.max(0, thinking.budget_tokens)
      if (max !== undefined && asked >= max) asked = Math.max(0, max - 1)
      // Then the model's range wins (2.5 Pro cannot think less than 128, 2.5 Flash more than 24576).
      const budget = range === undefined ? Math.min(asked, UNKNOWN_MAX_BUDGET) : fitBudget(asked, caps)
      return budget === undefined ? undefined : { thinkingBudget: budget, includeThoughts: true }
    }
    case "adaptive":
      // No budget: the model's own dynamic thinking, which every thinking Gemini model takes.
      return { includeThoughts: true }
    case "disabled":
      // As little as the model allows: 0 turns thinking off where it can be (Flash), the minimum
      // elsewhere (Pro cannot turn it off). Unknown range: the model's default, as before.
      return range?.kind === "budget" ? { thinkingBudget: range.min } : undefined
  }
}
