/**
 * OpenAI Responses API stream -> Anthropic stream events.
 *
 * The upstream streams output items (reasoning, message, function_call) one after another, each
 * opened by `response.output_item.added` and closed by `response.output_item.done`. Each item becomes
 * one Anthropic block under a single index counter. Blocks open lazily — a reasoning item only once it
 * shows text or ends, a message only with its first text — so an answer that fails before saying
 * anything has not committed the stream gate and can still fail over. Function-call arguments come
 * again whole in `.arguments.done` and `output_item.done`: only the part not yet sent is sent. Web
 * search calls become server_tool_use and web_search_tool_result blocks; a message after a search is
 * held whole, its cited spans becoming blocks of their own (searchStream.ts, citations.ts).
 */
import type { ErrorType, MessagesRequest, StopReason, StreamEvent } from "../anthropic/Messages.js"
import { messageId } from "../openai/response.js"
import type { ToolNames } from "../openai/toolNames.js"
import { encodeEvents, type SseEvent, SseParser } from "../Sse.js"
import { type StreamTranslator, toTransformStream } from "../StreamTranslator.js"
import { reasoningSignature } from "./reasoning.js"
import { isObject, itemBlocks, mapUsage, outputBlocks, responseError, stopReason, str, withSearches } from "./response.js"
import { blockEvents, SearchStream } from "./searchStream.js"
import { BlockWriter, type Item } from "./streamBlocks.js"
import { searchPlan } from "./webSearch.js"

type Json = Record<string, unknown>

export class ResponsesStreamTranslator extends BlockWriter {
  private started = false
  private terminated = false
  private refused = false

  /** `model` is the model the client asked for; `names` maps shortened tool names back; `tag` marks
   * this provider's reasoning. */
  constructor(
    private readonly model: string,
    names: ToolNames,
    tag: string,
    private readonly request: MessagesRequest
  ) {
    const plan = searchPlan(request)
    super(names, tag, plan === undefined ? undefined : new SearchStream(plan))
  }

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
      case "response.output_text.annotation.added":
        return this.search?.annotate(this.item(json), json["annotation"])
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
    if (kind === "text" && !item.said && this.search?.holdText(item, delta) === true) return
    const index = this.ensure(item, kind)
    if (kind === "thinking") {
      const text = item.paragraph ? `\n\n${delta}` : delta
      item.paragraph = false
      item.thought = true
      this.emit({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: text } })
    } else {
      item.said = true
      this.emit({ type: "content_block_delta", index, delta: { type: "text_delta", text: delta } })
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
    this.emit({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: fragment } })
  }

  private itemDone(json: Json): void {
    const done = isObject(json["item"]) ? json["item"] : {}
    const item = this.item(json, done)
    item.id ??= str(done["id"])
    item.callId ??= str(done["call_id"])
    item.name ??= str(done["name"])
    this.start({})
    if (item.type === "web_search_call" || done["type"] === "web_search_call") {
      this.close()
      this.out.push(...this.search?.call(done, this.next) ?? [])
      return
    }
    if (done["type"] === "message" && !item.said && this.search?.answer.searched === true) {
      this.close()
      return this.searched(this.search.message(item, done, this.next))
    }
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
          this.emit({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } })
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
        this.emit({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } })
      }
    }
    this.closeItem(item)
  }

  private searched({ events, refused }: { events: Array<StreamEvent>; refused: boolean }): void {
    this.refused ||= refused
    this.out.push(...events)
  }

  private complete(response: Json): void {
    this.start(response)
    this.close()
    if (this.search !== undefined) this.searched(this.search.finish(this.next))
    // Some servers stream no item events: the finished response's output is then the answer.
    if (this.nextIndex === 0 && Array.isArray(response["output"])) this.whole(response["output"])
    const stop: StopReason = stopReason(response, this.toolUsed, this.refused)
    const u = mapUsage(response["usage"])
    const usage = withSearches({ input_tokens: u.input_tokens, cache_read_input_tokens: u.cache_read_input_tokens ?? 0, output_tokens: u.output_tokens }, this.search?.answer)
    this.out.push({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage }, { type: "message_stop" })
    this.terminated = true
  }

  /** A finished response's output items as whole blocks. */
  private whole(output: ReadonlyArray<unknown>): void {
    const { blocks, refused } = outputBlocks(output, this.names, this.tag, this.search?.answer)
    this.refused ||= refused
    for (const block of blocks) {
      if (block.type === "tool_use") this.toolUsed = true
      this.out.push(...blockEvents(this.nextIndex++, block))
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
