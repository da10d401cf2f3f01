/**
 * The real WebSearch request, translated, against the fake upstream's Responses agent (as strict as
 * the real API about the tool it is given), and its answer translated back: the URLs only the fake's
 * search knows end up in the web_search_tool_result Claude Code reads.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type FakeUpstream, startFakeUpstream } from "../../../scripts/fake-upstream.mjs"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { sdkReading } from "../sdkClient.js"
import { ctx, translate } from "./helpers.js"
import { websearchFixture } from "./searchData.js"

let fake: FakeUpstream
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 })
})
afterAll(() => fake.close())

const SLUG = "effect-ts-durable-objects"
const RESULT = `https://fake-search.example/result-${SLUG}`
const REFERENCE = `https://fake-search.example/reference-${SLUG}`

/** The fixture translated for a Responses provider on the fake, posted there. */
const ask = async (request: MessagesRequest) => {
  const t = translate(request, ctx({ baseUrl: `${fake.url}/agent/openai-responses/v1` }, "gpt-5"))
  const r = await fetch(t.url, { method: "POST", headers: t.headers, body: t.body })
  expect(r.status).toBe(200)
  return { t, r }
}

type Block = { readonly type: string; readonly [key: string]: unknown }
const urls = (content: ReadonlyArray<Block>): Array<string> =>
  content.filter((b) => b.type === "web_search_tool_result").flatMap((b) => (b["content"] as Array<{ url: string }>).map((r) => r.url))

describe("Claude Code's WebSearch through the fake Responses agent", () => {
  it("non-streaming: the fake's URLs come back as web_search_tool_result, the text cites them", async () => {
    const { t, r } = await ask({ ...websearchFixture, stream: false })
    const message = t.response(await r.json())
    const content = message.content as ReadonlyArray<Block>
    expect(content.map((b) => b.type).slice(0, 3)).toEqual(["thinking", "server_tool_use", "web_search_tool_result"])
    expect(content[1]!["input"]).toEqual({ query: "effect-ts durable objects" })
    expect(urls(content)).toEqual([RESULT, `https://fake-search.example/background-${SLUG}`, REFERENCE])
    const citations = content.flatMap((b) => (b.type === "text" && Array.isArray(b["citations"]) ? (b["citations"] as Array<{ url: string; title: string }>) : []))
    expect(citations.map((c) => [c.url, c.title])).toEqual([[RESULT, "Fake search: effect-ts durable objects"], [REFERENCE, "Fake reference: effect-ts durable objects"]])
    expect(message.usage).toMatchObject({ server_tool_use: { web_search_requests: 1 } })
  })

  it("streaming, read by the official SDK: the same blocks", async () => {
    const { t, r } = await ask(websearchFixture)
    const message = await sdkReading(r.body!, t).messages.stream({ model: "claude-opus-5-5", max_tokens: 100, messages: [{ role: "user", content: "x" }] }).finalMessage()
    const content = message.content as unknown as ReadonlyArray<Block>
    expect(urls(content)).toContain(RESULT)
    expect(content.find((b) => b.type === "web_search_tool_result")!["content"]).toContainEqual(expect.objectContaining({ url: RESULT, title: "Fake search: effect-ts durable objects" }))
    expect(content.filter((b) => b.type === "text").map((b) => b["text"]).join("")).toContain(RESULT)
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 })
  })

  it("the fake refuses what the real API refuses: an Anthropic server tool, or its max_uses on the built-in one", async () => {
    const post = (tools: ReadonlyArray<unknown>) =>
      fetch(`${fake.url}/agent/openai-responses/v1/responses`, { method: "POST", body: JSON.stringify({ model: "gpt-5", store: false, input: "hi", tools }) })
    const raw = await post(websearchFixture.tools!)
    expect(raw.status).toBe(400)
    expect(((await raw.json()) as { error: { param: string } }).error.param).toBe("tools[0].type")
    const leaked = await post([{ type: "web_search", max_uses: 8 }])
    expect(leaked.status).toBe(400)
    expect(await leaked.json()).toMatchObject({ error: { message: "Unknown parameter: 'tools[0].max_uses'.", code: "unknown_parameter" } })
  })
})
