/**
 * OpenAI Chat Completions answers -> Anthropic: a non-streaming completion becomes one Anthropic
 * message, and an error answer (or an error inside a stream) becomes an Anthropic error type/message.
 * Also the pieces the stream translator shares: stop reason, usage, message id.
 */
import type {
  ContentBlock,
  ErrorType,
  MessageResponse,
  MessagesRequest,
  StopReason,
  Usage
} from "../anthropic/Messages.js"
import { contextOverflowMessage, errorTypeForStatus } from "../anthropic/Messages.js"
import { foreignSignature } from "../ForeignThinking.js"
import type { MappedError } from "../Format.js"
import { TranslationError } from "../Format.js"
import type { ToolNames } from "./toolNames.js"

/** The usage object of a completion or of the last stream chunk. */
export interface ChatUsage {
  readonly prompt_tokens?: number | null
  readonly completion_tokens?: number | null
  readonly prompt_tokens_details?: { readonly cached_tokens?: number | null } | null
  /** DeepSeek reports its cache hits here */
  readonly prompt_cache_hit_tokens?: number | null
}

export const THINKING_SIGNATURE = foreignSignature("openai")

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0)

export const mapFinishReason = (reason: unknown, toolUsed: boolean): StopReason => {
  // A call cut off by the length limit stays max_tokens (as Anthropic does): its input is incomplete.
  if (reason === "length") return "max_tokens"
  if (toolUsed) return "tool_use"
  switch (reason) {
    case "tool_calls":
    case "function_call":
      return "tool_use"
    case "content_filter":
      return "refusal"
    default:
      return "end_turn"
  }
}

export const mapUsage = (usage: ChatUsage | null | undefined): Usage => {
  const prompt = num(usage?.prompt_tokens)
  const cached = num(usage?.prompt_tokens_details?.cached_tokens) || num(usage?.prompt_cache_hit_tokens)
  return {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: num(usage?.completion_tokens),
    cache_read_input_tokens: cached
  }
}

/** `msg_` + the upstream id, kept to characters that are safe in any id position. */
export const messageId = (upstreamId: unknown): string =>
  typeof upstreamId === "string" && upstreamId !== ""
    ? `msg_${upstreamId.replace(/[^A-Za-z0-9_-]/g, "_")}`
    : `msg_${crypto.randomUUID().replace(/-/g, "")}`

/** Reasoning text under any of the names in use: DeepSeek `reasoning_content`, OpenRouter
 * `reasoning` (and `reasoning_details`, which repeats it, so it is only a last resort). */
export const reasoningText = (m: Json): string => {
  if (typeof m["reasoning_content"] === "string" && m["reasoning_content"] !== "") return m["reasoning_content"]
  if (typeof m["reasoning"] === "string" && m["reasoning"] !== "") return m["reasoning"]
  const details = m["reasoning_details"]
  if (!Array.isArray(details)) return ""
  let s = ""
  for (const d of details) {
    if (!isObject(d)) continue
    if (typeof d["text"] === "string") s += d["text"]
    else if (typeof d["summary"] === "string") s += d["summary"]
  }
  return s
}

/** Arguments -> an input object. Anthropic guarantees an object, so anything unparseable becomes {}:
 * Claude Code then rejects the call against the tool's schema and the model can retry, whereas a
 * made-up shape could run the tool with wrong input. A doubly encoded JSON string is unwrapped. */
export const parseArguments = (args: unknown): Json => {
  if (isObject(args)) return args
  if (typeof args !== "string" || args.trim() === "") return {}
  try {
    let v: unknown = JSON.parse(args)
    if (typeof v === "string") v = JSON.parse(v)
    return isObject(v) ? v : {}
  } catch {
    return {}
  }
}

const contentText = (content: unknown): string => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return ""
  return content.map((p) => (isObject(p) && typeof p["text"] === "string" ? p["text"] : "")).join("")
}

/** A 2xx non-streaming body -> one Anthropic message. `model` is the model the client asked for. */
export const toAnthropicMessage = (json: unknown, model: string, names: ToolNames): MessageResponse => {
  if (!isObject(json)) throw new TranslationError("upstream answered with something that is not a chat completion")
  if (isObject(json["error"])) throw new TranslationError(`upstream error: ${String(json["error"]["message"] ?? "unknown")}`)
  const choice = Array.isArray(json["choices"]) ? json["choices"][0] : undefined
  if (!isObject(choice) || !isObject(choice["message"])) {
    throw new TranslationError("upstream answered with something that is not a chat completion (no choices)")
  }
  const message = choice["message"]
  const content: Array<ContentBlock> = []
  const thinking = reasoningText(message)
  if (thinking !== "") content.push({ type: "thinking", thinking, signature: THINKING_SIGNATURE })
  const text = contentText(message["content"]) || (typeof message["refusal"] === "string" ? message["refusal"] : "")
  if (text !== "") content.push({ type: "text", text })
  const calls = Array.isArray(message["tool_calls"]) ? message["tool_calls"] : []
  for (const call of calls) {
    if (!isObject(call) || !isObject(call["function"])) continue
    const fn = call["function"]
    if (typeof fn["name"] !== "string" || fn["name"] === "") continue
    content.push({
      type: "tool_use",
      id: typeof call["id"] === "string" && call["id"] !== "" ? call["id"] : `toolu_${crypto.randomUUID().replace(/-/g, "")}`,
      name: names.fromUpstream(fn["name"]),
      input: parseArguments(fn["arguments"])
    })
  }
  const toolUsed = content.some((b) => b.type === "tool_use")
  return {
    id: messageId(json["id"]),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: mapFinishReason(choice["finish_reason"], toolUsed),
    stop_sequence: null,
    usage: mapUsage(isObject(json["usage"]) ? json["usage"] : undefined)
  }
}

