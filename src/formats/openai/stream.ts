/**
 * OpenAI Chat Completions SSE -> Anthropic stream events.
 *
 * Upstream output arrives on independent "lanes" (reasoning, text, and one lane per tool call) that
 * may interleave, while Anthropic blocks must never interleave. Exactly one lane is live (its block
 * is open) and streams straight through; a fragment for another lane is buffered on that lane. The
 * live block is closed in favour of a waiting lane only when closing is safe:
 *  - text and reasoning can always be closed (later text simply opens a new block);
 *  - a tool call only once its arguments are complete JSON, since a closed tool_use cannot be extended.
 * So calls that arrive one after another (the usual case) are streamed live, calls with interleaved
 * indexes are delivered whole as soon as the live one is complete (at the latest at finish), and no
 * fragment is lost. A fragment for a call whose arguments were already complete can only make them
 * invalid, so it is dropped.
 */
import type { ErrorType, MessagesRequest, StopReason, StreamEvent } from "../anthropic/Messages.js"
import { encodeEvents, SseParser } from "../Sse.js"
import { DeltaHeads, deltaFrame, type FastFrame, type HeadMemo, readFrame, tokenValue } from "./fastFrame.js"
import { type StreamTranslator, toTransformStream } from "../StreamTranslator.js"
import type { SseEvent } from "../Sse.js"
import type { ChatUsage } from "./response.js"
import { errorParts, mapFinishReason, mapUsage, messageId, overflowError, reasoningText, streamErrorType, THINKING_SIGNATURE } from "./response.js"
import type { ToolNames } from "./toolNames.js"

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined)

interface TextLane {
  readonly kind: "text" | "thinking"
  pending: string
}
interface ToolLane {
  readonly kind: "tool"
  readonly id: string
  name: string | undefined
  /** arguments received while not live */
  pending: string
  /** arguments streamed so far while live (for the completeness check) */
  args: string
  /** argument tokens streamed as bytes, not yet added to `args` (decoded only when checked) */
  rawArgs: Array<Uint8Array>
  /** where the completeness scanner stopped, and its state there */
  scan: { at: number; depth: number; inString: boolean; escaped: boolean; opened: boolean }
  done: boolean
}
type Lane = TextLane | ToolLane

const NO_SCAN = { at: 0, depth: 0, inString: false, escaped: false, opened: false }
const newToolId = (): string => `toolu_${crypto.randomUUID().replace(/-/g, "")}`

/** Adds the arguments streamed as bytes to `args`, in order. */
const settleArgs = (lane: ToolLane): void => {
  if (lane.rawArgs.length === 0) return
  for (const token of lane.rawArgs) lane.args += tokenValue(token)
  lane.rawArgs = []
}

/**
 * Whether a tool's arguments form a complete JSON value. A small incremental scanner (string and
 * nesting state, resumed where it stopped) keeps this linear in the argument size however often it
 * is asked; JSON.parse only confirms once the nesting is back to zero.
 */
const completeJson = (lane: ToolLane): boolean => {
  settleArgs(lane)
  const a = lane.args
  let { depth, escaped, inString, opened } = lane.scan
  for (let i = lane.scan.at; i < a.length; i++) {
    const c = a.charCodeAt(i)
    if (inString) {
      if (escaped) escaped = false
      else if (c === 92) escaped = true // backslash
      else if (c === 34) inString = false // quote
    } else if (c === 34) {
      inString = true
    } else if (c === 123 || c === 91) {
      depth++
      opened = true
    } else if (c === 125 || c === 93) {
      depth--
    }
  }
  const changed = lane.scan.at !== a.length
  lane.scan = { at: a.length, depth, inString, escaped, opened }
  if (!changed || !opened || depth !== 0 || inString) return false
  try {
    JSON.parse(a)
    return true
  } catch {
    return false
  }
}

export class ChatStreamTranslator {
  private out: Array<StreamEvent> = []
  private started = false
  private terminated = false
  private finish: unknown = undefined
  private usage: ChatUsage | undefined = undefined
  private toolEmitted = false

  private live: Lane | undefined = undefined
  private liveIndex = -1
  private nextIndex = 0
  private waiting: Array<Lane> = []
  private readonly text: TextLane = { kind: "text", pending: "" }
  private readonly thinking: TextLane = { kind: "thinking", pending: "" }
  private readonly toolsById = new Map<string, ToolLane>()
  private readonly toolsByIndex = new Map<number, ToolLane>()
  private lastTool: ToolLane | undefined = undefined
  private readonly heads = new DeltaHeads()

  /** `model` is the model the client asked for; `names` maps shortened tool names back. */
  constructor(private readonly model: string, private readonly names: ToolNames, private readonly request: MessagesRequest) {}

