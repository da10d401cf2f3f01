/**
 * Test helpers: Gemini SSE bodies, and running the translated stream through the shared Anthropic
 * grammar checker.
 */
import { type CheckedStream, checkAnthropicStream, type SseFrame } from "../AnthropicGrammar.js"
import { mapGeminiError } from "../../../src/formats/gemini/response.js"
import { geminiStream } from "../../../src/formats/gemini/stream.js"

export const encoder = new TextEncoder()

/** A Gemini SSE body: `data:` frames only, no [DONE]. */
export const geminiSse = (frames: ReadonlyArray<unknown>, newline = "\r\n"): string =>
  frames.map((f) => `data: ${typeof f === "string" ? f : JSON.stringify(f)}${newline}${newline}`).join("")

export const counter = (prefix: string) => {
  let n = 0
  return () => `${prefix}${++n}`
}

export const streamOptions = () => ({
  model: "claude-opus-4",
  messageId: "msg_test",
  newToolId: counter("toolu_"),
  mapError: (status: number, body: string) => mapGeminiError(status, body, 1000)
})

/** Pushes the chunks through the transform; returns the output text and how many chunks it wrote. */
export const runStream = async (
  chunks: ReadonlyArray<Uint8Array>,
  transform: TransformStream<Uint8Array, Uint8Array> = geminiStream(streamOptions())
): Promise<{ text: string; writes: number }> => {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c)
      controller.close()
    }
  })
  const reader = source.pipeThrough(transform).getReader()
  const decoder = new TextDecoder()
  let text = ""
  let writes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    writes++
    text += decoder.decode(value, { stream: true })
  }
  return { text: text + decoder.decode(), writes }
}

/** Runs a whole Gemini SSE body (one chunk) through the translator and checks the Anthropic grammar. */
export const translate = async (body: string): Promise<CheckedStream> => {
  const { text } = await runStream([encoder.encode(body)])
  return checkAnthropicStream(text)
}

/** The frames' data, in order. */
export const events = (checked: CheckedStream): Array<SseFrame["data"]> => checked.frames.map((f) => f.data)
