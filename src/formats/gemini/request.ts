/**
 * Anthropic Messages request -> Gemini generateContent request body.
 *
 * Thought signatures come back from the history: an assistant thinking block whose signature is a
 * Gemini foreign signature (see blocks.ts) hands its payload to the next part of that message (the
 * functionCall or text it preceded); one left at the end of a message goes to the last part. Thinking
 * text itself is not sent back (Gemini does not read it), nor are Anthropic-signed thinking blocks.
 */
import type {
  DocumentBlock,
  ImageBlock,
  ImageSource,
  Message,
  MessagesRequest,
  TextBlock,
  ThinkingBlock,
  Tool,
  ToolChoice,
  ToolResultBlock,
  ToolUseBlock
} from "../anthropic/Messages.js"
import type { TranslateContext } from "../Format.js"
import { foreignPayload } from "../ForeignThinking.js"
import { scrubSchema } from "./schema.js"
import type { GeminiContent, GeminiFunctionDeclaration, GeminiPart, GeminiRequest } from "./wire.js"
import { isRecord } from "./wire.js"

type Block = Exclude<Message["content"], string>[number]

/**
 * Google's documented stand-in for a missing signature (history from another model, or a client that
 * lost the thinking block): Gemini 3 rejects a functionCall step without one.
 */
export const SKIP_SIGNATURE = "skip_thought_signature_validator"

const BILLING_HEADER = "x-anthropic-billing-header:"
/** Gemini accepts at most this many stop sequences. */
const MAX_STOP_SEQUENCES = 5
/** The largest thinking budget any Gemini model takes. */
const MAX_THINKING_BUDGET = 32768

export const toGeminiRequest = (request: MessagesRequest, ctx: TranslateContext): GeminiRequest => {
  const names = toolNames(request.messages)
  const system = systemParts(request.system)
  const contents: Array<GeminiContent> = []
  for (const m of request.messages) {
    if (m.role === "system") system.push(...textParts(m.content))
    else if (m.role === "assistant") append(contents, "model", modelParts(m.content))
    else append(contents, "user", userParts(m.content, names))
  }
  if (needsSignatures(ctx.model)) for (const c of contents) if (c.role === "model") fillSignature(c.parts)

  const out: GeminiRequest = { contents }
  if (system.length > 0) out.systemInstruction = { parts: system }
  const declarations = (request.tools ?? []).flatMap(toDeclaration)
  if (declarations.length > 0) {
    out.tools = [{ functionDeclarations: declarations }]
    if (request.tool_choice !== undefined) out.toolConfig = { functionCallingConfig: callingConfig(request.tool_choice) }
  }
  const config = generationConfig(request, ctx.provider.maxTokens, ctx.model)
  if (Object.keys(config).length > 0) out.generationConfig = config
  return out
}

/** tool_use id -> tool name, across the whole history (functionResponse needs the name). */
const toolNames = (messages: ReadonlyArray<Message>): Map<string, string> => {
  const names = new Map<string, string>()
  for (const m of messages) {
    if (m.role !== "assistant" || typeof m.content === "string") continue
    for (const b of m.content) if (b.type === "tool_use") names.set((b as ToolUseBlock).id, (b as ToolUseBlock).name)
  }
  return names
}

/** Consecutive same-role contents are merged: Gemini expects user and model turns to alternate. */
const append = (contents: Array<GeminiContent>, role: GeminiContent["role"], parts: Array<GeminiPart>): void => {
  if (parts.length === 0) return
  const last = contents[contents.length - 1]
  if (last !== undefined && last.role === role) last.parts.push(...parts)
  else contents.push({ role, parts })
}

const systemParts = (system: MessagesRequest["system"]): Array<GeminiPart> => {
  if (system === undefined) return []
  // The billing header changes per request and would defeat Gemini's prefix caching.
  const blocks = typeof system === "string" ? [system] : system.map((b) => b.text)
  return blocks.filter((t) => t.length > 0 && !t.startsWith(BILLING_HEADER)).map((text) => ({ text }))
}

const textParts = (content: Message["content"]): Array<GeminiPart> =>
  typeof content === "string"
    ? content.length > 0 ? [{ text: content }] : []
    : content.flatMap((b) => (b.type === "text" ? textPart((b as TextBlock).text) : []))

const textPart = (text: string): Array<GeminiPart> => (text.length > 0 ? [{ text }] : [])

const userParts = (content: Message["content"], names: ReadonlyMap<string, string>): Array<GeminiPart> => {
  if (typeof content === "string") return textPart(content)
  // Function responses first: they answer the previous model turn's calls.
  const responses: Array<GeminiPart> = []
  const rest: Array<GeminiPart> = []
  for (const b of content) {
    if (b.type !== "tool_result") {
      rest.push(...contentParts(b))
      continue
    }
    const result = b as ToolResultBlock
    const inner = typeof result.content === "string" ? [{ type: "text", text: result.content }] : result.content ?? []
    const texts: Array<string> = []
    for (const c of inner) {
      if (c.type === "text") texts.push((c as TextBlock).text)
      else rest.push(...contentParts(c))
    }
    let text = texts.join("\n")
    if (text.length === 0 && inner.length > 0) text = "(output attached below)"
    responses.push({
      functionResponse: {
        name: names.get(result.tool_use_id) ?? "unknown_tool",
        response: result.is_error === true ? { error: text } : { content: text }
      }
    })
  }
  return [...responses, ...rest]
}

