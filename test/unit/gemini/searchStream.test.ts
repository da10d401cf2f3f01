/**
 * The grounded answer streamed: the text is held until the stream ends (the grounding comes with the
 * last chunk), then the search blocks go first and the text follows with citations_delta events; one
 * block after the other, accepted by the strict grammar checker and by the official SDK.
 */
import { describe, expect, it } from "@effect/vitest"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import type { WebSearchSpec } from "../../../src/formats/gemini/search.js"
import { geminiStream } from "../../../src/formats/gemini/stream.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { sdkReading } from "../sdkClient.js"
import { encoder, events, geminiSse, runStream, streamOptions } from "./helpers.js"
import fixture from "./websearch-request.json"

const WEBSEARCH = fixture as unknown as MessagesRequest
const SPEC: WebSearchSpec = { maxUses: 8, allowedDomains: [], blockedDomains: [] }
const bytes = (s: string): number => new TextEncoder().encode(s).length

const FIRST = "Größe zählt: Effect läuft auf Durable Objects."
const SECOND = " 日本語も。"
const URI = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/X"
const METADATA = {
  webSearchQueries: ["effect-ts durable objects"],
  searchEntryPoint: { renderedContent: "<div>chips</div>" },
  groundingChunks: [{ web: { uri: URI, title: "effect.website" } }],
  groundingSupports: [{ segment: { endIndex: bytes(FIRST), text: FIRST }, groundingChunkIndices: [0] }]
}
const usage = (n: number) => ({ promptTokenCount: 30, candidatesTokenCount: n, totalTokenCount: 30 + n })
const chunk = (parts: Array<unknown>, extra: Record<string, unknown> = {}, n = 1) => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
  usageMetadata: usage(n),
  modelVersion: "gemini-2.5-flash"
})
/** Text over three chunks, cut inside a sentence; thoughts first; the metadata on the last chunk. */
const FRAMES = [
  chunk([{ text: "Searching.", thought: true }]),
  chunk([{ text: FIRST.slice(0, 10) }], {}, 3),
  chunk([{ text: FIRST.slice(10) }], {}, 9),
  chunk([{ text: SECOND }], { finishReason: "STOP", groundingMetadata: METADATA }, 12)
]
const searching = () => geminiStream({ ...streamOptions(), search: SPEC })
const translateSearch = async (frames: ReadonlyArray<unknown>) =>
  checkAnthropicStream((await runStream([encoder.encode(geminiSse(frames))], searching())).text)

describe("Gemini grounded answer, streamed", () => {
  it("holds the text, then writes the search blocks and the cited text, one block at a time", async () => {
    const checked = await translateSearch(FRAMES)
    expect(checked.end).toBe("message_stop")
    const out = events(checked)
    const start = out[5]?.["content_block"]
    const id = typeof start === "object" && start !== null && "id" in start ? String(start.id) : ""
    expect(id).toMatch(/^srvtoolu_/)
    expect(out.slice(1)).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Searching." } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "cfo1.gemini." } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "server_tool_use", id, name: "web_search", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: JSON.stringify({ query: "effect-ts durable objects" }) } },
      { type: "content_block_stop", index: 1 },
      {
        type: "content_block_start",
        index: 2,
        content_block: {
          type: "web_search_tool_result",
          tool_use_id: id,
          content: [{ type: "web_search_result", url: URI, title: "effect.website", page_age: null, encrypted_content: expect.stringMatching(/^cfo1\.gemini\./) }]
        }
      },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "text", text: "" } },
      {
        type: "content_block_delta",
        index: 3,
        delta: {
          type: "citations_delta",
          citation: { type: "web_search_result_location", url: URI, title: "effect.website", encrypted_index: expect.stringMatching(/^cfo1\.gemini\./), cited_text: FIRST }
        }
      },
      { type: "content_block_delta", index: 3, delta: { type: "text_delta", text: FIRST } },
      { type: "content_block_stop", index: 3 },
      { type: "content_block_start", index: 4, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 4, delta: { type: "text_delta", text: SECOND } },
      { type: "content_block_stop", index: 4 },
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { input_tokens: 30, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 1 } }
      },
      { type: "message_stop" }
    ])
  })

  it("takes grounding that arrives before the last chunk, or in pieces", async () => {
    const { groundingChunks, groundingSupports, ...queries } = METADATA
    const split = [
      chunk([{ text: FIRST }], { groundingMetadata: queries }),
      chunk([{ text: SECOND }], { groundingMetadata: { groundingChunks, groundingSupports } }),
      chunk([], { finishReason: "STOP" })
    ]
    const content = (await translateSearch(split)).message?.content ?? []
    expect(content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "text", "text"])
    expect(content[0]).toMatchObject({ input: { query: "effect-ts durable objects" } })
  })

  it("writes the held text alone when the model did not search", async () => {
    const plain = [chunk([{ text: "No search needed." }], { finishReason: "STOP" })]
    const checked = await translateSearch(plain)
    expect(checked.message?.content).toEqual([{ type: "text", text: "No search needed." }])
    expect(checked.message?.usage).not.toHaveProperty("server_tool_use")
  })

  it("gives identical events however the bytes are cut", async () => {
    const body = encoder.encode(geminiSse(FRAMES))
    const whole = (await runStream([body], searching())).text
    for (let cut = 1; cut < body.length; cut += 7) {
      const { text } = await runStream([body.slice(0, cut), body.slice(cut)], searching())
      // Only the random message id may differ between runs of a fixed-id machine: none here.
      if (text !== whole) throw new Error(`differs when cut at ${cut}`)
    }
  })

  it("is consumed by the official Anthropic SDK: search blocks, citations and the search count", async () => {
    const t = GeminiFormat.translate(WEBSEARCH, { provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model: "gemini-2.5-flash" })
    const upstream = new Response(geminiSse(FRAMES)).body
    if (upstream === null) throw new Error("no body")
    const final = await sdkReading(upstream, t).messages
      .stream({ model: "claude-opus-5-5", max_tokens: 1000, messages: [{ role: "user", content: "x" }] })
      .finalMessage()
    expect(final.content.map((b) => b.type)).toEqual(["thinking", "server_tool_use", "web_search_tool_result", "text", "text"])
    const [, use, result, cited, plain] = final.content
    expect(use?.type === "server_tool_use" ? use.input : undefined).toEqual({ query: "effect-ts durable objects" })
    expect(result?.type === "web_search_tool_result" && Array.isArray(result.content) ? result.content.map((r) => [r.title, r.url]) : []).toEqual([["effect.website", URI]])
    expect(cited?.type === "text" ? [cited.text, cited.citations?.map((c) => c.type)] : []).toEqual([FIRST, ["web_search_result_location"]])
    expect(plain?.type === "text" ? plain.text : "").toBe(SECOND)
    expect(final.usage.server_tool_use?.web_search_requests).toBe(1)
    expect(final.stop_reason).toBe("end_turn")
  })
})
