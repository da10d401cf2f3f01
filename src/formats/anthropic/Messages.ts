/**
 * The parts of the Anthropic Messages API the proxy reads and writes.
 *
 * Requests are decoded loosely (only `model` and `messages` are required) because Claude Code sends
 * many fields that change between versions; translators read what they understand and drop the rest.
 */
import { Schema } from "effect"

/** What the proxy validates locally before any upstream is called. */
export const MessagesRequestSchema = Schema.Struct({
  model: Schema.String.pipe(Schema.minLength(1)),
  messages: Schema.Array(
    Schema.Struct({
      role: Schema.Literal("user", "assistant", "system"),
      content: Schema.Union(Schema.String, Schema.Array(Schema.Object))
    })
  )
}).annotations({ identifier: "MessagesRequest" })

export type CacheControl = { readonly type: "ephemeral"; readonly ttl?: string }

export type ImageSource =
  | { readonly type: "base64"; readonly media_type: string; readonly data: string }
  | { readonly type: "url"; readonly url: string }

export type TextBlock = { readonly type: "text"; readonly text: string; readonly cache_control?: CacheControl }
export type ImageBlock = { readonly type: "image"; readonly source: ImageSource; readonly cache_control?: CacheControl }
export type DocumentBlock = {
  readonly type: "document"
  readonly source:
    | ImageSource
    | { readonly type: "text"; readonly media_type: string; readonly data: string }
    | { readonly type: "content"; readonly content: string | ReadonlyArray<ContentBlock> }
  readonly title?: string
  readonly context?: string
}
export type ToolUseBlock = { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: unknown }
export type ToolResultBlock = {
  readonly type: "tool_result"
  readonly tool_use_id: string
  readonly content?: string | ReadonlyArray<ContentBlock>
  readonly is_error?: boolean
}
export type ThinkingBlock = { readonly type: "thinking"; readonly thinking: string; readonly signature?: string }
export type RedactedThinkingBlock = { readonly type: "redacted_thinking"; readonly data: string }
/** server_tool_use, web_search_tool_result and whatever comes next. */
export type OtherBlock = { readonly type: string; readonly [key: string]: unknown }

export type ContentBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock

export type Message = {
  readonly role: "user" | "assistant" | "system"
  readonly content: string | ReadonlyArray<ContentBlock | OtherBlock>
}

export type Tool = {
  readonly name: string
  readonly description?: string
  readonly input_schema?: unknown
  /** server tools (web_search_20250305, ...) carry a `type` and no input_schema */
  readonly type?: string
}

export type ToolChoice =
  | { readonly type: "auto"; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: "any"; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: "tool"; readonly name: string; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: "none" }

export type Thinking =
  | { readonly type: "enabled"; readonly budget_tokens: number }
  | { readonly type: "adaptive"; readonly display?: string }
  | { readonly type: "disabled" }

/** A Messages request as Claude Code sends it. */
export type MessagesRequest = {
  readonly model: string
  readonly messages: ReadonlyArray<Message>
  readonly system?: string | ReadonlyArray<TextBlock>
  readonly tools?: ReadonlyArray<Tool>
  readonly tool_choice?: ToolChoice
  readonly max_tokens?: number
  readonly stop_sequences?: ReadonlyArray<string>
  readonly temperature?: number
  readonly top_p?: number
  readonly top_k?: number
  readonly stream?: boolean
  readonly thinking?: Thinking
  readonly metadata?: { readonly user_id?: string }
  readonly output_config?: { readonly effort?: string }
  readonly [key: string]: unknown
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal"

export type Usage = {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens?: number
  cache_read_input_tokens?: number
}

/** A non-streaming Messages response. */
export type MessageResponse = {
  readonly id: string
  readonly type: "message"
  readonly role: "assistant"
  readonly model: string
  readonly content: ReadonlyArray<ContentBlock>
  readonly stop_reason: StopReason | null
  readonly stop_sequence: string | null
  readonly usage: Usage
}

/** Anthropic error types, by the HTTP status Anthropic answers them with. */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error"

export const errorTypeForStatus = (status: number): ErrorType => {
  switch (status) {
    case 400:
    case 422:
      return "invalid_request_error"
    case 401:
      return "authentication_error"
    case 402:
      return "billing_error"
    case 403:
      return "permission_error"
    case 404:
      return "not_found_error"
    case 413:
      return "request_too_large"
    case 408:
    case 504:
      return "timeout_error"
    case 429:
      return "rate_limit_error"
    case 503:
    case 529:
      return "overloaded_error"
    default:
      return status >= 500 ? "api_error" : "invalid_request_error"
  }
}

/** Anthropic's own wording for a context overflow; Claude Code parses it and retries with less. */
export const contextOverflowMessage = (input: number, maxTokens: number, limit: number): string =>
  `input length and \`max_tokens\` exceed context limit: ${input} + ${maxTokens} > ${limit}, decrease input length or \`max_tokens\` and try again`

export const errorBody = (type: ErrorType, message: string, requestId?: string) => ({
  type: "error" as const,
  error: { type, message },
  ...(requestId === undefined ? {} : { request_id: requestId })
})

/** Stream events (the Anthropic SSE grammar). */
export type StreamEvent =
  | { readonly type: "message_start"; readonly message: Omit<MessageResponse, "content"> & { content: [] } }
  | { readonly type: "content_block_start"; readonly index: number; readonly content_block: ContentBlock }
  | {
    readonly type: "content_block_delta"
    readonly index: number
    readonly delta:
      | { readonly type: "text_delta"; readonly text: string }
      | { readonly type: "input_json_delta"; readonly partial_json: string }
      | { readonly type: "thinking_delta"; readonly thinking: string }
      | { readonly type: "signature_delta"; readonly signature: string }
  }
  | { readonly type: "content_block_stop"; readonly index: number }
  | {
    readonly type: "message_delta"
    readonly delta: { readonly stop_reason: StopReason | null; readonly stop_sequence: string | null }
    readonly usage: Partial<Usage> & { output_tokens: number }
  }
  | { readonly type: "message_stop" }
  | { readonly type: "ping" }
  | { readonly type: "error"; readonly error: { readonly type: ErrorType; readonly message: string } }
