/**
 * A Gemini answer grounded in Google Search -> Anthropic's web search answer: server_tool_use and
 * web_search_tool_result blocks first, then the text cut at the grounding supports with
 * web_search_result_location citations, and usage.server_tool_use; non-streaming here, the stream in
 * searchStream.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { foreignPayload, isForeignSignature } from "../../../src/formats/ForeignThinking.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { toAnthropicMessage } from "../../../src/formats/gemini/response.js"
import type { WebSearchSpec } from "../../../src/formats/gemini/search.js"
import { counter } from "./helpers.js"
import fixture from "./websearch-request.json"

const WEBSEARCH = fixture as unknown as MessagesRequest
const SPEC: WebSearchSpec = { maxUses: 8, allowedDomains: [], blockedDomains: [] }
const bytes = (s: string): number => new TextEncoder().encode(s).length

const REDIRECT = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQ"
/** Two sentences, the first backed by chunk 0, the second by chunks 0 and 1 (Google's example's shape). */
const FIRST = "Effect runs on Durable Objects."
const SECOND = " It keeps state per object."
const grounding = (over: Record<string, unknown> = {}) => ({
  webSearchQueries: ["effect-ts durable objects", "cloudflare durable objects effect"],
  searchEntryPoint: { renderedContent: "<div>chips</div>" },
  groundingChunks: [{ web: { uri: `${REDIRECT}1`, title: "effect.website" } }, { web: { uri: `${REDIRECT}2`, title: "developers.cloudflare.com" } }],
  groundingSupports: [
    { segment: { endIndex: bytes(FIRST), text: FIRST }, groundingChunkIndices: [0] },
    { segment: { startIndex: bytes(FIRST), endIndex: bytes(FIRST + SECOND), text: SECOND }, groundingChunkIndices: [0, 1] }
  ],
  ...over
})
const answer = (parts: Array<unknown>, metadata: unknown) => ({
  candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0, groundingMetadata: metadata }],
  usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, totalTokenCount: 52 },
  responseId: "r1"
})
const message = (json: unknown, spec: WebSearchSpec = SPEC) => toAnthropicMessage(json, "claude-opus-4", counter("toolu_"), undefined, spec)

type Block = { type: string; [key: string]: unknown }
const blocks = (json: unknown, spec?: WebSearchSpec): Array<Block> => message(json, spec).content as ReadonlyArray<Block> as Array<Block>

