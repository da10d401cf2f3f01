import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext, Translation } from "../../../src/formats/Format.js"
import { OpenAiFormat } from "../../../src/formats/openai/index.js"

export const ctx = (provider: Partial<TranslateContext["provider"]> = {}, model = "gpt-test"): TranslateContext => ({
  provider: { name: "p", baseUrl: "https://api.example.com/v1", apiKey: "sk-test", ...provider },
  model
})

export const baseRequest = (over: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "hi" }],
  ...over
})

export const translate = (request: MessagesRequest, c: TranslateContext = ctx()): Translation =>
  OpenAiFormat.translate(request, c)

export const body = (t: Translation): Record<string, unknown> => JSON.parse(t.body) as Record<string, unknown>

/** One upstream `data:` frame. */
export const frame = (data: unknown): string => `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`

/** A chat.completion.chunk with one choice. */
export const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  frame({ id: "chatcmpl-1", object: "chat.completion.chunk", model: "up", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })

export const usageChunk = (prompt: number, completion: number, cached = 0) =>
  frame({ id: "chatcmpl-1", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, prompt_tokens_details: { cached_tokens: cached } } })

export const DONE = "data: [DONE]\n\n"

const enc = new TextEncoder()

export const readAll = async (stream: ReadableStream<Uint8Array>): Promise<string> => {
  const dec = new TextDecoder()
  let s = ""
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    s += dec.decode(value, { stream: true })
  }
  return s + dec.decode()
}

export const bytesStream = (parts: ReadonlyArray<Uint8Array>): ReadableStream<Uint8Array> =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(p)
      c.close()
    }
  })

/** Runs upstream SSE text (as given chunks) through the translation's stream transform. */
export const runStream = async (
  chunks: ReadonlyArray<string | Uint8Array>,
  t: Translation = translate(baseRequest({ stream: true }))
): Promise<string> =>
  readAll(bytesStream(chunks.map((c) => (typeof c === "string" ? enc.encode(c) : c))).pipeThrough(t.streamResponse()))
