/**
 * OpenAI Responses API stream -> Anthropic stream events.
 *
 * The upstream streams output items (reasoning, message, function_call) one after another, each
 * opened by `response.output_item.added` and closed by `response.output_item.done`. Each item becomes
 * one Anthropic block under a single index counter. Blocks open lazily — a reasoning item only once it
 * shows text or ends, a message only with its first text — so an answer that fails before saying
 * anything has not committed the stream gate and can still fail over. Function-call arguments come
 * again whole in `.arguments.done` and `output_item.done`: only the part not yet sent is sent.
 */
import type { ErrorType, MessagesRequest, StopReason, StreamEvent } from "../anthropic/Messages.js"
import { messageId } from "../openai/response.js"
import type { ToolNames } from "../openai/toolNames.js"
import { encodeEvents, type SseEvent, SseParser } from "../Sse.js"
import { type StreamTranslator, toTransformStream } from "../StreamTranslator.js"
import { reasoningSignature } from "./reasoning.js"
import { isObject, itemBlocks, mapUsage, responseError, stopReason, str } from "./response.js"

type Json = Record<string, unknown>
type Kind = "text" | "thinking" | "tool"

interface Item {
  readonly type: string
  id: string | undefined
  callId: string | undefined
  name: string | undefined
  /** arguments sent so far (function calls) */
  args: string
  /** the reasoning summary part changed: the next thinking text starts a paragraph */
  paragraph: boolean
  /** any thinking text sent for this item */
  thought: boolean
  /** text sent for this item (messages) */
  said: boolean
  /** its tool_use block was closed: more arguments could only break it */
  closed: boolean
}

interface OpenBlock {
  readonly item: Item
  readonly kind: Kind
  readonly index: number
}

export class ResponsesStreamTranslator {
  private out: Array<StreamEvent> = []
  private started = false
  private terminated = false
  private nextIndex = 0
  private open: OpenBlock | undefined = undefined
  private readonly items = new Map<string, Item>()
  private toolUsed = false
  private refused = false

  /** `model` is the model the client asked for; `names` maps shortened tool names back; `tag` marks
   * this provider's reasoning. */
  constructor(
    private readonly model: string,
    private readonly names: ToolNames,
    private readonly tag: string,
    private readonly request: MessagesRequest
  ) {}

  push(events: ReadonlyArray<SseEvent>): Array<StreamEvent> {
    this.out = []
    for (const e of events) {
      if (this.terminated) break
      this.event(e)
    }
    return this.out
  }

  end(): Array<StreamEvent> {
    this.out = []
    if (!this.terminated) this.fail("api_error", "upstream stream ended before the response was complete")
    return this.out
  }

