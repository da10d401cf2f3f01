/**
 * Responses API streams in the real event grammar (event names, sequence numbers, item ids and
 * output indexes as OpenAI sends them), and the plumbing to run them through the translator.
 */
import type { TranslateContext, Translation } from "../../../src/formats/Format.js"
import { OpenAiResponsesFormat } from "../../../src/formats/responses/index.js"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { baseRequest, bytesStream, readAll } from "../openai/helpers.js"

export const ctx = (provider: Partial<TranslateContext["provider"]> = {}, model = "gpt-test"): TranslateContext => ({
  provider: { name: "resp", baseUrl: "https://api.example.com/v1", apiKey: "sk-test", ...provider },
  model
})

export { baseRequest }

export const translate = (request: MessagesRequest, c: TranslateContext = ctx()): Translation => OpenAiResponsesFormat.translate(request, c)

export const body = (t: Translation): Record<string, unknown> => JSON.parse(t.body) as Record<string, unknown>

/** A stream being written: each `ev` is one `event:` + `data:` frame with the next sequence number. */
export class Events {
  private seq = 0
  readonly frames: Array<string> = []

  ev(type: string, fields: Record<string, unknown> = {}): this {
    this.frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...fields })}\n\n`)
    return this
  }

  created(id = "resp_1"): this {
    const response = { id, object: "response", created_at: 1, status: "in_progress", model: "gpt-test", output: [], usage: null, error: null }
    return this.ev("response.created", { response }).ev("response.in_progress", { response })
  }

  reasoning(index: number, id: string, summary: ReadonlyArray<string>, encrypted: string | undefined): this {
    this.ev("response.output_item.added", { output_index: index, item: { id, type: "reasoning", summary: [] } })
    summary.forEach((text, s) => {
      this.ev("response.reasoning_summary_part.added", { item_id: id, output_index: index, summary_index: s, part: { type: "summary_text", text: "" } })
      for (const piece of split(text)) {
        this.ev("response.reasoning_summary_text.delta", { item_id: id, output_index: index, summary_index: s, delta: piece })
      }
      this.ev("response.reasoning_summary_text.done", { item_id: id, output_index: index, summary_index: s, text })
      this.ev("response.reasoning_summary_part.done", { item_id: id, output_index: index, summary_index: s, part: { type: "summary_text", text } })
    })
    const item = { id, type: "reasoning", summary: summary.map((text) => ({ type: "summary_text", text })), ...(encrypted ? { encrypted_content: encrypted } : {}) }
    return this.ev("response.output_item.done", { output_index: index, item })
  }

  message(index: number, id: string, text: string, refusal = false): this {
    this.ev("response.output_item.added", { output_index: index, item: { id, type: "message", status: "in_progress", role: "assistant", content: [] } })
    const part = refusal ? { type: "refusal", refusal: "" } : { type: "output_text", text: "", annotations: [] }
    this.ev("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part })
    for (const piece of split(text)) {
      this.ev(refusal ? "response.refusal.delta" : "response.output_text.delta", { item_id: id, output_index: index, content_index: 0, delta: piece, ...(refusal ? {} : { logprobs: [] }) })
    }
    const full = refusal ? { type: "refusal", refusal: text } : { type: "output_text", text, annotations: [] }
    this.ev(refusal ? "response.refusal.done" : "response.output_text.done", { item_id: id, output_index: index, content_index: 0, ...(refusal ? { refusal: text } : { text, logprobs: [] }) })
    this.ev("response.content_part.done", { item_id: id, output_index: index, content_index: 0, part: full })
    return this.ev("response.output_item.done", { output_index: index, item: { id, type: "message", status: "completed", role: "assistant", content: [full] } })
  }

  call(index: number, id: string, callId: string, name: string, args: string): this {
    this.ev("response.output_item.added", { output_index: index, item: { id, type: "function_call", status: "in_progress", arguments: "", call_id: callId, name } })
    for (const piece of split(args)) this.ev("response.function_call_arguments.delta", { item_id: id, output_index: index, delta: piece })
    // The arguments come again whole, twice.
    this.ev("response.function_call_arguments.done", { item_id: id, output_index: index, arguments: args })
    return this.ev("response.output_item.done", { output_index: index, item: { id, type: "function_call", status: "completed", arguments: args, call_id: callId, name } })
  }

  completed(usage = usageOf(100, 20, 0), extra: Record<string, unknown> = {}): this {
    return this.ev("response.completed", { response: { id: "resp_1", object: "response", status: "completed", model: "gpt-test", output: [], usage, ...extra } })
  }

  incomplete(reason: string, usage = usageOf(100, 20, 0)): this {
    return this.ev("response.incomplete", { response: { id: "resp_1", object: "response", status: "incomplete", incomplete_details: { reason }, output: [], usage } })
  }

  text(): string {
    return this.frames.join("")
  }
}

export const usageOf = (input: number, output: number, cached: number) => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: cached },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: Math.floor(output / 2) },
  total_tokens: input + output
})

/** Deltas as a server cuts them: a few characters each. */
const split = (text: string): Array<string> => {
  const out: Array<string> = []
  const chars = [...text]
  for (let i = 0; i < chars.length; i += 5) out.push(chars.slice(i, i + 5).join(""))
  return out
}

const enc = new TextEncoder()

export { bytesStream, readAll } from "../openai/helpers.js"

/** Runs upstream SSE text (as given chunks) through the translation's stream transform. */
export const runStream = (
  chunks: ReadonlyArray<string | Uint8Array>,
  t: Translation = translate(baseRequest({ stream: true }))
): Promise<string> => readAll(bytesStream(chunks.map((c) => (typeof c === "string" ? enc.encode(c) : c))).pipeThrough(t.streamResponse()))
