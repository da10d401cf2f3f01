/**
 * End to end against the fake upstream's Gemini agent: Claude Code's WebSearch request, translated,
 * is answered with Google Search grounding naming a page only the fake knows, and that page comes
 * back in a web_search_tool_result (where Claude Code's WebSearch tool reads its links), streamed
 * and not. Requests without search keep the agent's usual behaviour.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type FakeUpstream, startFakeUpstream } from "../../../scripts/fake-upstream.mjs"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { sdkReading } from "../sdkClient.js"
import fixture from "./websearch-request.json"

const WEBSEARCH = fixture as unknown as MessagesRequest
const PAGE = "https://fake-grounding.example/result-effect-ts-durable-objects"

let fake: FakeUpstream
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 })
})
afterAll(() => fake.close())

const translation = (request: MessagesRequest, model = "gemini-2.5-flash") =>
  GeminiFormat.translate(request, { provider: { name: "g", baseUrl: `${fake.url}/agent/gemini`, apiKey: "k" }, model })

const post = (t: ReturnType<typeof translation>): Promise<Response> => fetch(t.url, { method: "POST", headers: t.headers, body: t.body })

type Block = { readonly type: string; readonly [key: string]: unknown }

/** What Claude Code's WebSearch tool makes of the answer: the links of every search result block. */
const links = (content: ReadonlyArray<Block>): Array<{ title: unknown; url: unknown }> =>
  content
    .filter((b) => b.type === "web_search_tool_result")
    .flatMap((b) => (Array.isArray(b["content"]) ? (b["content"] as ReadonlyArray<Block>) : []))
    .map((r) => ({ title: r["title"], url: r["url"] }))

describe("the fake Gemini agent answers a WebSearch request with grounding", () => {
  it("streamed: the fake's page is in a web_search_tool_result and cited by the text", async () => {
    for (const model of ["gemini-2.5-flash", "gemini-3-pro-preview"]) {
      const t = translation(WEBSEARCH, model)
      expect(t.url).toContain(":streamGenerateContent?alt=sse")
      const res = await post(t)
      expect(res.status).toBe(200)
      if (res.body === null) throw new Error("no body")
      const final = await sdkReading(res.body, t).messages
        .stream({ model: WEBSEARCH.model, max_tokens: 1000, messages: [{ role: "user", content: "x" }] })
        .finalMessage()
      const content = JSON.parse(JSON.stringify(final.content)) as ReadonlyArray<Block>
      expect(content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "text", "text"])
      expect(content[0]).toMatchObject({ name: "web_search", input: { query: "effect-ts durable objects" } })
      expect(links(content)).toEqual([{ title: "fake-grounding.example", url: PAGE }])
      expect(content[2]).toMatchObject({ text: "The fake index has one page about effect-ts durable objects.", citations: [{ url: PAGE }] })
      expect(final.usage.server_tool_use?.web_search_requests).toBe(1)
    }
  })

  it("not streamed: the same blocks from the one JSON answer", async () => {
    const t = translation({ ...WEBSEARCH, stream: false })
    const res = await post(t)
    expect(res.status).toBe(200)
    const m = t.response(await res.json())
    const content = m.content as ReadonlyArray<Block>
    expect(links(content)).toEqual([{ title: "fake-grounding.example", url: PAGE }])
    expect(content.filter((b) => b.type === "text").map((b) => b["text"]).join("")).toBe(
      "The fake index has one page about effect-ts durable objects. Nothing else was found."
    )
  })

  it("derives the page from the query, non-ASCII included", async () => {
    const asked: MessagesRequest = { ...WEBSEARCH, stream: false, messages: [{ role: "user", content: "Perform a web search for the query: Zürich café 東京" }] }
    const t = translation(asked)
    const m = t.response(await (await post(t)).json())
    const content = m.content as ReadonlyArray<Block>
    expect(links(content)).toEqual([{ title: "fake-grounding.example", url: "https://fake-grounding.example/result-z-rich-caf" }])
    // The fake's offsets are UTF-8 bytes: the citation covers exactly the first sentence.
    expect(content.find((b) => Array.isArray(b["citations"]))?.["text"]).toBe("The fake index has one page about Zürich café 東京.")
  })

  it("keeps the agent's usual answers for requests that do not search", async () => {
    const bash = { name: "Bash", description: "run", input_schema: { type: "object", properties: { command: { type: "string" } } } }
    const t = translation({ ...WEBSEARCH, stream: false, tools: [bash] })
    const m = t.response(await (await post(t)).json())
    expect(m.content.map((b) => b.type)).toContain("tool_use")
    const plain = translation({ ...WEBSEARCH, stream: false, messages: [{ role: "user", content: "hello" }] })
    const answer = plain.response(await (await post(plain)).json())
    expect(answer.content).toEqual([{ type: "text", text: "Hello from the fake upstream." }])
  })

  it("refuses google_search beside functions, as the real API does", async () => {
    const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }], tools: [{ google_search: {} }, { functionDeclarations: [{ name: "Bash" }] }] }
    const res = await fetch(`${fake.url}/agent/gemini/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { status: "INVALID_ARGUMENT", message: "Tool use with function calling is unsupported" } })
  })
})
