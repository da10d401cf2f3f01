/**
 * Anthropic Messages request -> OpenAI Responses API request (`POST {baseUrl}/responses`).
 *
 * Stateless: `store: false`, the whole conversation as input items every turn, the model's reasoning
 * carried across turns as encrypted items (see reasoning.ts). The body is built from scratch, so what
 * this module does not understand (cache_control, context_management, top_k, stop_sequences — the
 * Responses API has no stop parameter — and future fields) is dropped, not forwarded.
 */
import type {
  ContentBlock,
  DocumentBlock,
  ImageSource,
  Message,
  MessagesRequest,
  OtherBlock,
  TextBlock,
  ToolChoice,
  ToolResultBlock
} from "../anthropic/Messages.js"
import type { TranslateContext } from "../Format.js"
import { decodeBase64Text, outputTokenLimit, systemText } from "../openai/request.js"
import { fnv1a, ToolNames } from "../openai/toolNames.js"
import { providerTag, reasoningItem } from "./reasoning.js"

export type InputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "auto" }
  | { type: "input_file"; filename?: string; file_data?: string; file_url?: string }

export type InputItem =
  | { type: "message"; role: "user" | "system" | "developer"; content: Array<InputContent> }
  | { type: "message"; role: "assistant"; content: string }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string | Array<InputContent> }
  | { type: "reasoning"; id: string; encrypted_content: string; summary: Array<{ type: "summary_text"; text: string }> }

export interface FunctionTool {
  type: "function"
  name: string
  description?: string
  parameters: Record<string, unknown>
  strict: false
}

export type ResponsesToolChoice = "auto" | "required" | "none" | { type: "function"; name: string }

export type ReasoningEffort = "low" | "medium" | "high"

export interface ResponsesRequest {
  model: string
  input: Array<InputItem>
  instructions?: string
  tools?: Array<FunctionTool>
  tool_choice?: ResponsesToolChoice
  parallel_tool_calls?: boolean
  max_output_tokens?: number
  temperature?: number
  top_p?: number
  reasoning?: { effort: ReasoningEffort; summary?: "auto" | "concise" | "detailed" }
  include?: Array<"reasoning.encrypted_content">
  prompt_cache_key?: string
  store: false
  stream?: true
}

/** `max_output_tokens` below 16 is a 400; Claude Code probes with `max_tokens: 1`. */
const MIN_OUTPUT_TOKENS = 16
/** OpenAI's limit for `prompt_cache_key` and `call_id`. */
const MAX_KEY = 64

