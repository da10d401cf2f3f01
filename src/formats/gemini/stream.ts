/**
 * Gemini `streamGenerateContent?alt=sse` -> Anthropic SSE.
 *
 * Gemini frames are `data:` only and the stream simply ends (no [DONE]); every chunk carries the
 * cumulative usage, and the finishReason comes on the last candidate chunk. So the closing
 * message_delta/message_stop wait for the upstream end, and an end without a finishReason is a broken
 * stream (an `event: error`, never a fabricated message_stop).
 *
 * A request that searched (Google Search grounding, search.ts) has its answer's text held: the
 * grounding comes with the last chunks, after text that would already have streamed, and Anthropic
 * puts the search blocks before the text and the citations on it. So at the end the search blocks go
 * first and the text follows, its cited runs opened with citations_delta. Thinking still streams as
 * it comes; search answers are short, so the wait is too.
 */
import type { ErrorType, StreamEvent } from "../anthropic/Messages.js"
import { encodeEvents, SseParser } from "../Sse.js"
import { type StreamTranslator, toTransformStream } from "../StreamTranslator.js"
import {
  type AnthropicBlock,
  type BlockDelta,
  type BlockSink,
  PartAssembler,
  type SearchUsage,
  stopReasonFor,
  toAnthropicUsage,
  withSearches
} from "./blocks.js"
import { SearchAnswer, type WebSearchSpec } from "./search.js"
import type { CallMapper } from "./tools.js"
import { type GeminiUsage, isGeminiBody, isRecord, randomId, readBlockReason, readCandidate, readUsage } from "./wire.js"

export interface StreamOptions {
  /** the model the client asked for (echoed in message_start) */
  readonly model: string
  /** maps an in-stream `{"error":{...}}` body to an Anthropic error */
  readonly mapError: (status: number, bodyText: string) => { readonly type: ErrorType; readonly message: string }
  readonly newToolId?: () => string
  readonly messageId?: string
  /** the request's tools, mapping each functionCall back (names, JSON text) */
  readonly calls?: CallMapper
  /** the request's web search (tools.search): its answer's text is held for the search blocks */
  readonly search?: WebSearchSpec | undefined
}

/**
 * Anthropic's stream events as this machine writes them: StreamEvent, plus the web search blocks,
 * citations_delta and usage.server_tool_use Messages.ts does not list (see blocks.ts).
 */
export type GeminiStreamEvent =
  | Exclude<StreamEvent, { readonly type: "content_block_start" | "content_block_delta" | "message_delta" }>
  | { readonly type: "content_block_start"; readonly index: number; readonly content_block: AnthropicBlock }
  | { readonly type: "content_block_delta"; readonly index: number; readonly delta: BlockDelta }
  | {
    readonly type: "message_delta"
    readonly delta: Extract<StreamEvent, { readonly type: "message_delta" }>["delta"]
    readonly usage: Partial<SearchUsage> & { output_tokens: number }
  }

/** The translation state machine: one SSE `data` payload in, Anthropic events out. */
export class GeminiStreamMachine {
  private out: Array<GeminiStreamEvent> = []
  private readonly sink: BlockSink
  private readonly assembler: PartAssembler
  private readonly answer: SearchAnswer | undefined
  private readonly id: string
  private index = -1
  private started = false
  private done = false
  private finishReason: string | undefined = undefined
  private usage: GeminiUsage | undefined = undefined

  constructor(private readonly options: StreamOptions) {
    this.id = options.messageId ?? randomId("msg_")
    this.answer = options.search === undefined ? undefined : new SearchAnswer(options.search)
    const sink: BlockSink = {
      start: (block) => {
        this.index++
        this.out.push({ type: "content_block_start", index: this.index, content_block: block })
      },
      delta: (delta: BlockDelta) => this.out.push({ type: "content_block_delta", index: this.index, delta }),
      stop: () => this.out.push({ type: "content_block_stop", index: this.index })
    }
    this.sink = sink
    this.assembler = new PartAssembler(sink, options.newToolId ?? (() => randomId("toolu_")), options.calls)
  }

