/**
 * The block side of the Responses stream translator (stream.ts): the output items it has seen, and
 * the one Anthropic block open at a time under a single index counter. Events go out to the client,
 * or, while a web search result waits for the message that titles it, to the search's queue
 * (searchStream.ts), so that blocks keep their order.
 */
import type { StreamEvent } from "../anthropic/Messages.js"
import type { ToolNames } from "../openai/toolNames.js"
import { reasoningSignature } from "./reasoning.js"
import { str } from "./response.js"
import type { SearchStream } from "./searchStream.js"

type Json = Record<string, unknown>

export type Kind = "text" | "thinking" | "tool"

export interface Item {
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

export class BlockWriter {
  protected out: Array<StreamEvent> = []
  protected nextIndex = 0
  protected open: OpenBlock | undefined = undefined
  protected readonly items = new Map<string, Item>()
  protected toolUsed = false
  protected readonly next = (): number => this.nextIndex++

  constructor(
    protected readonly names: ToolNames,
    protected readonly tag: string,
    protected readonly search: SearchStream | undefined
  ) {}

  /** Out to the client, or to the queue while a search result waits for its titles. */
  protected emit(...events: Array<StreamEvent>): void {
    if (this.search?.holding === true) this.search.hold(events)
    else this.out.push(...events)
  }

  /** The item an event is about: by output_index, else by item id. */
  protected item(json: Json, added?: Json): Item {
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

  /** The block for this item's content, opening it (and closing any other) when needed. */
  protected ensure(item: Item, kind: Kind): number {
    if (this.open !== undefined && this.open.item === item && this.open.kind === kind) return this.open.index
    this.close()
    const index = this.nextIndex++
    this.open = { item, kind, index }
    if (kind === "tool") {
      this.toolUsed = true
      const id = item.callId ?? item.id ?? `toolu_${crypto.randomUUID().replace(/-/g, "")}`
      item.callId = id
      const name = this.names.fromUpstream(item.name ?? "")
      this.emit({ type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: {} } })
    } else if (kind === "text") {
      this.emit({ type: "content_block_start", index, content_block: { type: "text", text: "" } })
    } else {
      this.emit({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } })
    }
    return index
  }

  protected closeItem(item: Item): void {
    if (this.open?.item === item) this.close()
  }

  /** Closes the open block; a thinking block is signed first (Anthropic's grammar needs it). */
  protected close(signature?: string): void {
    const open = this.open
    if (open === undefined) return
    if (open.kind === "thinking") {
      const sig = signature ?? reasoningSignature(this.tag, {})
      this.emit({ type: "content_block_delta", index: open.index, delta: { type: "signature_delta", signature: sig } })
    }
    if (open.kind === "tool") open.item.closed = true
    this.emit({ type: "content_block_stop", index: open.index })
    this.open = undefined
  }
}
