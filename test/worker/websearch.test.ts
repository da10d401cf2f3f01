/**
 * WebSearch after failover: a request offering Anthropic's web search goes only where a search can
 * really run; nothing answers as if it had searched; foreign search blocks never go back to Anthropic.
 */
import { SELF } from "cloudflare:test"
import { describe, expect, inject, it } from "vitest"
import { ADMIN, anthropicMessage, post, putConfig, type RecordedCall, scenario, type Step, TOKEN } from "./helpers.js"

const fake = inject("fakeUrl")
const AWS = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }
const overloaded: Step = { status: 529, headers: { "retry-after": "3" }, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }
const calls = async (id: string): Promise<Array<RecordedCall>> => (await fetch(`${fake}/__calls/${id}`)).json()

/** What Claude Code's WebSearch tool sends (its own request, one server tool). */
const search = (tool: Record<string, unknown> = {}) => ({
  model: "claude-opus-5-5",
  max_tokens: 128000,
  stream: false,
  system: [{ type: "text", text: "You run a web search for another Claude model. Search once, then reply with a brief summary of the results." }],
  tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8, ...tool }],
  messages: [{ role: "user", content: "Perform a web search for the query: failover proxies" }]
})

const chain = async (fallbacks: Array<Record<string, unknown>>) => {
  await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
  const primary = await scenario([overloaded])
  await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 }, ...fallbacks], accessTokens: [{ token: TOKEN }] })
}

describe("a request with Anthropic's web search", () => {
  it("skips providers with no search of their own, with the reason, and is served by one that has it", async () => {
    const chat = await scenario([{ json: { choices: [] } }])
    const last = await scenario([{ json: anthropicMessage("searched") }])
    await chain([
      { name: "bedrock", format: "bedrock", region: "us-east-1", baseUrl: `${fake}/bedrock/us-east-1`, aws: AWS, retries: 0 },
      { name: "deepseek", format: "openai", baseUrl: chat.baseUrl, apiKey: "sk-deepseek-0000001", models: { "*": "deepseek-chat" } },
      { name: "last", format: "anthropic", baseUrl: last.baseUrl, apiKey: "sk-last-0000000001" }
    ])
    const before = (await calls("bedrock")).length
    const r = await post(`/t/${TOKEN}/v1/messages`, search())
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(r.headers.get("x-failover-attempts")).toBe("anthropic=529, bedrock=skipped(no web_search server tool), deepseek=skipped(no web_search server tool), last=200")
    expect((await calls("bedrock")).length).toBe(before)
    expect(await chat.calls()).toHaveLength(0)
    // the server tool reaches the Anthropic-format provider as it is
    expect(JSON.parse((await last.calls())[0]!.body).tools).toEqual(search().tools)
  })

  it("when nothing in the chain can search, the client gets the primary's error, never a made-up answer", async () => {
    const chat = await scenario([{ json: { choices: [] } }])
    await chain([{ name: "deepseek", format: "openai", baseUrl: chat.baseUrl, apiKey: "sk-deepseek-0000001", models: { "*": "deepseek-chat" } }])
    const r = await post(`/t/${TOKEN}/v1/messages`, search())
    expect(r.status).toBe(529)
    expect(r.headers.get("retry-after")).toBe("3")
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("overloaded_error")
    expect(await chat.calls()).toHaveLength(0)
  })

  it("blocked_domains: a search that cannot honour it is not eligible (a blocked domain must not come back)", async () => {
    const gemini = await scenario([{ json: { candidates: [] } }])
    await chain([{ name: "gemini", format: "gemini", baseUrl: gemini.baseUrl, apiKey: "gemini-key-00000001", models: { "*": "gemini-2.5-pro" } }])
    const r = await post(`/t/${TOKEN}/v1/messages`, search({ blocked_domains: ["example.com"] }))
    expect(r.status).toBe(529)
    expect(r.headers.get("x-failover-attempts")).toBe("anthropic=529, gemini=skipped(web search cannot honour blocked_domains)")
    expect(await gemini.calls()).toHaveLength(0)
  })

  it("Vertex runs it, with the web-search beta", async () => {
    const key = { ...((await (await fetch(`${fake}/google/service-account.json`)).json()) as Record<string, string>), private_key_id: `k${Math.random().toString(36).slice(2)}` }
    await chain([{ name: "vertex", format: "vertex", region: "global", project: "fake-project", baseUrl: `${fake}/vertex`, serviceAccount: key, retries: 0 }])
    const before = (await calls("vertex")).length
    const r = await post(`/t/${TOKEN}/v1/messages`, search())
    expect(r.headers.get("x-failover-provider")).toBe("vertex")
    const [call] = (await calls("vertex")).slice(before)
    expect(call!.headers["anthropic-beta"]).toContain("web-search-2025-03-05")
    expect(JSON.parse(call!.body).tools).toEqual(search().tools)
  })
})

describe("another provider's search blocks in a later request", () => {
  it("never reach an Anthropic-format provider as Anthropic's own: the results stay as text, the citations go", async () => {
    const up = await scenario([{ json: anthropicMessage("ok") }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    const body = {
      model: "claude-opus-5-5",
      max_tokens: 100,
      messages: [
        { role: "user", content: "Perform a web search for the query: x" },
        {
          role: "assistant",
          content: [
            { type: "server_tool_use", id: "srvtoolu_ws_1", name: "web_search", input: { query: "x" } },
            { type: "web_search_tool_result", tool_use_id: "srvtoolu_ws_1", content: [{ type: "web_search_result", url: "https://a.example/1", title: "A", encrypted_content: "cfo1.openai-responses.eyJ1IjoxfQ", page_age: null }] },
            { type: "text", text: "A says so.", citations: [{ type: "web_search_result_location", url: "https://a.example/1", title: "A", encrypted_index: "cfo1.openai-responses.0", cited_text: "A says so." }] }
          ]
        },
        { role: "user", content: "thanks" }
      ]
    }
    const r = await post("/v1/messages", body)
    expect(r.status).toBe(200)
    const sent = JSON.parse((await up.calls())[0]!.body) as { messages: Array<{ content: unknown }> }
    expect(sent.messages[1]!.content).toEqual([
      { type: "text", text: "[Web search results: A <https://a.example/1>]" },
      { type: "text", text: "A says so." }
    ])
  })
})
