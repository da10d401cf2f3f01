/**
 * Anthropic Messages request -> Gemini generateContent request body.
 *
 * Thought signatures come back from the history: an assistant thinking block whose signature is a
 * Gemini foreign signature (see blocks.ts) hands its payload to the next part of that message (the
 * functionCall or text it preceded); one left at the end of a message goes to the last part. Thinking
 * text itself is not sent back (Gemini does not read it), nor are Anthropic-signed thinking blocks.
 *
 * Anthropic's web search tool becomes Google Search grounding (search.ts), sent only when it is the
 * request's one kind of tool; other server tools are never sent.
 */
import type { Message, MessagesRequest, TextBlock, ThinkingBlock, ToolUseBlock } from "../anthropic/Messages.js"
import { capabilitiesIn, type TranslateContext } from "../Format.js"
import { foreignPayload } from "../ForeignThinking.js"
import { generationConfig } from "./config.js"
import { textPart, textParts, userParts } from "./content.js"
import { searchResultsText } from "./search.js"
import { GeminiTools } from "./tools.js"
import type { GeminiContent, GeminiPart, GeminiRequest } from "./wire.js"

/**
 * Google's documented stand-in for a missing signature (history from another model, or a client that
 * lost the thinking block): Gemini 3 rejects a functionCall step without one.
 */
export const SKIP_SIGNATURE = "skip_thought_signature_validator"

const BILLING_HEADER = "x-anthropic-billing-header:"

/**
 * `tools` maps the answer's calls back (names, JSON text); the caller keeps it for the response.
 * Everything else is shaped by the model's capabilities (the context's, or the catalogue's).
 */
export const toGeminiRequest = (request: MessagesRequest, ctx: TranslateContext, tools = new GeminiTools()): GeminiRequest => {
  const caps = capabilitiesIn(ctx, "gemini")
  // Declared first: the history's calls are written the way their declarations describe them.
  const declarations = (request.tools ?? []).flatMap((t) => tools.declare(t))
  const useNames = toolUseNames(request.messages)
  const system = systemParts(request.system)
  const contents: Array<GeminiContent> = []
  for (const m of request.messages) {
    // Gemini has no system role in contents. A mid-conversation system message joins
    // systemInstruction (in order): it keeps its authority, and the contents keep what Gemini checks
    // (user/model alternation, a call's responses right after it), which a user-role note between a
    // functionCall and its functionResponse would break.
    if (m.role === "system") system.push(...textParts(m.content))
    else if (m.role === "assistant") append(contents, "model", modelParts(m.content, tools))
    else append(contents, "user", userParts(m.content, useNames, tools, caps))
  }
  if (needsSignatures(ctx.model)) for (const c of contents) if (c.role === "model") fillSignature(c.parts)

  const out: GeminiRequest = { contents }
  if (system.length > 0) out.systemInstruction = { parts: system }
  if (declarations.length > 0) {
    out.tools = [{ functionDeclarations: declarations }]
    if (request.tool_choice !== undefined) out.toolConfig = { functionCallingConfig: tools.callingConfig(request.tool_choice) }
    // google_search beside functions takes Gemini 3 with toolConfig.includeServerSideToolInvocations
    // and its toolCall/toolResponse parts sent back each turn; Gemini 2.5 refuses it ("Tool call
    // context circulation is not enabled"): https://ai.google.dev/gemini-api/docs/tool-combination,
    // https://github.com/prism-php/prism/issues/972. The functions are the session's work: they stay.
    tools.search = undefined
  } else if (tools.search !== undefined && request.tool_choice?.type !== "none") {
    out.tools = [{ google_search: {} }]
  } else {
    tools.search = undefined
  }
  const config = generationConfig(request, caps, ctx.model)
  if (Object.keys(config).length > 0) out.generationConfig = config
  return out
}

/** tool_use id -> tool name, across the whole history (functionResponse needs the name). */
const toolUseNames = (messages: ReadonlyArray<Message>): Map<string, string> => {
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

const modelParts = (content: Message["content"], tools: GeminiTools): Array<GeminiPart> => {
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
      add({ functionCall: tools.toUpstream(use.name, use.input) })
    } else if (b.type === "web_search_tool_result") {
      // A search this model (or Anthropic) ran: Gemini has no part for it, the results stay readable.
      add({ text: searchResultsText(b) })
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
