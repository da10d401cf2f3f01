/**
 * OpenAI Responses API answers -> Anthropic: a non-streaming response becomes one message (its
 * `output[]` in order, web search included: citations.ts), an error (HTTP or in-band) becomes an
 * Anthropic error type and message. Also the pieces the stream translator shares: usage, stop reason.
 */
import type { ContentBlock, MessageResponse, MessagesRequest, StopReason, Usage } from "../anthropic/Messages.js"
import { errorTypeForStatus } from "../anthropic/Messages.js"
import type { MappedError } from "../Format.js"
import { TranslationError } from "../Format.js"
import { errorParts, messageId, overflowError, parseArguments, streamErrorType } from "../openai/response.js"
import type { ToolNames } from "../openai/toolNames.js"
import { SearchAnswer, serverToolUse } from "./citations.js"
import { reasoningSignature } from "./reasoning.js"
import type { CitedTextBlock, SearchPlan, ServerToolUseBlock, WebSearchToolResultBlock } from "./webSearch.js"

type Json = Record<string, unknown>
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0)
export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined)

/** Cached input is reported apart, as Anthropic does; output tokens include the reasoning. */
export const mapUsage = (usage: unknown): Usage => {
  const u = isObject(usage) ? usage : {}
  const details = isObject(u["input_tokens_details"]) ? u["input_tokens_details"] : {}
  const cached = num(details["cached_tokens"])
  return {
    input_tokens: Math.max(0, num(u["input_tokens"]) - cached),
    output_tokens: num(u["output_tokens"]),
    cache_read_input_tokens: cached
  }
}

/** Usage as Anthropic reports it, with the searches passed on when the client offered web search. */
export type SearchUsage = Usage & { server_tool_use?: { web_search_requests: number } }

export const withSearches = <U extends Partial<Usage>>(usage: U, search: SearchAnswer | undefined): U & Pick<SearchUsage, "server_tool_use"> =>
  search === undefined ? usage : { ...usage, server_tool_use: { web_search_requests: search.passed } }

/** A finished response's status -> stop reason. A call cut off by the limit stays max_tokens. */
export const stopReason = (response: Json, toolUsed: boolean, refused: boolean): StopReason => {
  if (response["status"] === "incomplete") {
    const reason = isObject(response["incomplete_details"]) ? response["incomplete_details"]["reason"] : undefined
    return reason === "content_filter" ? "refusal" : "max_tokens"
  }
  if (toolUsed) return "tool_use"
  return refused ? "refusal" : "end_turn"
}

const summaryText = (item: Json): string => {
  const parts = [item["summary"], item["content"]].flatMap((list) => (Array.isArray(list) ? list : []))
  return parts.map((p) => (isObject(p) && typeof p["text"] === "string" ? p["text"] : "")).filter((t) => t !== "").join("\n\n")
}

/** One output item -> Anthropic blocks (and whether it was a refusal). */
export const itemBlocks = (item: Json, names: ToolNames, tag: string): { blocks: Array<ContentBlock>; refused: boolean } => {
  switch (item["type"]) {
    case "reasoning": {
      const encryptedContent = str(item["encrypted_content"])
      const thinking = summaryText(item)
      if (encryptedContent === undefined && thinking === "") return { blocks: [], refused: false }
      const signature = reasoningSignature(tag, { id: str(item["id"]), encryptedContent })
      return { blocks: [{ type: "thinking", thinking, signature }], refused: false }
    }
    case "message": {
      let text = ""
      let refused = false
      for (const part of Array.isArray(item["content"]) ? item["content"] : []) {
        if (!isObject(part)) continue
        if (part["type"] === "output_text" && typeof part["text"] === "string") text += part["text"]
        else if (part["type"] === "refusal" && typeof part["refusal"] === "string") {
          text += part["refusal"]
          refused = true
        }
      }
      return { blocks: text === "" ? [] : [{ type: "text", text }], refused }
    }
    case "function_call": {
      const name = str(item["name"])
      if (name === undefined) return { blocks: [], refused: false }
      const id = str(item["call_id"]) ?? str(item["id"]) ?? `toolu_${crypto.randomUUID().replace(/-/g, "")}`
      return { blocks: [{ type: "tool_use", id, name: names.fromUpstream(name), input: parseArguments(item["arguments"]) }], refused: false }
    }
    default:
      return { blocks: [], refused: false }
  }
}

