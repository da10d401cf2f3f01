/**
 * Frames read as bytes (fastFrame) give exactly the bytes the general path gives: the same stream is
 * translated once with every frame in a chunk of its own (the byte path where it applies) and once
 * with every frame cut in two (never the byte path), and the outputs must be equal.
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { readFrame } from "../../../src/formats/openai/fastFrame.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { DONE, runStream, usageChunk } from "./helpers.js"

const enc = new TextEncoder()

const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1767225600, model: "gpt-x", system_fingerprint: "fp_1" }

/** A chunk the way OpenAI writes it; `escape` rewrites the JSON text the way other servers do. */
const openAiChunk = (delta: Record<string, unknown>, escape: (json: string) => string, logprobs: boolean) =>
  `data: ${escape(JSON.stringify({ ...base, choices: [{ index: 0, delta, ...(logprobs ? { logprobs: null } : {}), finish_reason: null }] }))}\n\n`

const fragment = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("\"", "\\", "\n", "\t", "\u0001", "\u001f", "/", "é", "日本", "🙂", "{\"a\":", "\"}", "</script>", "")
)
/** The JSON text as JSON.stringify wrote it, or with escapes other servers use (same value). */
const escaping = fc.constantFrom<(json: string) => string>(
  (j) => j,
  (j) => j.replace(/\//g, "\\/"),
  (j) => j.replace(/é/g, "\\u00e9"),
  (j) => j.replace(/\\u001f/g, "\\u001F")
)

const stream = fc.record({
  text: fc.array(fragment, { minLength: 1, maxLength: 6 }),
  // The arguments: a JSON object's text, cut into pieces anywhere.
  args: fc.tuple(fc.array(fragment, { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 5 })).map(([parts, cuts]) => {
    const json = JSON.stringify({ command: parts.join(""), n: parts.length })
    const points = [...new Set(cuts.map((c) => c % json.length))].sort((a, b) => a - b)
    return [0, ...points].map((p, i, all) => json.slice(p, all[i + 1] ?? json.length)).filter((p) => p.length > 0)
  }),
  escape: escaping,
  logprobs: fc.boolean()
}).map(({ args, escape, logprobs, text }) => [
  openAiChunk({ role: "assistant", content: "" }, escape, logprobs),
  ...text.map((t) => openAiChunk({ content: t }, escape, logprobs)),
  openAiChunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "Bash", arguments: "" } }] }, escape, logprobs),
  ...args.map((a) => openAiChunk({ tool_calls: [{ index: 0, function: { arguments: a } }] }, escape, logprobs)),
  `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] })}\n\n`,
  usageChunk(10, 5),
  DONE
])

/** Every frame cut in two: no chunk is a whole frame, so the byte path never applies. */
const cut = (frames: ReadonlyArray<string>) => frames.flatMap((f) => [f.slice(0, 3), f.slice(3)])

describe("OpenAI stream: frames read as bytes", () => {
  it("give the same bytes as the general path", async () => {
    await fc.assert(
      fc.asyncProperty(stream, async (frames) => {
        const whole = await runStream(frames)
        expect(whole).toBe(await runStream(cut(frames)))
        checkAnthropicStream(whole)
      }),
      { numRuns: 300 }
    )
  })

  it("are read as bytes for OpenAI's own shapes, and not for anything else", () => {
    const memo = { head: undefined }
    const read = (frame: string) => readFrame(enc.encode(frame), memo)
    const same = (j: string) => j
    expect(read(openAiChunk({ content: "hello \"world\"\n" }, same, true))).toMatchObject({ kind: "content" })
    expect(read(openAiChunk({ content: "hi" }, same, false))).toMatchObject({ kind: "content" })
    expect(read(openAiChunk({ tool_calls: [{ index: 2, function: { arguments: "{\"a\":1" } }] }, same, true))).toMatchObject({ kind: "arguments", index: 2 })
    // Non-ASCII, escapes JSON.stringify would not write, a role, a finish reason, usage, two lines.
    expect(read(openAiChunk({ content: "café" }, same, true))).toBeUndefined()
    expect(read(openAiChunk({ content: "a/b" }, (j) => j.replace(/\//g, "\\/"), true))).toBeUndefined()
    expect(read(openAiChunk({ role: "assistant", content: "x" }, same, true))).toBeUndefined()
    expect(read(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: "x" }, finish_reason: "stop" }] })}\n\n`)).toBeUndefined()
    expect(read(`data: ${JSON.stringify({ ...base, usage: { prompt_tokens: 1 }, choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }] })}\n\n`)).toBeUndefined()
    expect(read(`: comment\ndata: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }] })}\n\n`)).toBeUndefined()
  })
})