/** text, image and document blocks; everything else has no Gemini counterpart in a user turn. */
const contentParts = (b: Block): Array<GeminiPart> => {
  switch (b.type) {
    case "text":
      return textPart((b as TextBlock).text)
    case "image":
      return [sourcePart((b as ImageBlock).source, "image")]
    case "document": {
      const doc = b as DocumentBlock
      const source = doc.source
      if (source.type === "text") return textPart(doc.title === undefined ? source.data : `${doc.title}\n\n${source.data}`)
      if (source.type === "content") {
        return typeof source.content === "string" ? textPart(source.content) : source.content.flatMap(contentParts)
      }
      return [sourcePart(source, "document")]
    }
    default:
      return []
  }
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  pdf: "application/pdf"
}

const sourcePart = (source: ImageSource, kind: "image" | "document"): GeminiPart => {
  if (source.type === "base64") return { inlineData: { mimeType: source.media_type, data: source.data } }
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(source.url)
  if (data?.[1] !== undefined && data[2] !== undefined) return { inlineData: { mimeType: data[1], data: data[2] } }
  const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(source.url)?.[1]?.toLowerCase()
  // Anthropic URL documents are PDFs; an image of unknown type is better described than guessed.
  const fallback = kind === "document" ? "application/pdf" : undefined
  const mimeType = (ext === undefined ? undefined : MIME_BY_EXTENSION[ext]) ?? fallback
  return mimeType === undefined ? { text: `[${kind}: ${source.url}]` } : { fileData: { mimeType, fileUri: source.url } }
}

const modelParts = (content: Message["content"]): Array<GeminiPart> => {
  if (typeof content === "string") return textPart(content)
  const parts: Array<GeminiPart> = []
  let pending: string | undefined
  const add = (part: GeminiPart): void => {
    if (pending !== undefined) part.thoughtSignature = pending
    pending = undefined
    parts.push(part)
  }
  for (const b of content) {
    if (b.type === "thinking") {
      const payload = foreignPayload("gemini", (b as ThinkingBlock).signature)
      if (payload !== undefined && payload.length > 0) pending = payload
    } else if (b.type === "text") {
      const text = (b as TextBlock).text
      if (text.length > 0) add({ text })
    } else if (b.type === "tool_use") {
      const use = b as ToolUseBlock
      add({ functionCall: { name: use.name, args: isRecord(use.input) ? use.input : {} } })
    }
  }
  const last = parts[parts.length - 1]
  if (pending !== undefined && last !== undefined && last.thoughtSignature === undefined) last.thoughtSignature = pending
  return parts
}

/** Gemini 1.x/2.x never validate signatures; newer models do. */
const needsSignatures = (model: string): boolean => !/^(?:models\/)?gemini-[12]\./.test(model)

/** A model step with calls but no signature at all gets the stand-in on its first call. */
const fillSignature = (parts: Array<GeminiPart>): void => {
  const calls = parts.filter((p) => p.functionCall !== undefined)
  const first = calls[0]
  if (first !== undefined && calls.every((p) => p.thoughtSignature === undefined)) first.thoughtSignature = SKIP_SIGNATURE
}

const toDeclaration = (tool: Tool): Array<GeminiFunctionDeclaration> => {
  // Server tools (web_search, ...) have no input_schema and no Gemini equivalent.
  if (tool.input_schema === undefined || tool.input_schema === null) return []
  const decl: GeminiFunctionDeclaration = { name: tool.name }
  if (tool.description !== undefined && tool.description.length > 0) decl.description = tool.description
  const parameters = scrubSchema(tool.input_schema)
  const props = parameters["properties"]
  // Gemini rejects an OBJECT without properties ("should be non-empty"): a tool without arguments omits it.
  if (parameters["type"] === "object" && isRecord(props) && Object.keys(props).length > 0) decl.parameters = parameters
  return [decl]
}

const callingConfig = (choice: ToolChoice): NonNullable<GeminiRequest["toolConfig"]>["functionCallingConfig"] => {
  switch (choice.type) {
    case "any":
      return { mode: "ANY" }
    case "tool":
      return { mode: "ANY", allowedFunctionNames: [choice.name] }
    case "none":
      return { mode: "NONE" }
    default:
      return { mode: "AUTO" }
  }
}

/** Gemini 1.x, 2.0 and Gemma answer 400 "thinking_config is not supported" rather than ignoring it. */
const supportsThinking = (model: string): boolean =>
  model.includes("thinking") || !/^(?:models\/)?(?:gemini-(?:1\.|2\.0-)|gemma-)/.test(model)

const generationConfig = (
  request: MessagesRequest,
  limit: number | undefined,
  model: string
): NonNullable<GeminiRequest["generationConfig"]> => {
  const config: NonNullable<GeminiRequest["generationConfig"]> = {}
  const asked = request.max_tokens
  const max = asked === undefined ? limit : limit === undefined ? asked : Math.min(asked, limit)
  if (max !== undefined) config.maxOutputTokens = max
  const stops = (request.stop_sequences ?? []).filter((s) => typeof s === "string" && s.length > 0)
  if (stops.length > 0) config.stopSequences = stops.slice(0, MAX_STOP_SEQUENCES)
  if (typeof request.temperature === "number") config.temperature = request.temperature
  if (typeof request.top_p === "number") config.topP = request.top_p
  if (typeof request.top_k === "number") config.topK = request.top_k
  const thinking = supportsThinking(model) ? request.thinking : undefined
  if (thinking?.type === "enabled") {
    let budget = Math.min(thinking.budget_tokens, MAX_THINKING_BUDGET)
    if (max !== undefined && budget >= max) budget = Math.max(0, max - 1)
    config.thinkingConfig = { thinkingBudget: budget, includeThoughts: true }
  } else if (thinking?.type === "adaptive") {
    config.thinkingConfig = { includeThoughts: true }
  }
  return config
}