/** The error of a failed response, or of an `error` event: `{code, message}`. */
export const responseError = (error: Json, request: MessagesRequest): MappedError => {
  const message = typeof error["message"] === "string" && error["message"] !== "" ? error["message"] : "upstream response failed"
  return contextOverflow(error, message, request) ?? { type: streamErrorType(error), message }
}

/**
 * A context overflow as Anthropic words it: with the numbers when the upstream gives them (Claude
 * Code then lowers max_tokens), else as "prompt is too long" (Claude Code's cue to compact).
 */
const contextOverflow = (error: Json, message: string, request: MessagesRequest): MappedError | undefined => {
  const mapped = overflowError(error, message, request)
  if (mapped === undefined) return undefined
  return mapped.message === message ? { type: "invalid_request_error", message: `prompt is too long: ${message}` } : mapped
}

/** Any block of an answer: Messages.ts types the blocks the proxy reads, not the web search ones. */
export type AnswerBlock = ContentBlock | CitedTextBlock | ServerToolUseBlock | WebSearchToolResultBlock

/**
 * A response's output items -> blocks, in order. A search call's result waits for the message after
 * it (the titles and the URLs it cites are there); with no message, the end of the output.
 */
export const outputBlocks = (output: ReadonlyArray<unknown>, names: ToolNames, tag: string, search: SearchAnswer | undefined): { blocks: Array<AnswerBlock>; refused: boolean } => {
  const blocks: Array<AnswerBlock> = []
  const slots = new Map<string, number>()
  let refused = false
  const resolve = () => {
    for (const result of search?.results() ?? []) {
      const slot = slots.get(result.tool_use_id)
      if (slot !== undefined) blocks[slot] = result
    }
  }
  for (const item of output) {
    if (!isObject(item)) continue
    if (item["type"] === "web_search_call") {
      const call = search?.call(item)
      if (call === undefined) continue
      blocks.push(serverToolUse(call))
      slots.set(call.id, blocks.length)
      // a placeholder, replaced by resolve()
      blocks.push({ type: "web_search_tool_result", tool_use_id: call.id, content: [] })
      continue
    }
    // As in a stream: a message can cite only after a search (before one, annotations are ignored).
    const cites = item["type"] === "message" && search?.searched === true
    const out = cites ? search.message(item) : itemBlocks(item, names, tag)
    if (cites) resolve()
    blocks.push(...out.blocks)
    refused ||= out.refused
  }
  resolve()
  return { blocks, refused }
}

/** A 2xx non-streaming body -> one Anthropic message. `model` is the model the client asked for;
 * `plan`, the client's web search tool (undefined: none offered). */
export const toAnthropicMessage = (json: unknown, model: string, names: ToolNames, tag: string, plan?: SearchPlan): MessageResponse => {
  if (!isObject(json) || !Array.isArray(json["output"])) {
    throw new TranslationError("upstream answered with something that is not a response (no output)")
  }
  if (json["status"] === "failed" || isObject(json["error"])) {
    const error = isObject(json["error"]) ? json["error"] : {}
    throw new TranslationError(`upstream response failed: ${String(error["message"] ?? "unknown")}`)
  }
  const search = plan === undefined ? undefined : new SearchAnswer(plan)
  const { blocks, refused } = outputBlocks(json["output"], names, tag, search)
  const usage: SearchUsage = withSearches(mapUsage(json["usage"]), search)
  return {
    id: messageId(json["id"]),
    type: "message",
    role: "assistant",
    model,
    // The web search blocks pass through as JSON; Messages.ts has no types for them.
    content: blocks as ReadonlyArray<ContentBlock>,
    stop_reason: stopReason(json, blocks.some((b) => b.type === "tool_use"), refused),
    stop_sequence: null,
    usage
  }
}

/** `insufficient_quota` is a 429 that no wait will cure: fail over without retrying. */
export const mapResponsesError = (status: number, bodyText: string, request: MessagesRequest): MappedError => {
  const { error, message } = errorParts(bodyText)
  const overflow = contextOverflow(error, message, request)
  if (overflow !== undefined) return overflow
  const exhausted = status === 429 && (error["code"] === "insufficient_quota" || error["type"] === "insufficient_quota")
  return { type: errorTypeForStatus(status), message, ...(exhausted ? { exhausted } : {}) }
}
