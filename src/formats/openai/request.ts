/**
 * Anthropic Messages request -> OpenAI Chat Completions request.
 *
 * The body is built from scratch, so everything this module does not understand (metadata, thinking,
 * context_management, output_config, cache_control, top_k, future fields) is dropped, not forwarded.
 */
import type {
  ContentBlock,
  DocumentBlock,
  Message,
  MessagesRequest,
  OtherBlock,
  TextBlock,
  ToolChoice,
  ToolResultBlock
} from "../anthropic/Messages.js"
import type { TranslateContext, TranslateProvider } from "../Format.js"
import { ToolNames } from "./toolNames.js"

export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } }

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

export const decodeBase64Text = (data: string): string => {
  const bin = atob(data)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}

/** A document as text parts (and images, for `content` documents holding images). A PDF becomes a
 * short note rather than a `file` part: only some OpenAI-compatible servers accept `file`, the others
 * answer 400 and the whole fallback fails, while a note keeps the turn usable. */
const documentParts = (doc: DocumentBlock): Array<ChatContentPart> => {
  const src = doc.source
  const label = doc.title !== undefined ? `Document: ${doc.title}\n` : ""
  const ctx = doc.context !== undefined ? `\n\n${doc.context}` : ""
  const text = (body: string): Array<ChatContentPart> => [{ type: "text", text: `${label}${body}${ctx}` }]
  switch (src.type) {
    case "text":
      return text(src.data)
    case "content":
      if (typeof src.content === "string") return text(src.content)
      return label === "" && ctx === "" ? partsOf(src.content) : [...text(""), ...partsOf(src.content)]
    case "url":
      return text(`[Document at ${src.url} omitted: this provider cannot read documents]`)
    case "base64":
      if (src.media_type.startsWith("text/")) {
        try {
          return text(decodeBase64Text(src.data))
        } catch {
          // fall through to the note
        }
      }
      if (src.media_type.startsWith("image/")) return [imagePart(src.media_type, src.data)]
      return text(`[${src.media_type === "application/pdf" ? "PDF" : src.media_type} document omitted: this provider cannot read it]`)
  }
}

const imagePart = (mediaType: string, data: string): ChatContentPart => ({
  type: "image_url",
  image_url: { url: `data:${mediaType};base64,${data}` }
})

/** User-visible content blocks -> parts. tool_use/tool_result/thinking are handled by the callers. */
const partsOf = (blocks: ReadonlyArray<ContentBlock | OtherBlock>): Array<ChatContentPart> => {
  const out: Array<ChatContentPart> = []
  for (const raw of blocks) {
    const b = raw as ContentBlock
    if (b.type === "text") {
      if (typeof b.text === "string" && b.text !== "") out.push({ type: "text", text: b.text })
    } else if (b.type === "image") {
      out.push(b.source.type === "base64" ? imagePart(b.source.media_type, b.source.data) : { type: "image_url", image_url: { url: b.source.url } })
    } else if (b.type === "document") {
      out.push(...documentParts(b))
    }
  }
  return out
}

/** Text-only content goes as a string: some OpenAI-compatible servers accept nothing else. */
const collapse = (parts: Array<ChatContentPart>): string | Array<ChatContentPart> =>
  parts.every((p) => p.type === "text") ? parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n") : parts

/** Tool messages take text only; the result's images are returned for a following user message. */
const toolResult = (block: ToolResultBlock): { message: ChatMessage; images: Array<ChatContentPart> } => {
  const parts = typeof block.content === "string" ? [{ type: "text" as const, text: block.content }] : partsOf(block.content ?? [])
  const images = parts.filter((p) => p.type === "image_url")
  let text = parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n")
  if (images.length > 0) text += `${text === "" ? "" : "\n"}[${images.length} image(s) attached in the next user message]`
  // Without the marker the model would read a failed call as a success.
  if (block.is_error === true) text = `Error: ${text}`
  const label: ChatContentPart = { type: "text", text: `Images returned by tool call ${block.tool_use_id}:` }
  return { message: { role: "tool", tool_call_id: block.tool_use_id, content: text }, images: images.length > 0 ? [label, ...images] : [] }
}

const userMessages = (content: Message["content"], out: Array<ChatMessage>): void => {
  if (typeof content === "string") {
    out.push({ role: "user", content })
    return
  }
  // tool messages first: they must follow the assistant's tool_calls directly.
  const rest: Array<ChatContentPart> = []
  for (const b of content) {
    if (b.type !== "tool_result") continue
    const { images, message } = toolResult(b as ToolResultBlock)
    out.push(message)
    rest.push(...images)
  }
  rest.push(...partsOf(content))
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

/** max_tokens clamped by the provider's maxTokens (either alone when the other is not set). */
export const outputTokenLimit = (request: MessagesRequest, provider: TranslateProvider): number | undefined =>
  request.max_tokens === undefined
    ? provider.maxTokens
    : provider.maxTokens === undefined
    ? request.max_tokens
    : Math.min(request.max_tokens, provider.maxTokens)

const systemMessages = (system: MessagesRequest["system"], out: Array<ChatMessage>): void => {
  const text = systemText(system)
  if (text !== "") out.push({ role: "system", content: text })
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
  const names = new ToolNames()
  const echo = provider.reasoning?.echo === true
  const messages: Array<ChatMessage> = []
  systemMessages(request.system, messages)
  for (const m of request.messages) {
    if (m.role === "system") {
      const text = textOf(m.content)
      if (text !== "") messages.push({ role: "system", content: text })
    } else if (m.role === "user") {
      userMessages(m.content, messages)
    } else {
      assistantMessage(m.content, names, echo, messages)
    }
  }

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
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.top_p !== undefined) body.top_p = request.top_p
  const max = outputTokenLimit(request, provider)
  if (max !== undefined) body[provider.tokenField ?? "max_tokens"] = max
  if (request.stream === true) {
    body.stream = true
    body.stream_options = { include_usage: true }
  }
  return { body, names }
}
