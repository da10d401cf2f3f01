/**
 * Anthropic Messages request -> OpenAI Chat Completions request.
 *
 * The body is built from scratch, so everything this module does not understand (metadata, thinking,
 * context_management, output_config, cache_control, top_k, future fields) is dropped, not forwarded.
 * What goes is fitted to the model's capabilities (Capabilities.ts): the output limit and its field,
 * sampling, system placement, media, and the parameters the provider refused.
 */
import type { Capabilities } from "../../Capabilities/Capabilities.js"
import type { ContentBlock, Message, MessagesRequest, OtherBlock, TextBlock, ToolChoice, ToolResultBlock } from "../anthropic/Messages.js"
import { capabilitiesIn, type TranslateContext, type TranslateProvider } from "../Format.js"
import { type ChatContentPart, collapse, partsOf, toolResult } from "./content.js"
import { outputLimit, removeRefused, tokenFieldFor } from "./shape.js"
import { ToolNames } from "./toolNames.js"

export type { ChatContentPart } from "./content.js"
export { decodeBase64Text } from "./content.js"

export interface ChatToolCall {
  id: string
  type: "function"
  function: { name: string; arguments: string }
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | Array<ChatContentPart> }
  | { role: "assistant"; content: string | null; tool_calls?: Array<ChatToolCall>; reasoning_content?: string }
  | { role: "tool"; tool_call_id: string; content: string }

export interface ChatTool {
  type: "function"
  function: { name: string; description?: string; parameters: unknown }
}

export type ChatToolChoice = "auto" | "required" | "none" | { type: "function"; function: { name: string } }

export interface ChatRequest {
  model: string
  messages: Array<ChatMessage>
  tools?: Array<ChatTool>
  tool_choice?: ChatToolChoice
  parallel_tool_calls?: boolean
  stop?: Array<string>
  temperature?: number
  top_p?: number
  max_tokens?: number
  max_completion_tokens?: number
  stream?: boolean
  stream_options?: { include_usage: boolean }
}

/** Claude Code's first system block is billing metadata that Anthropic removes server-side. Its
 * volatile `cch=` value would defeat the upstream's prefix cache, so it is not sent. */
const BILLING_HEADER = "x-anthropic-billing-header:"

/** OpenAI rejects more than 4 stop sequences. */
const MAX_STOP = 4