  private event(e: SseEvent): void {
    const data = e.data.trim()
    if (data === "[DONE]") return
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      return this.fail("api_error", `upstream sent invalid stream data: ${data.slice(0, 200)}`)
    }
    if (!isObject(json)) return this.fail("api_error", `upstream sent invalid stream data: ${data.slice(0, 200)}`)
    const type = str(json["type"]) ?? e.event
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        return this.start(isObject(json["response"]) ? json["response"] : {})
      case "response.output_item.added":
        return this.added(json)
      case "response.reasoning_summary_part.added":
        return this.paragraph(json)
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        return this.text(json, "thinking")
      case "response.output_text.delta":
        return this.text(json, "text")
      case "response.refusal.delta":
        this.refused = true
        return this.text(json, "text")
      case "response.function_call_arguments.delta":
        return this.arguments(json, false)
      case "response.function_call_arguments.done":
        return this.arguments(json, true)
      case "response.output_item.done":
        return this.itemDone(json)
      case "response.completed":
      case "response.incomplete":
        return this.complete(isObject(json["response"]) ? json["response"] : {})
      case "response.failed": {
        const response = isObject(json["response"]) ? json["response"] : {}
        return this.failWith(isObject(response["error"]) ? response["error"] : {})
      }
      case "error":
        return this.failWith(isObject(json["error"]) ? json["error"] : json)
      default:
        return
    }
  }

  private start(response: Json): void {
    if (this.started) return
    this.started = true
    const usage = mapUsage(response["usage"])
    this.out.push({
      type: "message_start",
      message: {
        id: messageId(response["id"]),
        type: "message",
        role: "assistant",
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 0 }
      }
    })
  }

  /** The item an event is about: by output_index, else by item id. */
  private item(json: Json, added?: Json): Item {
    const key = typeof json["output_index"] === "number" ? `#${json["output_index"]}` : str(json["item_id"]) ?? str(added?.["id"]) ?? "#0"
    let item = this.items.get(key)
    if (item === undefined) {
      const source = added ?? {}
      item = {
        type: str(source["type"]) ?? "unknown",
        id: str(source["id"]) ?? str(json["item_id"]),
        callId: str(source["call_id"]),
        name: str(source["name"]),
        args: "",
        paragraph: false,
        thought: false,
        said: false,
        closed: false
      }
      this.items.set(key, item)
    }
    return item
  }

  private added(json: Json): void {
    const source = isObject(json["item"]) ? json["item"] : {}
    const item = this.item(json, source)
    // A call opens at once: its name is known and its arguments follow.
    if (item.type === "function_call") this.ensure(item, "tool")
  }

  private paragraph(json: Json): void {
    const item = this.item(json)
    if (item.thought) item.paragraph = true
  }

  private text(json: Json, kind: "text" | "thinking"): void {
    const delta = typeof json["delta"] === "string" ? json["delta"] : ""
    if (delta === "") return
    this.start({})
    const item = this.item(json)
    const index = this.ensure(item, kind)
    if (kind === "thinking") {
      const text = item.paragraph ? `\n\n${delta}` : delta
      item.paragraph = false
      item.thought = true
      this.out.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: text } })
    } else {
      item.said = true
      this.out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: delta } })
    }
  }

  /** Sends what the call's arguments add to what was sent; a `.done` repeats them whole. */
  private arguments(json: Json, whole: boolean): void {
    const item = this.item(json)
    const text = whole ? json["arguments"] : json["delta"]
    if (typeof text !== "string") return
    this.sendArguments(item, whole ? text : item.args + text)
  }

  private sendArguments(item: Item, full: string): void {
    if (item.closed || !full.startsWith(item.args) || full.length === item.args.length) return
    this.start({})
    const index = this.ensure(item, "tool")
    const fragment = full.slice(item.args.length)
    item.args = full
    this.out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: fragment } })
  }

  private itemDone(json: Json): void {
    const done = isObject(json["item"]) ? json["item"] : {}
    const item = this.item(json, done)
    item.id ??= str(done["id"])
    item.callId ??= str(done["call_id"])
    item.name ??= str(done["name"])
    this.start({})
    if (item.type === "function_call" || done["type"] === "function_call") {
      if (typeof done["arguments"] === "string") this.sendArguments(item, done["arguments"])
      if (!item.closed) this.ensure(item, "tool")
      return this.closeItem(item)
    }
    if (done["type"] === "reasoning") {
      const encryptedContent = str(done["encrypted_content"])
      if (!item.thought) {
        // Nothing was streamed: the summary (if any) and the encrypted reasoning arrive whole here.
        const [block] = itemBlocks(done, this.names, this.tag).blocks
        if (block === undefined) return
        const index = this.ensure(item, "thinking")
        if (block.type === "thinking" && block.thinking !== "") {
          this.out.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } })
        }
      }
      if (this.open?.item === item) return this.close(reasoningSignature(this.tag, { id: item.id, encryptedContent }))
      return
    }
    if (done["type"] === "message" && !item.said) {
      const { blocks, refused } = itemBlocks(done, this.names, this.tag)
      const [block] = blocks
      if (block?.type === "text") {
        this.refused ||= refused
        const index = this.ensure(item, "text")
        this.out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } })
      }
    }
    this.closeItem(item)
  }

  /** The block for this item's content, opening it (and closing any other) when needed. */
  private ensure(item: Item, kind: Kind): number {
    if (this.open !== undefined && this.open.item === item && this.open.kind === kind) return this.open.index
    this.close()
    const index = this.nextIndex++
    this.open = { item, kind, index }
    if (kind === "tool") {
      this.toolUsed = true
      const id = item.callId ?? item.id ?? `toolu_${crypto.randomUUID().replace(/-/g, "")}`
      item.callId = id
      const name = this.names.fromUpstream(item.name ?? "")
      this.out.push({ type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: {} } })
    } else if (kind === "text") {
      this.out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } })
    } else {
      this.out.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } })
    }
    return index
  }

  private closeItem(item: Item): void {
    if (this.open?.item === item) this.close()
  }

  /** Closes the open block; a thinking block is signed first (Anthropic's grammar needs it). */
  private close(signature?: string): void {
    const open = this.open
    if (open === undefined) return
    if (open.kind === "thinking") {
      const sig = signature ?? reasoningSignature(this.tag, {})
      this.out.push({ type: "content_block_delta", index: open.index, delta: { type: "signature_delta", signature: sig } })
    }
    if (open.kind === "tool") open.item.closed = true
    this.out.push({ type: "content_block_stop", index: open.index })
    this.open = undefined
  }

  private complete(response: Json): void {
    this.start(response)
    this.close()
    // Some servers stream no item events: the finished response's output is then the answer.
    if (this.nextIndex === 0 && Array.isArray(response["output"])) {
      for (const raw of response["output"]) if (isObject(raw)) this.whole(raw)
    }
    const stop: StopReason = stopReason(response, this.toolUsed, this.refused)
    const u = mapUsage(response["usage"])
    const usage = { input_tokens: u.input_tokens, cache_read_input_tokens: u.cache_read_input_tokens ?? 0, output_tokens: u.output_tokens }
    this.out.push({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage }, { type: "message_stop" })
    this.terminated = true
  }

  /** One finished output item as whole blocks. */
  private whole(raw: Json): void {
    const { blocks, refused } = itemBlocks(raw, this.names, this.tag)
    this.refused ||= refused
    for (const block of blocks) {
      const index = this.nextIndex++
      if (block.type === "tool_use") {
        this.toolUsed = true
        this.out.push({ type: "content_block_start", index, content_block: { ...block, input: {} } })
        this.out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } })
      } else if (block.type === "thinking") {
        this.out.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } })
        if (block.thinking !== "") this.out.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } })
        this.out.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature ?? "" } })
      } else if (block.type === "text") {
        this.out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } })
        this.out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } })
      }
      this.out.push({ type: "content_block_stop", index })
    }
  }

  private failWith(error: Json): void {
    const mapped = responseError(error, this.request)
    this.fail(mapped.type, mapped.message)
  }

  /** An error frame ends the stream: no message_stop follows (the client retries). */
  private fail(type: ErrorType, message: string): void {
    this.out.push({ type: "error", error: { type, message } })
    this.terminated = true
  }
}

export const responsesStreamTranslator = (model: string, names: ToolNames, tag: string, request: MessagesRequest): StreamTranslator => {
  const parser = new SseParser()
  const translator = new ResponsesStreamTranslator(model, names, tag, request)
  return {
    push: (chunk) => {
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

export const responsesStreamTransform = (model: string, names: ToolNames, tag: string, request: MessagesRequest): TransformStream<Uint8Array, Uint8Array> =>
  toTransformStream(responsesStreamTranslator(model, names, tag, request))
