/**
 * Claude Code's WebSearch after failover to a Responses API provider: Anthropic's web search tool
 * becomes the built-in `web_search`, and the answer's web_search_call items and url_citation
 * annotations become Anthropic's server_tool_use / web_search_tool_result blocks and cited text.
 */
import { describe, expect, it } from "@effect/vitest"
import type { ResponseCreateParamsStreaming } from "openai/resources/responses/responses"
import type { MessagesRequest, Tool } from "../../../src/formats/anthropic/Messages.js"
import { toResponsesRequest } from "../../../src/formats/responses/request.js"
import { baseRequest, citing, ctx, translate, usageOf, webSearchCall } from "./helpers.js"
import { A, B, C, cited, expectedContent, requestWith, result, searchResponse, searchTool, websearchFixture } from "./searchData.js"

const bodyOf = (request: MessagesRequest, model = "gpt-5") => toResponsesRequest(request, ctx({}, model)).body

describe("the request: Anthropic's web search -> the built-in web_search tool", () => {
  it("the real WebSearch request: one web_search tool, the call's sources included, nothing as a function", () => {
    const body = bodyOf(websearchFixture)
    // the `openai` package's type of a streaming request accepts it
    const typed: ResponseCreateParamsStreaming = { ...body, stream: true }
    expect(typed.tools).toEqual([{ type: "web_search" }])
    expect(body.include).toEqual(["reasoning.encrypted_content", "web_search_call.action.sources"])
    expect(body.tool_choice).toBe("auto")
    expect(JSON.stringify(body)).not.toMatch(/web_search_20250305|max_uses|"function"/)
    expect(body.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "Perform a web search for the query: effect-ts durable objects" }] }])
  })

  it("allowed_domains -> filters, user_location as is; max_uses and blocked_domains are ours to honour", () => {
    const location = { type: "approximate", city: "Lyon", region: "Auvergne-Rhône-Alpes", country: "FR", timezone: "Europe/Paris" }
    const body = bodyOf(requestWith([searchTool({ allowed_domains: ["effect.website", "developers.cloudflare.com"], user_location: location })]))
    expect(body.tools).toEqual([{ type: "web_search", filters: { allowed_domains: ["effect.website", "developers.cloudflare.com"] }, user_location: location }])
    const partial = bodyOf(requestWith([searchTool({ blocked_domains: ["spam.example"], user_location: { type: "approximate", country: "US" } })]))
    expect(partial.tools).toEqual([{ type: "web_search", user_location: { type: "approximate", country: "US" } }])
    // no reasoning asked: the sources are the only thing included
    expect(partial.include).toEqual(["web_search_call.action.sources"])
  })

  it("any web_search version; other server tools are left out, never sent as functions", () => {
    const tools = [
      { name: "Bash", input_schema: { type: "object" } },
      searchTool({ type: "web_search_20260209" }),
      { type: "web_fetch_20250910", name: "web_fetch" },
      { type: "code_execution_20250825", name: "code_execution" }
    ] as ReadonlyArray<Tool>
    const body = bodyOf(requestWith(tools))
    expect(body.tools).toEqual([{ type: "function", name: "Bash", parameters: { type: "object" }, strict: false }, { type: "web_search" }])
    // without a search tool, nothing is included for it
    expect(bodyOf(requestWith([tools[0]!])).include).toBeUndefined()
  })

  it("tool_choice naming web_search forces it as the one allowed tool; naming a tool left out is auto", () => {
    const tools = [{ name: "Bash", input_schema: { type: "object" } }, searchTool(), { type: "web_fetch_20250910", name: "web_fetch" }] as ReadonlyArray<Tool>
    const forced = bodyOf(requestWith(tools, { tool_choice: { type: "tool", name: "web_search" } }))
    const typed: ResponseCreateParamsStreaming = { ...forced, stream: true }
    expect(typed.tool_choice).toEqual({ type: "allowed_tools", mode: "required", tools: [{ type: "web_search" }] })
    expect(bodyOf(requestWith(tools, { tool_choice: { type: "tool", name: "web_fetch" } })).tool_choice).toBe("auto")
    expect(bodyOf(requestWith(tools, { tool_choice: { type: "tool", name: "Bash" } })).tool_choice).toEqual({ type: "function", name: "Bash" })
  })
})

