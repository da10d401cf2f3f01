/**
 * Whole blocks in Anthropic's stream grammar, and the web search part of a Responses stream.
 *
 * A search call's `server_tool_use` block goes out when the call is done (Claude Code shows the query
 * as progress). Its `web_search_tool_result` must carry titles and cited URLs that only the message
 * after it holds (citations.ts), and blocks are never reordered: so from the first result on, the
 * stream is held — its place kept, the events after it queued — until that message is complete; then
 * the results are written in their places, the queue follows, then the message's blocks. An answer
 * that fails while held has sent nothing of what was held.
 */
import type { ContentBlock, StreamEvent } from "../anthropic/Messages.js"
import { SearchAnswer, serverToolUse } from "./citations.js"
import type { AnswerBlock } from "./response.js"
import type { SearchPlan } from "./webSearch.js"

type Json = Record<string, unknown>

/** Messages.ts types the events the proxy reads; citations_delta and the web search blocks pass
 * through it as JSON. */
const untyped = (event: { readonly type: string; readonly [key: string]: unknown }): StreamEvent => event as StreamEvent

/** One finished block as Anthropic streams it. Tool inputs come as one input_json_delta after an
 * empty input, citations as citations_delta before the text they cite, a search result whole. */
export const blockEvents = (index: number, block: AnswerBlock): Array<StreamEvent> => {
  const start = (content_block: AnswerBlock): StreamEvent => ({ type: "content_block_start", index, content_block: content_block as ContentBlock })
  const stop: StreamEvent = { type: "content_block_stop", index }
  switch (block.type) {
    case "tool_use":
    case "server_tool_use":
      return [
        start({ ...block, input: {} } as AnswerBlock),
        { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input ?? {}) } },
        stop
      ]
    case "thinking": {
      const events: Array<StreamEvent> = [start({ type: "thinking", thinking: "", signature: "" })]
      if (block.thinking !== "") events.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } })
      events.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature ?? "" } }, stop)
      return events
    }
    case "text": {
      const events: Array<StreamEvent> = [start({ type: "text", text: "" })]
      const citations = "citations" in block ? block.citations ?? [] : []
      for (const citation of citations) events.push(untyped({ type: "content_block_delta", index, delta: { type: "citations_delta", citation } }))
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } }, stop)
      return events
    }
    default:
      return [start(block), stop]
  }
}

/** A result's place in the stream: its index, and the call it answers. */
interface Place {
  readonly result: string
  readonly index: number
}

/** A message after a search, held until it is complete. */
interface HeldText {
  text: string
  /** its url_citation annotations as they came (for a message that ends without its content) */
  readonly annotations: Array<unknown>
  written: boolean
}

type Written = { events: Array<StreamEvent>; refused: boolean }

/** The web search part of one stream. Messages are keyed by the translator's item objects. */
export class SearchStream {
  readonly answer: SearchAnswer
  private held: Array<StreamEvent | Place> | undefined = undefined
  private readonly texts = new Map<object, HeldText>()

  constructor(plan: SearchPlan) {
    this.answer = new SearchAnswer(plan)
  }

  /** Events now go to the queue, not to the client. */
  get holding(): boolean {
    return this.held !== undefined
  }

  hold(events: ReadonlyArray<StreamEvent>): void {
    this.held?.push(...events)
  }

  /** Holds a message's text when a search came before it (then true). */
  holdText(item: object, delta: string): boolean {
    if (!this.answer.searched) return false
    this.text(item).text += delta
    return true
  }

  annotate(item: object, annotation: unknown): void {
    if (this.answer.searched) this.text(item).annotations.push(annotation)
  }

  /** A finished web_search_call: its server_tool_use block (out now, or queued while held), then
   * its result's place, from which the stream is held. Returns what goes out now. */
  call(done: Json, next: () => number): Array<StreamEvent> {
    const call = this.answer.call(done)
    if (call === undefined) return []
    const events = blockEvents(next(), serverToolUse(call))
    const place = { result: call.id, index: next() }
    if (this.held !== undefined) {
      this.held.push(...events, place)
      return []
    }
    this.held = [place]
    return events
  }

  /** A message after a search, complete: what was held (results in their places), then its blocks. */
  message(item: object, done: Json, next: () => number): Written {
    const held = this.text(item)
    if (held.written) return { events: [], refused: false }
    held.written = true
    // A message cut off (or a server that repeats no content at the end) is what its events said.
    const whole = Array.isArray(done["content"]) ? done : { content: [{ type: "output_text", text: held.text, annotations: held.annotations }] }
    const { blocks, refused } = this.answer.message(whole)
    const events = this.release()
    for (const block of blocks) events.push(...blockEvents(next(), block))
    return { events, refused }
  }

  /** The end of the answer: held messages that never completed, then whatever is still held. */
  finish(next: () => number): Written {
    const events: Array<StreamEvent> = []
    let refused = false
    for (const [item, held] of this.texts) {
      if (held.written) continue
      const out = this.message(item, {}, next)
      events.push(...out.events)
      refused ||= out.refused
    }
    events.push(...this.release())
    return { events, refused }
  }

  private text(item: object): HeldText {
    let held = this.texts.get(item)
    if (held === undefined) {
      held = { text: "", annotations: [], written: false }
      this.texts.set(item, held)
    }
    return held
  }

  /** What was held, results in their places (made now: call when the message after them is read). */
  private release(): Array<StreamEvent> {
    const results = new Map(this.answer.results().map((r) => [r.tool_use_id, r]))
    const out: Array<StreamEvent> = []
    for (const h of this.held ?? []) {
      if (!("result" in h)) out.push(h)
      else {
        const result = results.get(h.result)
        if (result !== undefined) out.push(...blockEvents(h.index, result))
      }
    }
    this.held = undefined
    return out
  }
}