describe("Gemini grounded answer -> Anthropic web search blocks", () => {
  it("puts one search per query first, the chunks as results, then the text cut at the supports", () => {
    const m = message(answer([{ text: FIRST }, { text: SECOND }], grounding()))
    const [use1, result1, use2, result2, ...text] = m.content as ReadonlyArray<Block>
    expect(use1).toMatchObject({ type: "server_tool_use", name: "web_search", input: { query: "effect-ts durable objects" } })
    expect(use2).toMatchObject({ type: "server_tool_use", name: "web_search", input: { query: "cloudflare durable objects effect" } })
    expect(String(use1?.["id"])).toMatch(/^srvtoolu_[0-9a-f]{16}$/)
    expect(use1?.["id"]).not.toBe(use2?.["id"])
    expect(result1).toEqual({
      type: "web_search_tool_result",
      tool_use_id: use1?.["id"],
      content: [
        { type: "web_search_result", url: `${REDIRECT}1`, title: "effect.website", page_age: null, encrypted_content: expect.stringMatching(/^cfo1\.gemini\./) },
        { type: "web_search_result", url: `${REDIRECT}2`, title: "developers.cloudflare.com", page_age: null, encrypted_content: expect.stringMatching(/^cfo1\.gemini\./) }
      ]
    })
    // Gemini does not say which query found what: the second search has its block, the results stay with the first.
    expect(result2).toEqual({ type: "web_search_tool_result", tool_use_id: use2?.["id"], content: [] })
    const cite = (i: number, cited: string) => ({
      type: "web_search_result_location",
      url: `${REDIRECT}${i + 1}`,
      title: i === 0 ? "effect.website" : "developers.cloudflare.com",
      encrypted_index: expect.stringMatching(/^cfo1\.gemini\./),
      cited_text: cited
    })
    expect(text).toEqual([
      { type: "text", text: FIRST, citations: [cite(0, FIRST)] },
      { type: "text", text: SECOND, citations: [cite(0, SECOND), cite(1, SECOND)] }
    ])
    expect(m.usage).toEqual({ input_tokens: 40, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 2 } })
    expect(m.stop_reason).toBe("end_turn")
  })

  it("marks every encrypted field as ours (cfo1.), never as Anthropic's", () => {
    const all = JSON.stringify(message(answer([{ text: FIRST + SECOND }], grounding())))
    const encrypted = [...all.matchAll(/"encrypted_(?:content|index)":"([^"]*)"/g)].map((m) => m[1])
    expect(encrypted).toHaveLength(5)
    for (const e of encrypted) {
      expect(isForeignSignature(e)).toBe(true)
      expect(foreignPayload("gemini", e)).toBeDefined()
    }
  })

  it("leaves uncited text uncited, before, between and after the supports", () => {
    const text = "Intro. Cited one. Middle. Cited two. End."
    const at = (s: string) => ({ startIndex: bytes(text.slice(0, text.indexOf(s))), endIndex: bytes(text.slice(0, text.indexOf(s) + s.length)), text: s })
    const out = blocks(answer([{ text }], grounding({ groundingSupports: [
      { segment: at("Cited one."), groundingChunkIndices: [0] },
      { segment: at("Cited two."), groundingChunkIndices: [1] }
    ] })))
    const texts = out.filter((b) => b.type === "text")
    expect(texts.map((b) => b["text"]).join("")).toBe(text)
    expect(texts.map((b) => [b["text"], Array.isArray(b["citations"]) ? b["citations"].length : 0])).toEqual([
      ["Intro. ", 0], ["Cited one.", 1], [" Middle. ", 0], ["Cited two.", 1], [" End.", 0]
    ])
  })

  it("reads segment offsets as UTF-8 bytes over non-ASCII text, and a missing startIndex as 0", () => {
    const first = "Größe: 日本語 ok 😀."
    const second = " Ça marche — vraiment."
    const out = blocks(answer([{ text: first }, { text: second }], grounding({ groundingSupports: [
      { segment: { endIndex: bytes(first) }, groundingChunkIndices: [0] },
      { segment: { startIndex: bytes(first) + 1, endIndex: bytes(first + second) }, groundingChunkIndices: [1] }
    ] })))
    const texts = out.filter((b) => b.type === "text").map((b) => [b["text"], (b["citations"] as Array<Block> | undefined)?.map((c) => c["cited_text"])])
    expect(texts).toEqual([[first, [first]], [" ", undefined], ["Ça marche — vraiment.", ["Ça marche — vraiment."]]])
  })

  it("finds the segment's text when the offsets do not frame it (counted in characters, or per part)", () => {
    const text = "Ünïcödé first. Then the cited sentence."
    const cited = "Then the cited sentence."
    const out = blocks(answer([{ text }], grounding({ groundingSupports: [
      { segment: { startIndex: text.indexOf(cited), endIndex: text.length, text: cited }, groundingChunkIndices: [0] }
    ] })))
    expect(out.filter((b) => b.type === "text").map((b) => b["text"])).toEqual(["Ünïcödé first. ", cited])
  })

  it("passes on at most max_uses searches, and none (and no citations) for max_uses 0", () => {
    const three = grounding({ webSearchQueries: ["a", "b", "c"] })
    const one = message(answer([{ text: FIRST + SECOND }], three), { ...SPEC, maxUses: 1 })
    expect(one.content.filter((b) => b.type === ("server_tool_use" as string))).toHaveLength(1)
    expect(one.usage).toMatchObject({ server_tool_use: { web_search_requests: 1 } })
    const none = message(answer([{ text: FIRST + SECOND }], three), { ...SPEC, maxUses: 0 })
    expect(none.content).toEqual([{ type: "text", text: FIRST + SECOND }])
    expect(none.usage).not.toHaveProperty("server_tool_use")
  })

  it("drops results from blocked domains, and outside allowed ones, with their citations", () => {
    const blocked = blocks(answer([{ text: FIRST + SECOND }], grounding()), { ...SPEC, blockedDomains: ["cloudflare.com"] })
    const results = blocked.filter((b) => b.type === "web_search_tool_result").flatMap((b) => b["content"] as Array<Block>)
    expect(results.map((r) => r["title"])).toEqual(["effect.website"])
    expect(JSON.stringify(blocked)).not.toContain(`${REDIRECT}2`)
    const allowed = blocks(answer([{ text: FIRST + SECOND }], grounding()), { ...SPEC, allowedDomains: ["developers.cloudflare.com"] })
    const cited = allowed.filter((b) => b.type === "text").flatMap((b) => (b["citations"] as Array<Block> | undefined) ?? [])
    expect(cited.map((c) => c["title"])).toEqual(["developers.cloudflare.com"])
  })

  it("gives results found without a query a search of their own; no grounding: the text alone", () => {
    const noQueries = blocks(answer([{ text: FIRST }], grounding({ webSearchQueries: undefined })))
    expect(noQueries[0]).toMatchObject({ type: "server_tool_use", input: { query: "" } })
    expect(blocks(answer([{ text: FIRST }], undefined))).toEqual([{ type: "text", text: FIRST }])
  })

  it("keeps thinking first, and leaves grounding alone when the request did not search", () => {
    const out = blocks(answer([{ text: "plan", thought: true }, { text: FIRST }], grounding()))
    expect(out.map((b) => b.type)).toEqual(["thinking", "server_tool_use", "web_search_tool_result", "server_tool_use", "web_search_tool_result", "text"])
    const unsearched = toAnthropicMessage(answer([{ text: FIRST }], grounding()), "claude-opus-4", counter("toolu_"))
    expect(unsearched.content).toEqual([{ type: "text", text: FIRST }])
    expect(unsearched.usage).not.toHaveProperty("server_tool_use")
  })

  it("is wired through GeminiFormat: the WebSearch request's non-streaming answer", () => {
    const t = GeminiFormat.translate({ ...WEBSEARCH, stream: false }, { provider: { name: "g", baseUrl: "https://g.test" }, model: "gemini-2.5-flash" })
    const m = t.response(answer([{ text: FIRST + SECOND }], grounding()))
    expect(m.content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "server_tool_use", "web_search_tool_result", "text", "text"])
  })
})