  /** Events for one upstream frame (`data` of one SSE event). */
  frame(data: string): Array<GeminiStreamEvent> {
    this.out = []
    if (this.done) return this.out
    let body: unknown
    try {
      body = JSON.parse(data)
    } catch {
      return this.fail("api_error", "The Gemini upstream sent an unreadable stream frame")
    }
    // The streaming endpoint sometimes wraps a body in a one-element array.
    if (Array.isArray(body) && body.length === 1) body = body[0]
    if (!isRecord(body)) return this.fail("api_error", "The Gemini upstream sent an unexpected stream frame")
    const error = body["error"]
    if (isRecord(error)) {
      const code = typeof error["code"] === "number" ? error["code"] : 500
      const mapped = this.options.mapError(code, data)
      return this.fail(mapped.type, mapped.message)
    }
    if (!isGeminiBody(body)) {
      return this.fail("api_error", "The Gemini upstream sent a stream frame that is not a generateContent response")
    }
    const candidate = readCandidate(body)
    const blockReason = readBlockReason(body)
    const usage = readUsage(body["usageMetadata"])
    if (usage !== undefined) this.usage = usage
    if (!this.started) this.start()
    if (candidate !== undefined) {
      const answer = this.answer
      for (const part of candidate.parts) this.assembler.part(answer === undefined ? part : answer.hold(part))
      answer?.ground(candidate.grounding)
      if (candidate.finishReason !== undefined) this.finishReason = candidate.finishReason
    } else if (blockReason !== undefined) {
      this.finishReason = "SAFETY"
    }
    return this.out
  }

  /** Events once the upstream body has ended. */
  end(): Array<GeminiStreamEvent> {
    this.out = []
    if (this.done) return this.out
    if (this.finishReason === undefined) {
      return this.fail("api_error", "The Gemini upstream stream ended before the response was complete")
    }
    this.done = true
    this.assembler.close()
    // The grounding comes with the last chunks (or after the text): only now can the search blocks
    // go first and the held text follow with its citations. One block after the other, as ever.
    this.answer?.finish(this.sink, this.id)
    const usage = withSearches(toAnthropicUsage(this.usage), this.answer?.searches ?? 0)
    this.out.push(
      {
        type: "message_delta",
        delta: { stop_reason: stopReasonFor(this.finishReason, this.assembler.sawToolUse), stop_sequence: null },
        usage
      },
      { type: "message_stop" }
    )
    return this.out
  }

  private start(): void {
    this.started = true
    this.out.push({
      type: "message_start",
      message: {
        id: this.id,
        type: "message",
        role: "assistant",
        model: this.options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...toAnthropicUsage(this.usage), output_tokens: 0 }
      }
    })
  }

  private fail(type: ErrorType, message: string): Array<GeminiStreamEvent> {
    this.done = true
    this.out.push({ type: "error", error: { type, message } })
    return this.out
  }
}

/**
 * Bytes in, bytes out: SseParser -> machine -> encodeEvents, at most one output per upstream chunk.
 * Nothing is buffered beyond the parser's partial line.
 */
export const geminiStreamTranslator = (options: StreamOptions): StreamTranslator => {
  const parser = new SseParser()
  const machine = new GeminiStreamMachine(options)
  const collected: Array<GeminiStreamEvent> = []
  const drain = (): Uint8Array | undefined => {
    if (collected.length === 0) return undefined
    const out = encodeEvents(collected)
    collected.length = 0
    return out
  }
  return {
    push: (chunk) => {
      for (const event of parser.push(chunk)) for (const e of machine.frame(event.data)) collected.push(e)
      return drain()
    },
    end: () => {
      for (const event of parser.end()) for (const e of machine.frame(event.data)) collected.push(e)
      for (const e of machine.end()) collected.push(e)
      return drain()
    }
  }
}

export const geminiStream = (options: StreamOptions): TransformStream<Uint8Array, Uint8Array> =>
  toTransformStream(geminiStreamTranslator(options))