// ---- errors ----

/** The numbers of "maximum context length is N tokens. However, you requested M tokens (X in the
 * messages, Y in the completion)" and its variants (OpenRouter: "X of text input, Y in the output";
 * vLLM: "your messages resulted in X tokens"). */
const overflowNumbers = (message: string, request: MessagesRequest) => {
  const find = (re: RegExp): number | undefined => {
    const m = re.exec(message)
    return m?.[1] === undefined ? undefined : Number(m[1])
  }
  const limit = find(/maximum context length is (\d+)/i) ?? find(/context (?:length|window)(?: limit)? (?:of|is) (\d+)/i)
  const requested = find(/requested (?:about )?(\d+)/i)
  const completion = find(/(\d+) (?:tokens )?(?:in|for) the (?:completion|output)/i)
  let input = find(/(\d+) (?:tokens )?(?:in the messages|of text input|of input)/i) ?? find(/resulted in (\d+)/i)
  if (input === undefined && requested !== undefined && completion !== undefined) input = requested - completion
  const max = completion ?? request.max_tokens ?? (requested !== undefined && input !== undefined ? requested - input : undefined)
  return limit !== undefined && input !== undefined && max !== undefined ? { input, max, limit } : undefined
}

const isContextOverflow = (code: unknown, message: string): boolean =>
  code === "context_length_exceeded" || /maximum context length|context length exceeded|context_length_exceeded|exceeds the context window/i.test(message)

/** A stream's `{"error":{...}}` has no HTTP status of its own: derive the type from its code/type. */
export const streamErrorType = (error: Json): ErrorType => {
  const code = error["code"]
  if (typeof code === "number") return errorTypeForStatus(code)
  if (typeof code === "string" && /^\d{3}$/.test(code)) return errorTypeForStatus(Number(code))
  const tag = `${typeof code === "string" ? code : ""} ${typeof error["type"] === "string" ? error["type"] : ""}`.toLowerCase()
  if (tag.includes("rate_limit") || tag.includes("too_many")) return "rate_limit_error"
  if (tag.includes("overload") || tag.includes("unavailable")) return "overloaded_error"
  if (tag.includes("timeout")) return "timeout_error"
  if (tag.includes("context_length") || tag.includes("invalid_request")) return "invalid_request_error"
  return "api_error"
}

/** The error object and message of an error body: `{error:{message}}`, `{error:"..."}`, `{message}`, text. */
export const errorParts = (bodyText: string): { error: Json; message: string } => {
  let json: unknown
  try {
    json = JSON.parse(bodyText)
  } catch {
    json = undefined
  }
  const root = Array.isArray(json) ? json[0] : json // some gateways wrap the body in an array
  if (isObject(root)) {
    const e = root["error"]
    if (isObject(e) && typeof e["message"] === "string") return { error: e, message: e["message"] }
    if (typeof e === "string") return { error: root, message: e }
    if (typeof root["message"] === "string") return { error: root, message: root["message"] }
  }
  const text = bodyText.trim()
  return { error: {}, message: text === "" ? "upstream error" : text.slice(0, 2000) }
}

/** Maps an error's message to Anthropic's context-overflow wording when it is one. */
export const overflowError = (error: Json, message: string, request: MessagesRequest): MappedError | undefined => {
  if (!isContextOverflow(error["code"], message)) return undefined
  const n = overflowNumbers(message, request)
  return { type: "invalid_request_error", message: n === undefined ? message : contextOverflowMessage(n.input, n.max, n.limit) }
}

export const mapChatError = (status: number, bodyText: string, request: MessagesRequest): MappedError => {
  const { error, message } = errorParts(bodyText)
  const exhausted = status === 429 && (error["code"] === "insufficient_quota" || error["type"] === "insufficient_quota")
  return overflowError(error, message, request) ?? { type: errorTypeForStatus(status), message, ...(exhausted ? { exhausted } : {}) }
}
