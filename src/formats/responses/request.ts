/**
 * Anthropic Messages request -> OpenAI Responses API request (`POST {baseUrl}/responses`).
 *
 * Stateless: `store: false`, the whole conversation as input items every turn, the model's reasoning
 * carried across turns as encrypted items (see reasoning.ts). The body is built from scratch, so what
 * this module does not understand (cache_control, context_management, top_k, stop_sequences — the
 * Responses API has no stop parameter — and future fields) is dropped, not forwarded. What goes is
 * fitted to the model's capabilities (Capabilities.ts): the output limit, reasoning, sampling, system
 * placement, media, and the parameters the provider refused.
 */
import type { Capabilities } from "../../Capabilities/Capabilities.js"
import type { ContentBlock, Message, MessagesRequest, OtherBlock, TextBlock, ToolChoice, ToolResultBlock } from "../anthropic/Messages.js"
import { capabilitiesIn, type TranslateContext } from "../Format.js"
import { systemText } from "../openai/request.js"
import { outputLimit, removeRefused, takesReasoning } from "../openai/shape.js"
import { fnv1a, ToolNames } from "../openai/toolNames.js"
import { contentOf, type FunctionCallOutput, type InputContent, toolOutput } from "./content.js"
import { providerTag, reasoningItem } from "./reasoning.js"
import { isServerTool, isWebSearch, type WebSearchTool, webSearchTool } from "./webSearch.js"

export type { InputContent } from "./content.js"

export type InputItem =
  | { type: "message"; role: "user" | "system" | "developer"; content: Array<InputContent> }
  | { type: "message"; role: "assistant"; content: string }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | FunctionCallOutput
  | { type: "reasoning"; id: string; encrypted_content: string; summary: Array<{ type: "summary_text"; text: string }> }

export interface FunctionTool {
  type: "function"
  name: string
  description?: string
  parameters: Record<string, unknown>
  strict: false
}

export type ResponsesToolChoice =
  | "auto"
  | "required"
  | "none"
  | { type: "function"; name: string }
  | { type: "allowed_tools"; mode: "required"; tools: Array<{ type: "web_search" }> }

export type Includable = "reasoning.encrypted_content" | "web_search_call.action.sources"

export type ReasoningEffort = "low" | "medium" | "high"

export interface ResponsesRequest {
  model: string
  input: Array<InputItem>
  instructions?: string
  tools?: Array<FunctionTool | WebSearchTool>
  tool_choice?: ResponsesToolChoice
  parallel_tool_calls?: boolean
  max_output_tokens?: number
  temperature?: number
  top_p?: number
  reasoning?: { effort: ReasoningEffort; summary?: "auto" | "concise" | "detailed" }
  include?: Array<Includable>
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

const userItems = (content: Message["content"], ids: ToolNames, caps: Capabilities, out: Array<InputItem>): void => {
  if (typeof content === "string") {
    if (content !== "") out.push({ type: "message", role: "user", content: [{ type: "input_text", text: content }] })
    return
  }
  // Outputs first: they answer the calls of the turn before, and the rest of the turn follows them.
  for (const b of content) if (b.type === "tool_result") out.push(toolOutput(b as ToolResultBlock, ids, caps))
  const rest = contentOf(content, caps)
  if (rest.length > 0) out.push({ type: "message", role: "user", content: rest })
}

/** An assistant turn in block order: reasoning (ours only, and none when `tag` is undefined), text,
 * function calls. */
const assistantItems = (content: Message["content"], names: ToolNames, ids: ToolNames, tag: string | undefined, out: Array<InputItem>): void => {
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
      const item = tag === undefined ? undefined : reasoningItem(tag, b.signature)
      if (item === undefined) continue
      flush()
      out.push({ type: "reasoning", id: item.id, encrypted_content: item.encryptedContent, summary: [] })
    }
  }
  flush()
}

/** A named tool is a function we sent, the web search (the hosted-tool choice takes only
 * `web_search_preview`, so it is forced as the one allowed tool), or a tool left out: no choice. */