  /** Translates the SSE events completed by one upstream chunk. */
  push(events: ReadonlyArray<SseEvent>): Array<StreamEvent> {
    this.out = []
    for (const e of events) {
      if (this.terminated) break
      this.data(e)
    }
    return this.out
  }

  /**
   * A frame read as bytes (fastFrame): its Anthropic frame as bytes, when it continues the live
   * block exactly as the general path would (same state changes, same bytes); otherwise undefined.
   */
  pushFrame(frame: FastFrame): Uint8Array | undefined {
    if (!this.started || this.terminated || frame.token.length <= 2) return undefined
    if (frame.kind === "content") {
      return this.live === this.text ? deltaFrame(this.heads.get(this.liveIndex, "text_delta"), frame.token) : undefined
    }
    const lane = this.toolsByIndex.get(frame.index)
    if (lane === undefined || lane !== this.live || lane.done || this.waiting.length > 0) return undefined
    this.lastTool = lane
    lane.rawArgs.push(frame.token)
    return deltaFrame(this.heads.get(this.liveIndex, "input_json_delta"), frame.token)
  }

  /** The upstream body ended: close normally if it finished, otherwise report the truncation. */
  end(): Array<StreamEvent> {
    this.out = []
    if (!this.terminated) {
      if (this.finish !== undefined) this.complete()
      else this.fail("api_error", "upstream stream ended before the response was complete")
    }
    return this.out
  }

