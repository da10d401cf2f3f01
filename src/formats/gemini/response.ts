/**
 * Non-streaming Gemini answers -> Anthropic message, and Gemini error bodies -> Anthropic errors.
 */
import {
  type ContentBlock,
  contextOverflowMessage,
  errorTypeForStatus,
  type ErrorType,
  type MessageResponse
} from "../anthropic/Messages.js"
import { type MappedError, TranslationError } from "../Format.js"
import { type AnthropicBlock, type BlockSink, PartAssembler, stopReasonFor, toAnthropicUsage, withSearches } from "./blocks.js"
import { SearchAnswer, type WebSearchSpec } from "./search.js"
import { type CallMapper, IDENTITY_CALLS } from "./tools.js"
import { isGeminiBody, isRecord, randomId, readBlockReason, readCandidate, readUsage } from "./wire.js"

/** `search`: the request's web search (tools.search), whose grounding becomes search blocks (search.ts). */
export const toAnthropicMessage = (
  json: unknown,
  model: string,
  newToolId: () => string = () => randomId("toolu_"),
  calls: CallMapper = IDENTITY_CALLS,
  search?: WebSearchSpec
): MessageResponse => {
  const body: unknown = Array.isArray(json) && json.length === 1 ? json[0] : json
  if (!isRecord(body)) throw new TranslationError("The Gemini upstream answered with a body that is not an object")
  const error = body["error"]
  if (isRecord(error)) {
    throw new TranslationError(`The Gemini upstream answered with an error: ${String(error["message"] ?? "unknown")}`)
  }
  const candidate = isGeminiBody(body) ? readCandidate(body) : undefined
  const blockReason = isGeminiBody(body) ? readBlockReason(body) : undefined
  if (candidate === undefined && blockReason === undefined) {
    throw new TranslationError("The Gemini upstream answered without candidates")
  }

  const id = randomId("msg_")
  const content: Array<AnthropicBlock> = []
  const sink = collect(content)
  const assembler = new PartAssembler(sink, newToolId, calls)
  const answer = search === undefined ? undefined : new SearchAnswer(search)
  for (const part of candidate?.parts ?? []) assembler.part(answer === undefined ? part : answer.hold(part))
  assembler.close()
  if (answer !== undefined) {
    answer.ground(candidate?.grounding)
    answer.finish(sink, id)
  }
  // A prompt blocked up front has no candidate, only promptFeedback.blockReason.
  const finish = candidate === undefined ? "SAFETY" : candidate.finishReason ?? "STOP"
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    // Messages.ts's ContentBlock does not list the web search blocks the wire carries (blocks.ts).
    content: content as ReadonlyArray<ContentBlock>,
    stop_reason: stopReasonFor(finish, assembler.sawToolUse),
    stop_sequence: null,
    usage: withSearches(toAnthropicUsage(readUsage(body["usageMetadata"])), answer?.searches ?? 0)
  }
}

/** A sink that folds block operations into finished content blocks. */
const collect = (content: Array<AnthropicBlock>): BlockSink => {
  let current: AnthropicBlock | undefined
  let json = ""
  return {
    start: (block) => {
      current = block
      json = ""
    },
    delta: (d) => {
      const b = current
      if (b === undefined) return
      if (d.type === "text_delta" && b.type === "text") current = { ...b, text: b.text + d.text }
      else if (d.type === "thinking_delta" && b.type === "thinking") current = { ...b, thinking: b.thinking + d.thinking }
      else if (d.type === "signature_delta" && b.type === "thinking") current = { ...b, signature: d.signature }
      else if (d.type === "citations_delta" && b.type === "text") current = { ...b, citations: [...("citations" in b ? b.citations ?? [] : []), d.citation] }
      else if (d.type === "input_json_delta") json += d.partial_json
    },
    stop: () => {
      if (current === undefined) return
      if (current.type === "tool_use" || current.type === "server_tool_use") {
        const input: unknown = json.length > 0 ? JSON.parse(json) : {}
        current = { ...current, input }
      }
      content.push(current)
      current = undefined
    }
  }
}

const STATUS_TYPES: Readonly<Record<string, ErrorType>> = {
  UNAVAILABLE: "overloaded_error",
  RESOURCE_EXHAUSTED: "rate_limit_error",
  INVALID_ARGUMENT: "invalid_request_error",
  FAILED_PRECONDITION: "invalid_request_error",
  OUT_OF_RANGE: "invalid_request_error",
  PERMISSION_DENIED: "permission_error",
  UNAUTHENTICATED: "authentication_error",
  NOT_FOUND: "not_found_error",
  DEADLINE_EXCEEDED: "timeout_error",
  INTERNAL: "api_error"
}

/** "The input token count (1196265) exceeds the maximum number of tokens allowed (1048576)." */
const TOKEN_LIMIT = /input token count(?:\s*\((\d+)\))?\s+exceeds the maximum number of tokens allowed(?:\s*\((\d+)\))?/i

type GoogleError = {
  readonly message: string | undefined
  readonly status: string | undefined
  readonly reasons: ReadonlyArray<string>
}

/** `{error:{code,message,status,details}}`, or the same wrapped in an array (streaming endpoint). */
const readError = (bodyText: string): GoogleError | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(bodyText)
  } catch {
    return undefined
  }
  const body: unknown = Array.isArray(parsed) ? parsed[0] : parsed
  const error = isRecord(body) ? body["error"] : undefined
  if (!isRecord(error)) return undefined
  const details = Array.isArray(error["details"]) ? error["details"] : []
  return {
    message: typeof error["message"] === "string" ? error["message"] : undefined,
    status: typeof error["status"] === "string" ? error["status"] : undefined,
    reasons: details.flatMap((d) => (isRecord(d) && typeof d["reason"] === "string" ? [d["reason"]] : []))
  }
}

/** An upstream error (HTTP status and body text) -> Anthropic error type and message. */
export const mapGeminiError = (status: number, bodyText: string, maxTokens: number | undefined): MappedError => {
  const error = readError(bodyText)
  const fallback = bodyText.trim().slice(0, 500)
  const message = error?.message ?? (fallback.length > 0 ? fallback : `The Gemini upstream answered HTTP ${status}`)
  const overflow = TOKEN_LIMIT.exec(message)
  if (overflow?.[2] !== undefined) {
    // Claude Code parses Anthropic's wording and retries with a smaller max_tokens.
    const limit = Number(overflow[2])
    const input = overflow[1] === undefined ? limit : Number(overflow[1])
    return { type: "invalid_request_error", message: contextOverflowMessage(input, maxTokens ?? 0, limit) }
  }
  // Gemini answers a bad key with 400 INVALID_ARGUMENT; it is an authentication problem.
  if (error?.reasons.includes("API_KEY_INVALID") === true || /API key not valid/i.test(message)) {
    return { type: "authentication_error", message }
  }
  const byStatus = error?.status === undefined ? undefined : STATUS_TYPES[error.status]
  return { type: byStatus ?? errorTypeForStatus(status), message }
}