export const chatCompletionsUrl = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, "")}/chat/completions`

export const chatHeaders = (provider: TranslateProvider): Record<string, string> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (provider.apiKey !== undefined && provider.apiKey !== "") headers["authorization"] = `Bearer ${provider.apiKey}`
  for (const [name, value] of Object.entries(provider.headers ?? {})) {
    const lower = name.toLowerCase()
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === lower) delete headers[existing]
    headers[name] = value
  }
  return headers
}

const isText = (b: ContentBlock | OtherBlock): b is TextBlock => b.type === "text" && typeof b.text === "string"

const textOf = (content: Message["content"]): string =>
  typeof content === "string" ? content : content.filter(isText).map((b) => b.text).join("\n\n")

const userMessages = (content: Message["content"], caps: Capabilities, out: Array<ChatMessage>): void => {
  if (typeof content === "string") {
    out.push({ role: "user", content })
    return
  }
  // tool messages first: they must follow the assistant's tool_calls directly.
  const rest: Array<ChatContentPart> = []
  for (const b of content) {
    if (b.type !== "tool_result") continue
    const block = b as ToolResultBlock
    const { images, text } = toolResult(block, caps)
    out.push({ role: "tool", tool_call_id: block.tool_use_id, content: text })
    rest.push(...images)
  }
  rest.push(...partsOf(content, caps))
  if (rest.length > 0) out.push({ role: "user", content: collapse(rest) })
}

const assistantMessage = (content: Message["content"], names: ToolNames, echoReasoning: boolean, out: Array<ChatMessage>): void => {
  if (typeof content === "string") {
    if (content !== "") out.push({ role: "assistant", content })
    return
  }
  const texts: Array<string> = []
  const reasoning: Array<string> = []
  const calls: Array<ChatToolCall> = []
  for (const raw of content) {
    const b = raw as ContentBlock
    if (b.type === "text") {
      if (b.text !== "") texts.push(b.text)
    } else if (b.type === "tool_use") {
      calls.push({ id: b.id, type: "function", function: { name: names.toUpstream(b.name), arguments: JSON.stringify(b.input ?? {}) } })
    } else if (b.type === "thinking" && echoReasoning && b.thinking !== "") {
      reasoning.push(b.thinking)
    }
  }
  if (texts.length === 0 && calls.length === 0) return
  const msg: ChatMessage = { role: "assistant", content: texts.length > 0 ? texts.join("\n\n") : null }
  if (calls.length > 0) msg.tool_calls = calls
  // DeepSeek rejects a tool-call turn without reasoning_content in thinking mode, even when the
  // turn came from a provider that showed no reasoning.
  if (reasoning.length > 0 || (echoReasoning && calls.length > 0)) msg.reasoning_content = reasoning.join("\n\n")
  out.push(msg)
}

/** The system prompt as one text, without Claude Code's billing block ("" when nothing is left).
 * Shared with the Responses API adapter. */
export const systemText = (system: MessagesRequest["system"]): string => {
  if (system === undefined) return ""
  const blocks = typeof system === "string" ? [system] : system.filter(isText).map((b) => b.text)
  return blocks.filter((t) => t !== "" && !t.startsWith(BILLING_HEADER)).join("\n\n")
}

const toolChoice = (choice: ToolChoice, names: ToolNames): ChatToolChoice => {
  switch (choice.type) {
    case "auto":
      return "auto"
    case "any":
      return "required"
    case "none":
      return "none"
    case "tool":
      return { type: "function", function: { name: names.toUpstream(choice.name) } }
  }
}

export interface ChatRequestPlan {
  readonly body: ChatRequest
  /** the tool names of this request, for mapping the answer back */
  readonly names: ToolNames
}

export const toChatRequest = (request: MessagesRequest, ctx: TranslateContext): ChatRequestPlan => {
  const { provider } = ctx
  const caps = capabilitiesIn(ctx, "openai")
  const names = new ToolNames()
  const echo = provider.reasoning?.echo === true
  const leading: Array<string> = []
  const system = systemText(request.system)
  if (system !== "") leading.push(system)
  const rest: Array<ChatMessage> = []
  for (const m of request.messages) {
    if (m.role === "system") {
      const text = textOf(m.content)
      if (text === "") continue
      // A model whose chat template takes a system message only first (Qwen on vLLM and llama.cpp:
      // "System message must be at the beginning.") gets it appended, in order, to the leading one
      // rather than as a user message in place: it keeps a system message's authority (models are
      // taught to distrust user text claiming to be "system"), cannot land between tool calls and
      // their results, and Claude Code repeats it at the same place every turn, so the prefix stays cacheable.
      if (caps.systemAnywhere) rest.push({ role: "system", content: text })
      else leading.push(text)
    } else if (m.role === "user") {
      userMessages(m.content, caps, rest)
    } else {
      assistantMessage(m.content, names, echo, rest)
    }
  }
  const messages: Array<ChatMessage> = leading.length > 0 ? [{ role: "system", content: leading.join("\n\n") }, ...rest] : rest

  const body: ChatRequest = { model: ctx.model, messages }
  // Server tools (web_search, ...) have no schema and cannot run elsewhere.
  const tools = (request.tools ?? []).flatMap((t): Array<ChatTool> =>
    t.input_schema === undefined ? [] : [{
      type: "function",
      function: {
        name: names.toUpstream(t.name),
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.input_schema
      }
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
  if (request.stop_sequences !== undefined && request.stop_sequences.length > 0) body.stop = request.stop_sequences.slice(0, MAX_STOP)
  // Reasoning models (gpt-5, o-series) refuse any temperature but the default.
  if (caps.sampling) {
    if (request.temperature !== undefined) body.temperature = request.temperature
    if (request.top_p !== undefined) body.top_p = request.top_p
  }
  const max = outputLimit(request, caps)
  const field = tokenFieldFor(caps)
  if (max !== undefined && field !== undefined) body[field] = max
  if (request.stream === true) {
    body.stream = true
    body.stream_options = { include_usage: true }
  }
  removeRefused(body, caps.refusedParams)
  return { body, names }
}