export const responsesUrl = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, "")}/responses`

/** The same headers as Chat Completions: the key as a bearer token, the provider's own headers over ours. */
export { chatHeaders as responsesHeaders } from "../openai/request.js"

const isText = (b: ContentBlock | OtherBlock): b is TextBlock => b.type === "text" && typeof b.text === "string"

const imageUrl = (source: ImageSource): string =>
  source.type === "base64" ? `data:${source.media_type};base64,${source.data}` : source.url

const decodeText = (data: string): string | undefined => {
  try {
    return decodeBase64Text(data)
  } catch {
    return undefined
  }
}

/** A document: PDFs as `input_file` (data or URL), text as `input_text`, images as `input_image`. */
const documentContent = (doc: DocumentBlock): Array<InputContent> => {
  const src = doc.source
  const label = doc.title !== undefined ? `Document: ${doc.title}\n` : ""
  const ctx = doc.context !== undefined ? `\n\n${doc.context}` : ""
  const text = (body: string): Array<InputContent> => [{ type: "input_text", text: `${label}${body}${ctx}` }]
  const filename = `${(doc.title ?? "document").replace(/[^\w.-]+/g, "_").slice(0, 60) || "document"}.pdf`
  switch (src.type) {
    case "text":
      return text(src.data)
    case "content":
      return typeof src.content === "string" ? text(src.content) : [...(label === "" && ctx === "" ? [] : text("")), ...contentOf(src.content)]
    case "url":
      return [...(label === "" && ctx === "" ? [] : text("")), { type: "input_file", file_url: src.url }]
    case "base64": {
      if (src.media_type.startsWith("image/")) return [{ type: "input_image", image_url: imageUrl(src), detail: "auto" }]
      if (src.media_type.startsWith("text/")) {
        const decoded = decodeText(src.data)
        if (decoded !== undefined) return text(decoded)
      }
      const file: InputContent = { type: "input_file", filename, file_data: `data:${src.media_type};base64,${src.data}` }
      return [...(label === "" && ctx === "" ? [] : text("")), file]
    }
  }
}

/** User-visible blocks -> input content; tool_use/tool_result/thinking are handled by the callers. */
const contentOf = (blocks: ReadonlyArray<ContentBlock | OtherBlock>): Array<InputContent> => {
  const out: Array<InputContent> = []
  for (const raw of blocks) {
    const b = raw as ContentBlock
    if (b.type === "text") {
      if (typeof b.text === "string" && b.text !== "") out.push({ type: "input_text", text: b.text })
    } else if (b.type === "image") {
      out.push({ type: "input_image", image_url: imageUrl(b.source), detail: "auto" })
    } else if (b.type === "document") {
      out.push(...documentContent(b))
    }
  }
  return out
}

/** A tool result: text as a string, with images as parts; an error is said in the text (the API has
 * no is_error field, and without the marker the model would read a failed call as a success). */
const toolOutput = (block: ToolResultBlock, ids: ToolNames): InputItem => {
  const parts = typeof block.content === "string" ? [{ type: "input_text" as const, text: block.content }] : contentOf(block.content ?? [])
  const call_id = ids.toUpstream(block.tool_use_id)
  const error = block.is_error === true
  if (parts.every((p) => p.type === "input_text")) {
    const text = parts.map((p) => p.text).join("\n")
    return { type: "function_call_output", call_id, output: error ? `Error: ${text}` : text }
  }
  return { type: "function_call_output", call_id, output: error ? [{ type: "input_text", text: "Error:" }, ...parts] : parts }
}

const userItems = (content: Message["content"], ids: ToolNames, out: Array<InputItem>): void => {
  if (typeof content === "string") {
    if (content !== "") out.push({ type: "message", role: "user", content: [{ type: "input_text", text: content }] })
    return
  }
  // Outputs first: they answer the calls of the turn before, and the rest of the turn follows them.
  for (const b of content) if (b.type === "tool_result") out.push(toolOutput(b as ToolResultBlock, ids))
  const rest = contentOf(content)
  if (rest.length > 0) out.push({ type: "message", role: "user", content: rest })
}

/** An assistant turn in block order: reasoning (ours only), text, function calls. */
const assistantItems = (content: Message["content"], names: ToolNames, ids: ToolNames, tag: string, out: Array<InputItem>): void => {
  if (typeof content === "string") {
    if (content !== "") out.push({ type: "message", role: "assistant", content })
    return
  }
  let text: Array<string> = []
  const flush = () => {
    if (text.length > 0) out.push({ type: "message", role: "assistant", content: text.join("\n\n") })
    text = []
  }
  for (const raw of content) {
    const b = raw as ContentBlock
    if (b.type === "text") {
      if (b.text !== "") text.push(b.text)
    } else if (b.type === "tool_use") {
      flush()
      out.push({ type: "function_call", call_id: ids.toUpstream(b.id), name: names.toUpstream(b.name), arguments: JSON.stringify(b.input ?? {}) })
    } else if (b.type === "thinking") {
      // Only this provider's own reasoning goes back, in its place; anyone else's would be a 400.
      const item = reasoningItem(tag, b.signature)
      if (item === undefined) continue
      flush()
      out.push({ type: "reasoning", id: item.id, encrypted_content: item.encryptedContent, summary: [] })
    }
  }
  flush()
}

const toolChoice = (choice: ToolChoice, names: ToolNames): ResponsesToolChoice => {
  switch (choice.type) {
    case "auto":
      return "auto"
    case "any":
      return "required"
    case "none":
      return "none"
    case "tool":
      return { type: "function", name: names.toUpstream(choice.name) }
  }
}

/** Thinking budget or effort -> a reasoning effort; undefined when the client asked for neither. */
export const reasoningEffort = (request: MessagesRequest): ReasoningEffort | undefined => {
  const effort = request.output_config?.effort
  if (effort === "low" || effort === "medium" || effort === "high") return effort
  if (effort === "max" || effort === "xhigh") return "high"
  const thinking = request.thinking
  if (thinking === undefined || thinking.type === "disabled") return undefined
  if (thinking.type === "adaptive") return "medium"
  return thinking.budget_tokens < 4_096 ? "low" : thinking.budget_tokens < 16_384 ? "medium" : "high"
}

/** A stable key per session (Claude Code's `metadata.user_id`), at most 64 characters. */
const cacheKey = (userId: string): string => (userId.length <= MAX_KEY ? userId : `${userId.slice(0, MAX_KEY - 9)}-${fnv1a(userId)}`)

export interface ResponsesRequestPlan {
  readonly body: ResponsesRequest
  /** tool names of this request, for mapping the answer back */
  readonly names: ToolNames
  /** the tag reasoning items of this provider carry */
  readonly tag: string
}

export const toResponsesRequest = (request: MessagesRequest, ctx: TranslateContext): ResponsesRequestPlan => {
  const { provider } = ctx
  const names = new ToolNames()
  // Call ids follow the same rule as names (<= 64 characters, the same id on every turn).
  const ids = new ToolNames()
  const tag = providerTag(provider)
  const input: Array<InputItem> = []
  for (const m of request.messages) {
    if (m.role === "user") userItems(m.content, ids, input)
    else if (m.role === "assistant") assistantItems(m.content, names, ids, tag, input)
    else {
      const text = typeof m.content === "string" ? m.content : m.content.filter(isText).map((b) => b.text).join("\n\n")
      if (text !== "") input.push({ type: "message", role: "developer", content: [{ type: "input_text", text }] })
    }
  }
  const body: ResponsesRequest = { model: ctx.model, input, store: false }
  const system = systemText(request.system)
  if (system !== "") body.instructions = system
  // Server tools (web_search, ...) have no schema and cannot run elsewhere. Without `strict: false`
  // the API makes every property required.
  const tools = (request.tools ?? []).flatMap((t): Array<FunctionTool> =>
    t.input_schema === undefined ? [] : [{
      type: "function",
      name: names.toUpstream(t.name),
      ...(t.description !== undefined ? { description: t.description } : {}),
      parameters: t.input_schema as Record<string, unknown>,
      strict: false
    }]
  )
  if (tools.length > 0) {
    body.tools = tools
    if (request.tool_choice !== undefined) {
      body.tool_choice = toolChoice(request.tool_choice, names)
      if ("disable_parallel_tool_use" in request.tool_choice && request.tool_choice.disable_parallel_tool_use === true) {
        body.parallel_tool_calls = false
      }
    }
  }
  const max = outputTokenLimit(request, provider)
  if (max !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, max)
  const effort = reasoningEffort(request)
  if (effort !== undefined) {
    const summary = provider.reasoning?.summary
    body.reasoning = summary === undefined ? { effort } : { effort, summary }
    body.include = ["reasoning.encrypted_content"]
  } else {
    // Reasoning models refuse a non-default temperature, so it goes only with reasoning off.
    if (request.temperature !== undefined) body.temperature = request.temperature
    if (request.top_p !== undefined) body.top_p = request.top_p
  }
  const userId = request.metadata?.user_id
  if (typeof userId === "string" && userId !== "") body.prompt_cache_key = cacheKey(userId)
  if (request.stream === true) body.stream = true
  return { body, names, tag }
}