const toolChoice = (choice: ToolChoice, names: ToolNames, functions: ReadonlySet<string>, search: boolean): ResponsesToolChoice => {
  switch (choice.type) {
    case "auto":
      return "auto"
    case "any":
      return "required"
    case "none":
      return "none"
    case "tool":
      if (functions.has(choice.name)) return { type: "function", name: names.toUpstream(choice.name) }
      return search && choice.name === "web_search" ? { type: "allowed_tools", mode: "required", tools: [{ type: "web_search" }] } : "auto"
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
  const caps = capabilitiesIn(ctx, "openai-responses")
  const reasons = takesReasoning(caps)
  const names = new ToolNames()
  // Call ids follow the same rule as names (<= 64 characters, the same id on every turn).
  const ids = new ToolNames()
  const tag = providerTag(provider)
  const instructions: Array<string> = []
  const system = systemText(request.system)
  if (system !== "") instructions.push(system)
  const input: Array<InputItem> = []
  for (const m of request.messages) {
    if (m.role === "user") userItems(m.content, ids, caps, input)
    // Reasoning items go back only to a model that reasons: anywhere else they are a 400.
    else if (m.role === "assistant") assistantItems(m.content, names, ids, reasons ? tag : undefined, input)
    else {
      const text = typeof m.content === "string" ? m.content : m.content.filter(isText).map((b) => b.text).join("\n\n")
      if (text === "") continue
      // A server whose chat template takes a system message only first (Qwen on vLLM: "System message
      // must be at the beginning.") turns `instructions` into that first message and a developer item
      // into a later one, so the text is appended, in order, to the instructions instead (Chat
      // Completions does the same, and says why, in openai/request.ts).
      if (caps.systemAnywhere) input.push({ type: "message", role: "developer", content: [{ type: "input_text", text }] })
      else instructions.push(text)
    }
  }
  const body: ResponsesRequest = { model: ctx.model, input, store: false }
  if (instructions.length > 0) body.instructions = instructions.join("\n\n")
  // Anthropic's web search becomes the built-in one; its other server tools (and schema-less tools)
  // cannot run here and are left out. Without `strict: false` the API makes every property required.
  const functions = new Set<string>()
  const tools: Array<FunctionTool | WebSearchTool> = []
  let search = false
  for (const t of request.tools ?? []) {
    if (isWebSearch(t)) {
      // One web search tool is all the API takes.
      if (!search) tools.push(webSearchTool(t))
      search = true
    } else if (!isServerTool(t) && t.input_schema !== undefined) {
      functions.add(t.name)
      tools.push({
        type: "function",
        name: names.toUpstream(t.name),
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.input_schema as Record<string, unknown>,
        strict: false
      })
    }
  }
  if (tools.length > 0) {
    body.tools = tools
    if (request.tool_choice !== undefined) {
      body.tool_choice = toolChoice(request.tool_choice, names, functions, search)
      if ("disable_parallel_tool_use" in request.tool_choice && request.tool_choice.disable_parallel_tool_use === true) {
        body.parallel_tool_calls = false
      }
    }
  }
  const max = outputLimit(request, caps)
  if (max !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, max)
  const effort = reasons ? reasoningEffort(request) : undefined
  if (effort !== undefined) {
    const summary = provider.reasoning?.summary
    body.reasoning = summary === undefined ? { effort } : { effort, summary }
    body.include = ["reasoning.encrypted_content"]
  } else if (caps.sampling) {
    // Reasoning models refuse a non-default temperature (gpt-5.1 any temperature or top_p at all),
    // so sampling goes only with reasoning off and to models that take it.
    if (request.temperature !== undefined) body.temperature = request.temperature
    if (request.top_p !== undefined) body.top_p = request.top_p
  }
  // Without it a search call carries its query only, and the client gets no results to show.
  if (search) body.include = [...(body.include ?? []), "web_search_call.action.sources"]
  const userId = request.metadata?.user_id
  if (typeof userId === "string" && userId !== "") body.prompt_cache_key = cacheKey(userId)
  if (request.stream === true) body.stream = true
  removeRefused(body, caps.refusedParams)
  return { body, names, tag }
}
