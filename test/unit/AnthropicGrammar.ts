/**
 * A strict checker of the Anthropic streaming grammar, for any translator's output.
 *
 * `checkAnthropicStream(sseText)` parses the SSE text, throws an Error describing the first
 * violation, and returns the events plus the message they accumulate to:
 *  - every frame is `event: <name>\ndata: <json>\n\n` with name == data.type;
 *  - `message_start` first (`ping` may appear anywhere);
 *  - blocks: content_block_start (index 0, 1, 2, ...) -> content_block_delta* -> content_block_stop,
 *    never interleaved, each delta type matching its block (text_delta on text, input_json_delta on
 *    tool_use, thinking_delta/signature_delta on thinking), a thinking block signed before its stop,
 *    and a tool_use block's partial_json adding up to valid JSON (or nothing);
 *  - then one `message_delta` with no block open, then `message_stop` last;
 *  - or an `error` frame, after which nothing follows (a failed stream has no message_stop).
 */

export interface SseFrame {
  readonly event: string
  readonly data: { readonly type: string; readonly [key: string]: unknown }
}

/** A content block as the deltas built it (text, thinking + signature, tool_use with parsed input). */
export type AccumulatedBlock = { type: string; [key: string]: unknown }

export interface AccumulatedMessage {
  id: string
  model: string
  content: Array<AccumulatedBlock>
  stop_reason: string | null
  usage: Record<string, unknown>
}

export interface CheckedStream {
  readonly frames: ReadonlyArray<SseFrame>
  /** how the stream ended */
  readonly end: "message_stop" | "error"
  /** undefined when the stream failed before message_start */
  readonly message: AccumulatedMessage | undefined
  /** the error frame's `error` when end === "error" */
  readonly error: { readonly type: string; readonly message: string } | undefined
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)

/** Splits SSE text into frames, each exactly one `event:` line and one `data:` line. */
export const parseAnthropicSse = (text: string): Array<SseFrame> => {
  if (text !== "" && !text.endsWith("\n\n")) throw new Error("stream does not end with a blank line")
  const frames: Array<SseFrame> = []
  for (const raw of text.split("\n\n")) {
    if (raw === "") continue
    const lines = raw.split("\n")
    const ev = lines.find((l) => l.startsWith("event: "))
    const data = lines.filter((l) => l.startsWith("data: "))
    if (ev === undefined) throw new Error(`frame without event line: ${raw}`)
    if (data.length !== 1) throw new Error(`frame needs exactly one data line: ${raw}`)
    const parsed: unknown = JSON.parse((data[0] ?? "").slice(6))
    if (!isObj(parsed) || typeof parsed["type"] !== "string") throw new Error(`data without a type: ${raw}`)
    const event = ev.slice(7)
    if (event !== parsed["type"]) throw new Error(`event name ${event} != data.type ${String(parsed["type"])}`)
    frames.push({ event, data: parsed as SseFrame["data"] })
  }
  return frames
}

const DELTA_FOR: Record<string, ReadonlyArray<string>> = {
  text: ["text_delta", "citations_delta"],
  tool_use: ["input_json_delta"],
  server_tool_use: ["input_json_delta"],
  thinking: ["thinking_delta", "signature_delta"]
}