  private data(e: SseEvent): void {
    const data = e.data.trim()
    if (data === "[DONE]") return this.complete()
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      json = undefined
    }
    if (e.event === "error" || (isObject(json) && json["error"] !== undefined && json["error"] !== null)) {
      const { error, message } = errorParts(data)
      const mapped = overflowError(error, message, this.request) ?? { type: streamErrorType(error), message }
      return this.fail(mapped.type, mapped.message)
    }
    if (!isObject(json)) return this.fail("api_error", `upstream sent invalid stream data: ${data.slice(0, 200)}`)
    this.start(json)
    if (isObject(json["usage"])) this.usage = json["usage"]
    const choices = json["choices"]
    if (!Array.isArray(choices)) return
    for (const choice of choices) {
      // Only the first choice is translated (the request never asks for n > 1).
      if (!isObject(choice) || (typeof choice["index"] === "number" && choice["index"] !== 0)) continue
      if (isObject(choice["delta"])) this.delta(choice["delta"])
      const reason = choice["finish_reason"]
      if (reason === "error") return this.fail("api_error", "upstream stream failed")
      if (reason !== undefined && reason !== null) {
        this.finish = reason
        // Blocks close now; message_delta waits for the usage chunk that follows.
        this.flushLanes()
      }
    }
  }

  private delta(delta: Json): void {
    const reasoning = reasoningText(delta)
    if (reasoning !== "") this.feed(this.thinking, reasoning)
    const content = str(delta["content"]) ?? str(delta["refusal"])
    if (content !== undefined) this.feed(this.text, content)
    const calls = delta["tool_calls"]
    if (Array.isArray(calls)) {
      for (const call of calls) if (isObject(call)) this.toolFragment(call)
    } else if (isObject(delta["function_call"])) {
      // the legacy single-call form
      this.toolFragment({ index: 0, function: delta["function_call"] })
    }
  }

  /** Groups fragments by id first (some upstreams send every call as index 0 with distinct ids),
   * then by index, and a fragment with neither continues the latest call. */
  private toolFragment(call: Json): void {
    const id = str(call["id"])
    const index = typeof call["index"] === "number" ? call["index"] : undefined
    let lane = id !== undefined ? this.toolsById.get(id) : index !== undefined ? this.toolsByIndex.get(index) : this.lastTool
    if (lane === undefined) {
      lane = { kind: "tool", id: id ?? newToolId(), name: undefined, pending: "", args: "", rawArgs: [], scan: NO_SCAN, done: false }
      this.toolsById.set(lane.id, lane)
    }
    if (index !== undefined) this.toolsByIndex.set(index, lane)
    this.lastTool = lane
    const fn = isObject(call["function"]) ? call["function"] : {}
    const name = str(fn["name"])
    if (lane.name === undefined && name !== undefined) lane.name = name
    const args = typeof fn["arguments"] === "string" ? fn["arguments"] : ""
    if (lane.done) return // its arguments were complete: more could only break them
    this.feed(lane, args)
  }

  private feed(lane: Lane, fragment: string): void {
    if (lane === this.live) {
      this.emitDelta(lane, fragment)
      // a waiting call can go as soon as this one's arguments are complete
      if (lane.kind === "tool" && this.waiting.length > 0) this.advance()
      return
    }
    lane.pending += fragment
    if (!this.waiting.includes(lane)) this.waiting.push(lane)
    this.advance()
  }

  /** Opens the first waiting lane that can be opened, if the live block can be closed safely. */
  private advance(): void {
    const next = this.waiting.findIndex((l) => l.kind !== "tool" || l.name !== undefined)
    if (next === -1) return
    const live = this.live
    if (live !== undefined && live.kind === "tool" && !completeJson(live)) return
    this.closeLive()
    const [lane] = this.waiting.splice(next, 1)
    if (lane !== undefined) this.open(lane)
  }

  private open(lane: Lane): void {
    this.liveIndex = this.nextIndex++
    this.live = lane
    const index = this.liveIndex
    if (lane.kind === "tool") {
      this.toolEmitted = true
      const name = this.names.fromUpstream(lane.name ?? "")
      this.out.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: lane.id, name, input: {} } })
    } else if (lane.kind === "text") {
      this.out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } })
    } else {
      this.out.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } })
    }
    const pending = lane.pending
    lane.pending = ""
    this.emitDelta(lane, pending)
  }

  private emitDelta(lane: Lane, fragment: string): void {
    if (fragment === "") return
    const index = this.liveIndex
    if (lane.kind === "tool") {
      settleArgs(lane)
      lane.args += fragment
      this.out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: fragment } })
    } else if (lane.kind === "text") {
      this.out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: fragment } })
    } else {
      this.out.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: fragment } })
    }
  }

  private closeLive(): void {
    const lane = this.live
    if (lane === undefined) return
    const index = this.liveIndex
    if (lane.kind === "thinking") {
      // Marks the block as ours so it can be stripped before the history goes to Anthropic.
      this.out.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: THINKING_SIGNATURE } })
    }
    if (lane.kind === "tool") lane.done = true
    this.out.push({ type: "content_block_stop", index })
    this.live = undefined
  }

  /** Closes the live block and emits every waiting lane whole, in arrival order. */
  private flushLanes(): void {
    this.closeLive()
    const waiting = this.waiting
    this.waiting = []
    for (const lane of waiting) {
      // A call that never got a name cannot be executed by the client.
      if (lane.kind === "tool" && lane.name === undefined) continue
      this.open(lane)
      this.closeLive()
    }
  }

  private start(chunk: Json): void {
    if (this.started) return
    this.started = true
    const usage = isObject(chunk["usage"]) ? mapUsage(chunk["usage"]) : { input_tokens: 0, output_tokens: 0 }
    const base = { id: messageId(chunk["id"]), type: "message", role: "assistant", model: this.model } as const
    this.out.push({ type: "message_start", message: { ...base, content: [], stop_reason: null, stop_sequence: null, usage } })
  }

  private complete(): void {
    this.start({})
    this.flushLanes()
    const stop: StopReason = mapFinishReason(this.finish, this.toolEmitted)
    const u = mapUsage(this.usage)
    const usage = { input_tokens: u.input_tokens, cache_read_input_tokens: u.cache_read_input_tokens ?? 0, output_tokens: u.output_tokens }
    this.out.push({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage }, { type: "message_stop" })
    this.terminated = true
  }

  /** An error frame ends the stream: no message_stop follows (the client retries). */
  private fail(type: ErrorType, message: string): void {
    this.out.push({ type: "error", error: { type, message } })
    this.terminated = true
  }
}

/** Upstream SSE bytes -> Anthropic SSE bytes: one output per upstream chunk, nothing buffered
 * beyond an incomplete line or a not-yet-closable block. */
export const chatStreamTranslator = (model: string, names: ToolNames, request: MessagesRequest): StreamTranslator => {
  const parser = new SseParser()
  const translator = new ChatStreamTranslator(model, names, request)
  const memo: HeadMemo = { head: undefined }
  return {
    push: (chunk) => {
      const frame = parser.idle ? readFrame(chunk, memo) : undefined
      const fast = frame === undefined ? undefined : translator.pushFrame(frame)
      if (fast !== undefined) return fast
      const events = translator.push(parser.push(chunk))
      return events.length > 0 ? encodeEvents(events) : undefined
    },
    end: () => {
      const events = translator.push(parser.end())
      for (const e of translator.end()) events.push(e)
      return events.length > 0 ? encodeEvents(events) : undefined
    }
  }
}

export const chatStreamTransform = (model: string, names: ToolNames, request: MessagesRequest): TransformStream<Uint8Array, Uint8Array> =>
  toTransformStream(chatStreamTranslator(model, names, request))
