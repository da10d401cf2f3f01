/** A web search answer of the Responses API and the Anthropic blocks it becomes, shared by the tests. */
import { readFileSync } from "node:fs"
import type { MessagesRequest, Tool } from "../../../src/formats/anthropic/Messages.js"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import { fnv1a } from "../../../src/formats/openai/toolNames.js"
import { baseRequest, citing, usageOf, webSearchCall } from "./helpers.js"

/** Claude Code's WebSearch request, as captured. */
export const websearchFixture = JSON.parse(readFileSync(new URL("./fixtures/claude-code-websearch-request.json", import.meta.url), "utf8")) as MessagesRequest

export const searchTool = (extra: Record<string, unknown> = {}): Tool => ({ type: "web_search_20250305", name: "web_search", max_uses: 8, ...extra }) as Tool
export const requestWith = (tools: ReadonlyArray<Tool>, over: Partial<MessagesRequest> = {}) =>
  baseRequest({ tools, messages: [{ role: "user", content: "Perform a web search for the query: effect durable objects" }], ...over })

export const A = "https://a.example/page"
export const B = "https://b.example/other"
export const C = "https://c.example/cited-only"

/** A finished response with a search and a message citing A (a source) and C (no source's). */
export const cited = citing(["Durable objects ", { url: `${A}?utm_source=openai`, title: "Page A", label: "a.example" }, " and ", { url: C, title: "Only cited", label: "c.example" }, "."])
export const searchResponse = (calls: ReadonlyArray<Record<string, unknown>> = [webSearchCall("ws_1", "effect durable objects", [A, B])]) => ({
  id: "resp_ws",
  object: "response",
  status: "completed",
  output: [
    ...calls,
    { id: "msg_1", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: cited.text, annotations: cited.annotations }] }
  ],
  usage: usageOf(300, 50, 0)
})

export const result = (url: string, title: string) => ({ type: "web_search_result", url, title, page_age: null, encrypted_content: foreignSignature("openai-responses", `ws.${fnv1a(url)}`) })
export const citation = (url: string, title: string, cited_text: string) => ({
  type: "web_search_result_location",
  url,
  title,
  encrypted_index: foreignSignature("openai-responses", `cite.${fnv1a(url)}`),
  cited_text
})

/** What `searchResponse()` becomes. */
export const expectedContent = [
  { type: "server_tool_use", id: "srvtoolu_ws_1", name: "web_search", input: { query: "effect durable objects" } },
  { type: "web_search_tool_result", tool_use_id: "srvtoolu_ws_1", content: [result(A, "Page A"), result(B, B), result(C, "Only cited")] },
  { type: "text", text: "Durable objects " },
  { type: "text", text: `[a.example](${A}?utm_source=openai)`, citations: [citation(A, "Page A", `[a.example](${A}?utm_source=openai)`)] },
  { type: "text", text: " and " },
  { type: "text", text: `[c.example](${C})`, citations: [citation(C, "Only cited", `[c.example](${C})`)] },
  { type: "text", text: "." }
]

