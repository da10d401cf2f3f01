/**
 * Fitting a request to what the model takes (Capabilities), for both OpenAI adapters (Chat
 * Completions and Responses): the output limit and its field, media the model cannot read, Claude
 * Code's tool_reference blocks, and the parameters the provider refused. Pure functions; no limit
 * of any provider is written here, they all come from the capabilities.
 */
import { type Capabilities, clampOutput, type TokenField } from "../../Capabilities/Capabilities.js"
import { mediaTypeOfUrl } from "../MediaTypes.js"
import type { ContentBlock, ImageSource, MessagesRequest, OtherBlock } from "../anthropic/Messages.js"
import { shortToolName } from "./toolNames.js"

/** The output limit to send: the client's, clamped by the model's. */
export const outputLimit = (request: MessagesRequest, caps: Capabilities): number | undefined => clampOutput(request.max_tokens, caps)

/**
 * Chat Completions: the field carrying the output limit (`max_tokens` unless the capabilities say
 * otherwise). A refused field gives way to the other one — OpenAI's 400 for `max_tokens` itself says
 * "Use 'max_completion_tokens' instead" — and with both refused the limit is left out.
 */
export const tokenFieldFor = (caps: Capabilities): TokenField | undefined => {
  const wanted = caps.tokenField ?? "max_tokens"
  if (!caps.refusedParams.has(wanted)) return wanted
  const other = wanted === "max_tokens" ? "max_completion_tokens" : "max_tokens"
  return caps.refusedParams.has(other) ? undefined : other
}

/**
 * Whether reasoning may be asked for and given back (unknown: it may). Not for a model without
 * reasoning, nor when the provider refused `reasoning` or `reasoning.effort`: effort is what turns
 * reasoning on, so a model refusing it has none, and a remaining summary, the encrypted-content
 * include or earlier reasoning items would each be the next 400.
 */
export const takesReasoning = (caps: Capabilities): boolean =>
  caps.thinking?.kind !== "none" && !caps.refusedParams.has("reasoning") && !caps.refusedParams.has("reasoning.effort")

/** Without these the body is not a request: a provider refusing one is misconfigured, not shaped for. */
const ESSENTIAL = new Set(["model", "messages", "input", "stream"])

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

const removePath = (node: Record<string, unknown>, path: ReadonlyArray<string>): void => {
  const [head, ...rest] = path
  if (head === undefined || !Object.hasOwn(node, head)) return
  if (rest.length === 0) {
    delete node[head]
    return
  }
  const child = node[head]
  // Through an array the name applies to every element ("tools.strict": each tool's `strict`).
  const children = Array.isArray(child) ? child.filter(isObject) : isObject(child) ? [child] : []
  for (const c of children) removePath(c, rest)
  // `reasoning: {}` left behind would be refused like the field that was in it.
  if (isObject(child) && Object.keys(child).length === 0) delete node[head]
}

/**
 * Removes every parameter the provider refused from a finished body (in place: the body is the
 * translator's own, just built). Dotted names address nested fields ("reasoning.effort"); an object
 * emptied by the removal goes too.
 */
export const removeRefused = (body: object, refused: ReadonlySet<string>): void => {
  for (const name of refused) {
    if (ESSENTIAL.has(name)) continue
    removePath(body as Record<string, unknown>, name.split("."))
  }
}

/** An image's media type: given for base64 data, guessed from a URL's extension (or undefined). */
export const imageMediaType = (source: ImageSource): string | undefined => {
  if (source.type === "base64") return source.media_type.toLowerCase()
  const type = mediaTypeOfUrl(source.url)
  return type?.startsWith("image/") === true ? type : undefined
}

/**
 * The note to send instead of an image the model does not accept, or undefined when it may go. A
 * refused image would fail the whole request; the note keeps the turn usable and tells the model
 * something was there. An image whose type is unknown (a URL without extension) is left to the provider.
 */
export const imageRefusal = (mediaType: string | undefined, caps: Capabilities): string | undefined => {
  const types = caps.imageTypes
  if (types === undefined) return undefined
  if (types === "none") return "[image omitted: this model does not accept images]"
  if (mediaType === undefined || types.some((t) => t.toLowerCase() === mediaType)) return undefined
  return `[image omitted: ${mediaType} is not accepted by this model]`
}

/** The note for a PDF the model cannot read. */
export const PDF_NOTE = "[PDF document omitted: this model cannot read PDFs]"

/**
 * Claude Code's ToolSearch answers with `tool_reference` blocks, and Anthropic then loads those
 * tools. No other provider knows the block, so the model is told in words (with the name it calls
 * the tool by here, the same shortening as the tool definitions).
 */
const toolReferenceText = (block: OtherBlock): string => {
  const name = block["tool_name"]
  return typeof name === "string" && name !== "" ? `Tool ${shortToolName(name)} is now available.` : "A tool is now available."
}

/** Blocks the translators handle in place, or elsewhere (tool calls, results and thinking). */
const KNOWN = new Set(["text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"])

/**
 * The text a user-side block outside the translators' own kinds stands for: a tool_reference in
 * words, anything else as a short note (a silently dropped block would change what the model sees
 * without a trace). Undefined for the kinds the translators handle.
 */
export const otherBlockText = (block: ContentBlock | OtherBlock): string | undefined => {
  if (KNOWN.has(block.type)) return undefined
  if (block.type === "tool_reference") return toolReferenceText(block as OtherBlock)
  return `[${block.type} content omitted: this provider cannot read it]`
}