export const checkAnthropicStream = (text: string): CheckedStream => {
  const frames = parseAnthropicSse(text)
  let message: AccumulatedMessage | undefined
  let open: { index: number; block: Obj; json: string; signed: boolean } | undefined
  let nextIndex = 0
  let sawDelta = false
  let end: CheckedStream["end"] | undefined
  let error: CheckedStream["error"]
  const fail = (i: number, why: string): never => {
    throw new Error(`frame ${i} (${frames[i]?.event ?? "?"}): ${why}`)
  }

  frames.forEach((f, i) => {
    const d = f.data
    if (end !== undefined) fail(i, `nothing may follow ${end}`)
    if (d.type === "ping") return
    if (d.type === "error") {
      const e = d["error"]
      if (!isObj(e) || typeof e["type"] !== "string" || typeof e["message"] !== "string") fail(i, "error without type/message")
      const err = e as { type: string; message: string }
      error = { type: err.type, message: err.message }
      end = "error"
      return
    }
    if (message === undefined) {
      if (d.type !== "message_start") fail(i, "message_start must come first")
      const m = d["message"]
      if (!isObj(m) || m["role"] !== "assistant" || !Array.isArray(m["content"]) || !isObj(m["usage"])) fail(i, "bad message")
      const mm = m as Obj
      message = {
        id: String(mm["id"]),
        model: String(mm["model"]),
        content: [],
        stop_reason: null,
        usage: { ...(mm["usage"] as Obj) }
      }
      return
    }
    switch (d.type) {
      case "message_start":
        return fail(i, "second message_start")
      case "content_block_start": {
        if (sawDelta) fail(i, "block after message_delta")
        if (open !== undefined) fail(i, `block ${open.index} still open`)
        if (d["index"] !== nextIndex) fail(i, `index ${String(d["index"])}, expected ${nextIndex}`)
        const block = d["content_block"]
        if (!isObj(block) || typeof block["type"] !== "string") fail(i, "content_block without type")
        open = { index: nextIndex++, block: { ...(block as Obj) }, json: "", signed: false }
        message.content.push(open.block as AccumulatedBlock)
        return
      }
      case "content_block_delta": {
        if (open === undefined || d["index"] !== open.index) return fail(i, `delta for index ${String(d["index"])} not open`)
        const delta = d["delta"]
        if (!isObj(delta) || typeof delta["type"] !== "string") return fail(i, "delta without type")
        const allowed = DELTA_FOR[String(open.block["type"])]
        if (allowed !== undefined && !allowed.includes(delta["type"])) fail(i, `${delta["type"]} on a ${String(open.block["type"])} block`)
        const b = open.block
        if (delta["type"] === "text_delta") b["text"] = String(b["text"] ?? "") + String(delta["text"])
        if (delta["type"] === "thinking_delta") b["thinking"] = String(b["thinking"] ?? "") + String(delta["thinking"])
        if (delta["type"] === "signature_delta") {
          b["signature"] = String(delta["signature"])
          open.signed = true
        }
        if (delta["type"] === "input_json_delta") open.json += String(delta["partial_json"])
        return
      }
      case "content_block_stop": {
        if (open === undefined || d["index"] !== open.index) return fail(i, `stop for index ${String(d["index"])} not open`)
        if (open.block["type"] === "thinking" && !open.signed) fail(i, "thinking block closed without signature_delta")
        if (DELTA_FOR[String(open.block["type"])]?.includes("input_json_delta") === true && open.json !== "") {
          try {
            open.block["input"] = JSON.parse(open.json)
          } catch {
            fail(i, `tool input is not valid JSON: ${open.json}`)
          }
        }
        open = undefined
        return
      }
      case "message_delta": {
        if (open !== undefined) fail(i, `message_delta with block ${open.index} open`)
        if (sawDelta) fail(i, "second message_delta")
        sawDelta = true
        const delta = d["delta"]
        const usage = d["usage"]
        if (!isObj(delta) || !("stop_reason" in delta)) fail(i, "message_delta without stop_reason")
        if (!isObj(usage) || typeof usage["output_tokens"] !== "number") fail(i, "message_delta without usage.output_tokens")
        message.stop_reason = (delta as Obj)["stop_reason"] as string | null
        Object.assign(message.usage, usage)
        return
      }
      case "message_stop":
        if (!sawDelta) fail(i, "message_stop before message_delta")
        end = "message_stop"
        return
      default:
        return fail(i, `unknown event type ${d.type}`)
    }
  })
  if (end === undefined) throw new Error("stream ended without message_stop or error")
  return { frames, end, message, error }
}