describe("the non-streaming answer: web_search_call and url_citation -> Anthropic's search blocks", () => {
  const t = translate(requestWith([searchTool()]))

  it("a server_tool_use, its results (sources, then what only the text cites, titled from the citations), cited text apart", () => {
    const message = t.response(searchResponse())
    expect(message.content).toEqual(expectedContent)
    expect(message.stop_reason).toBe("end_turn")
    expect(message.usage).toEqual({ input_tokens: 300, output_tokens: 50, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 1 } })
  })

  it("encrypted_content and encrypted_index are foreign signatures, never Anthropic's", () => {
    const raw = JSON.stringify(t.response(searchResponse()))
    const encrypted = [...raw.matchAll(/"encrypted_(?:content|index)":"([^"]*)"/g)].map((m) => m[1]!)
    expect(encrypted).toHaveLength(5)
    for (const e of encrypted) expect(e.startsWith("cfo1.openai-responses.")).toBe(true)
  })

  it("max_uses bounds the searches passed on; page openings are no searches; a failed search is an error result", () => {
    const bounded = translate(requestWith([searchTool({ max_uses: 2 })]))
    const calls = [
      webSearchCall("ws_1", "one", [A]),
      { id: "ws_open", type: "web_search_call", status: "completed", action: { type: "open_page", url: A } },
      webSearchCall("ws_2", "two", [B], "failed"),
      webSearchCall("ws_3", "three", [C])
    ]
    const message = bounded.response(searchResponse(calls))
    const search = message.content.filter((b) => b.type !== "text")
    expect(search.map((b) => [b.type, (b as { id?: string; tool_use_id?: string }).id ?? (b as { tool_use_id: string }).tool_use_id])).toEqual([
      ["server_tool_use", "srvtoolu_ws_1"],
      ["web_search_tool_result", "srvtoolu_ws_1"],
      ["server_tool_use", "srvtoolu_ws_2"],
      ["web_search_tool_result", "srvtoolu_ws_2"]
    ])
    expect(search[1]).toMatchObject({ content: [result(A, "Page A")] })
    expect(search[3]).toMatchObject({ content: { type: "web_search_tool_result_error", error_code: "unavailable" } })
    expect((message.usage as { server_tool_use?: unknown }).server_tool_use).toEqual({ web_search_requests: 2 })
  })

  it("blocked domains: their results and citations are left out (the text stays)", () => {
    const blocked = translate(requestWith([searchTool({ blocked_domains: ["www.c.example"] })]))
    const message = blocked.response(searchResponse())
    expect(message.content[1]).toMatchObject({ content: [result(A, "Page A"), result(B, B)] })
    expect(message.content.at(-1)).toEqual({ type: "text", text: ` and [c.example](${C}).` })
    expect(JSON.stringify(message)).not.toContain('"url":"https://c.example')
  })

  it("annotation spans count characters (code points), and a span out of range is clamped", () => {
    const { text, annotations } = citing(["\u{1F50E} caf\u00e9 ", { url: A, title: "Page A", label: "\u{1F600}" }, " end"])
    const output = [webSearchCall("ws_1", "q", [A]), { type: "message", content: [{ type: "output_text", text, annotations: [...annotations, { ...annotations[0]!, start_index: 11, end_index: 999 }] }] }]
    const content = t.response({ id: "r", status: "completed", output, usage: usageOf(1, 1, 0) }).content
    expect(content.slice(2).map((b) => (b as { text: string }).text)).toEqual(["\u{1F50E} caf\u00e9 ", `[\u{1F600}](${A})`, " end"])
    // the overlapping span's citation joins the cited block before it
    expect(content[3]).toMatchObject({ citations: [{ cited_text: `[\u{1F600}](${A})` }, { cited_text: `${A}) end` }] })
  })

  it("without a search tool in the request, nothing changes: text is one block, usage has no server_tool_use", () => {
    const plain = translate(baseRequest())
    const message = plain.response(searchResponse())
    expect(message.content).toEqual([{ type: "text", text: cited.text }])
    expect(message.usage).not.toHaveProperty("server_tool_use")
  })

  it("a search after the message: its results, with no message after them, come at the end", () => {
    const response = { ...searchResponse([]), output: [...searchResponse([]).output, webSearchCall("ws_9", "late", [B])] }
    const message = t.response(response)
    expect(message.content.slice(-2)).toEqual([
      { type: "server_tool_use", id: "srvtoolu_ws_9", name: "web_search", input: { query: "late" } },
      { type: "web_search_tool_result", tool_use_id: "srvtoolu_ws_9", content: [result(B, B)] }
    ])
  })
})
