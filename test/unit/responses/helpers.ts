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

  /** A web search call: its query and sources come only with the finished item. */
  search(index: number, id: string, query: string, sources: ReadonlyArray<string> | undefined, status = "completed"): this {
    this.ev("response.output_item.added", { output_index: index, item: { id, type: "web_search_call", status: "in_progress" } })
    for (const step of ["in_progress", "searching", "completed"]) this.ev(`response.web_search_call.${step}`, { item_id: id, output_index: index })
    return this.ev("response.output_item.done", { output_index: index, item: webSearchCall(id, query, sources, status) })
  }

  /** A message citing URLs: each annotation right after the delta that completes its span. */
  cited(index: number, id: string, text: string, annotations: ReadonlyArray<Annotation>, finish = true): this {
    this.ev("response.output_item.added", { output_index: index, item: { id, type: "message", status: "in_progress", role: "assistant", content: [] } })
    this.ev("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [] } })
    const chars = [...text]
    let next = 0
    for (let i = 0; i < chars.length; i += 5) {
      this.ev("response.output_text.delta", { item_id: id, output_index: index, content_index: 0, delta: chars.slice(i, i + 5).join(""), logprobs: [] })
      for (; next < annotations.length && annotations[next]!.end_index <= i + 5; next++) {
        this.ev("response.output_text.annotation.added", { item_id: id, output_index: index, content_index: 0, annotation_index: next, annotation: annotations[next] })
      }
    }
    if (!finish) return this
    const part = { type: "output_text", text, annotations }
    this.ev("response.output_text.done", { item_id: id, output_index: index, content_index: 0, text, logprobs: [] })
    this.ev("response.content_part.done", { item_id: id, output_index: index, content_index: 0, part })
    return this.ev("response.output_item.done", { output_index: index, item: { id, type: "message", status: "completed", role: "assistant", content: [part] } })
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

export interface Annotation {
  readonly type: "url_citation"
  readonly url: string
  readonly title: string
  readonly start_index: number
  readonly end_index: number
}

export const webSearchCall = (id: string, query: string, sources: ReadonlyArray<string> | undefined, status = "completed") => ({
  id,
  type: "web_search_call",
  status,
  action: { type: "search", query, ...(sources === undefined ? {} : { sources: sources.map((url) => ({ type: "url", url })) }) }
})

/** `text` with `[label](url)` links cited: the annotations over their spans, counted in code points. */
export const citing = (parts: ReadonlyArray<string | { readonly url: string; readonly title: string; readonly label: string }>) => {
  let text = ""
  const annotations: Array<Annotation> = []
  for (const p of parts) {
    if (typeof p === "string") {
      text += p
      continue
    }
    const start = [...text].length
    text += `[${p.label}](${p.url})`
    annotations.push({ type: "url_citation", url: p.url, title: p.title, start_index: start, end_index: [...text].length })
  }
  return { text, annotations }
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
