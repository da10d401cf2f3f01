/**
 * Gemini response parts -> Anthropic content blocks, as a sequence of start/delta/stop operations.
 * The streaming machine turns the operations into SSE events and the non-streaming path folds them into
 * a message, so both paths produce the same blocks for the same parts.
 *
 * Thought signatures ride in thinking blocks (see request.ts for the way back): a thought part's
 * signature becomes its thinking block's signature, and a signature on any other part (functionCall,
 * text) gets an empty "carrier" thinking block right before the block that part produces. Claude Code
 * echoes thinking blocks verbatim, so the next request finds each signature just before its part.
 */
import type { ContentBlock, StopReason, StreamEvent, TextBlock, Usage } from "../anthropic/Messages.js"
import { foreignSignature } from "../ForeignThinking.js"
import { type CallMapper, IDENTITY_CALLS } from "./tools.js"
import type { GeminiPart, GeminiUsage } from "./wire.js"

/** An Anthropic web_search_result_location citation (search.ts makes them from grounding supports). */
export type WebSearchCitation = {
  readonly type: "web_search_result_location"
  readonly url: string
  readonly title: string
  readonly encrypted_index: string
  readonly cited_text: string
}

export type WebSearchResult = {
  readonly type: "web_search_result"
  readonly url: string
  readonly title: string
  readonly page_age: null
  readonly encrypted_content: string
}

/**
 * Anthropic's own web search blocks, which Messages.ts's ContentBlock does not list (its OtherBlock
 * stands for them); a Gemini answer grounded in Google Search produces them (search.ts).
 */
export type ServerToolUseBlock = { readonly type: "server_tool_use"; readonly id: string; readonly name: "web_search"; readonly input: unknown }
export type WebSearchToolResultBlock = {
  readonly type: "web_search_tool_result"
  readonly tool_use_id: string
  readonly content: ReadonlyArray<WebSearchResult>
}
export type CitedTextBlock = TextBlock & { readonly citations?: ReadonlyArray<WebSearchCitation> }

export type AnthropicBlock = ContentBlock | CitedTextBlock | ServerToolUseBlock | WebSearchToolResultBlock

export type BlockDelta =
  | Extract<StreamEvent, { type: "content_block_delta" }>["delta"]
  | { readonly type: "citations_delta"; readonly citation: WebSearchCitation }

/** Usage with the searches counted, as Anthropic reports its own (`server_tool_use`). */
export type SearchUsage = Usage & { server_tool_use?: { web_search_requests: number } }

export interface BlockSink {
  start(block: AnthropicBlock): void
  delta(delta: BlockDelta): void
  stop(): void
}

export const geminiSignature = (payload: string | undefined): string => foreignSignature("gemini", payload ?? "")

export class PartAssembler {
  private open: "text" | "thinking" | undefined = undefined
  private thinkingSignature: string | undefined = undefined
  /** whether any functionCall was turned into a tool_use (decides stop_reason tool_use) */
  sawToolUse = false

  /** `calls` gives a functionCall back the client's tool name and input (see tools.ts). */
  constructor(
    private readonly sink: BlockSink,
    private readonly newToolId: () => string,
    private readonly calls: CallMapper = IDENTITY_CALLS
  ) {}

  part(p: GeminiPart): void {
    if (p.functionCall !== undefined) {
      this.close()
      if (p.thoughtSignature !== undefined) this.carrier(p.thoughtSignature)
      // A functionCall arrives whole: one tool_use block with its full input as a single delta.
      const { name, input } = this.calls.fromUpstream(p.functionCall)
      this.sink.start({ type: "tool_use", id: this.newToolId(), name, input: {} })
      this.sink.delta({ type: "input_json_delta", partial_json: JSON.stringify(input) })
      this.sink.stop()
      this.sawToolUse = true
      return
    }
    const text = p.text ?? ""
    if (p.thought === true) {
      if (this.open !== "thinking") {
        this.close()
        this.sink.start({ type: "thinking", thinking: "", signature: "" })
        this.open = "thinking"
      }
      if (text.length > 0) this.sink.delta({ type: "thinking_delta", thinking: text })
      if (p.thoughtSignature !== undefined) this.thinkingSignature = p.thoughtSignature
      return
    }
    if (p.thoughtSignature !== undefined) {
      this.close()
      this.carrier(p.thoughtSignature)
    }
    if (text.length === 0) return
    if (this.open !== "text") {
      this.close()
      this.sink.start({ type: "text", text: "" })
      this.open = "text"
    }
    this.sink.delta({ type: "text_delta", text })
  }

  /** Closes the open block, if any. */
  close(): void {
    if (this.open === "thinking") {
      this.sink.delta({ type: "signature_delta", signature: geminiSignature(this.thinkingSignature) })
      this.thinkingSignature = undefined
    }
    if (this.open !== undefined) this.sink.stop()
    this.open = undefined
  }

  private carrier(signature: string): void {
    this.sink.start({ type: "thinking", thinking: "", signature: "" })
    this.sink.delta({ type: "signature_delta", signature: geminiSignature(signature) })
    this.sink.stop()
  }
}

export const REFUSAL_REASONS: ReadonlySet<string> = new Set([
  "SAFETY",
  "RECITATION",
  "PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "IMAGE_SAFETY",
  "LANGUAGE"
])

/** finishReason -> stop_reason. A call that was emitted wins over STOP: the client must run it. */
export const stopReasonFor = (finishReason: string, sawToolUse: boolean): StopReason => {
  if (finishReason === "MAX_TOKENS") return "max_tokens"
  if (REFUSAL_REASONS.has(finishReason)) return "refusal"
  return sawToolUse ? "tool_use" : "end_turn"
}

/** The usage with `server_tool_use` when the answer searched (left out otherwise, as Anthropic does). */
export const withSearches = (usage: Usage, searches: number): SearchUsage =>
  searches > 0 ? { ...usage, server_tool_use: { web_search_requests: searches } } : usage

/** Gemini counts cached tokens inside promptTokenCount and thoughts outside candidatesTokenCount. */
export const toAnthropicUsage = (u: GeminiUsage | undefined): Usage => {
  if (u === undefined) {
    return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
  }
  return {
    input_tokens: Math.max(0, u.promptTokenCount - u.cachedContentTokenCount),
    output_tokens: u.candidatesTokenCount + u.thoughtsTokenCount,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: u.cachedContentTokenCount
  }
}
