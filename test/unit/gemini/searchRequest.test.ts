/**
 * Claude Code's WebSearch request on Gemini: the web_search server tool becomes Google Search
 * grounding when it is the request's only tool; beside functions the search is dropped (the real API
 * refuses the mix on Gemini 2.x, and on Gemini 3 without circulating its tool calls); other server
 * tools are never declared as functions.
 */
import { describe, expect, it } from "@effect/vitest"
import { GEMINI_RULES, refusalFor } from "../../../scripts/strict-rules.mjs"
import type { MessagesRequest, Tool } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { toGeminiRequest } from "../../../src/formats/gemini/request.js"
import { GeminiTools } from "../../../src/formats/gemini/tools.js"
import { geminiViolations } from "./geminiRules.js"
import fixture from "./websearch-request.json"

const WEBSEARCH = fixture as unknown as MessagesRequest
const MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-3-pro-preview"]
const ctx = (model = "gemini-2.5-flash"): TranslateContext => ({ provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model })
const sent = (request: MessagesRequest, model = "gemini-2.5-flash"): Record<string, unknown> =>
  JSON.parse(GeminiFormat.translate(request, ctx(model)).body) as Record<string, unknown>

const bash: Tool = { name: "Bash", description: "run", input_schema: { type: "object", properties: { command: { type: "string" } } } }
const search: Tool = { name: "web_search", type: "web_search_20250305" }

describe("Gemini request: Anthropic's web search server tool", () => {
  it("sends Claude Code's WebSearch request with google_search as its only tool, accepted by every model", () => {
    for (const model of MODELS) {
      const body = sent(WEBSEARCH, model)
      expect(body["tools"]).toEqual([{ google_search: {} }])
      // tool_choice auto is about functions; there are none to configure.
      expect(body["toolConfig"]).toBeUndefined()
      expect(body["contents"]).toEqual([{ role: "user", parts: [{ text: "Perform a web search for the query: effect-ts durable objects" }] }])
      expect(JSON.stringify(body["systemInstruction"])).not.toContain("x-anthropic-billing-header")
      expect(geminiViolations(body, model)).toEqual([])
      expect(refusalFor(GEMINI_RULES, model, body)).toBeUndefined()
    }
  })

  it("keeps the search's settings for the answer: max_uses, allowed and blocked domains", () => {
    const tools = new GeminiTools()
    const withDomains = { ...search, max_uses: 3, allowed_domains: ["docs.example.com"], blocked_domains: ["spam.example"] } as Tool
    toGeminiRequest({ ...WEBSEARCH, tools: [withDomains] }, ctx(), tools)
    expect(tools.search).toEqual({ maxUses: 3, allowedDomains: ["docs.example.com"], blockedDomains: ["spam.example"] })
    // user_location has no Gemini API counterpart: nothing of it is sent.
    const located = { ...search, user_location: { type: "approximate", city: "Paris", country: "FR" } } as Tool
    expect(sent({ ...WEBSEARCH, tools: [located] })["tools"]).toEqual([{ google_search: {} }])
  })

  it("beside function tools keeps the functions and drops the search, which the real API would refuse", () => {
    for (const model of MODELS) {
      const tools = new GeminiTools()
      const out = toGeminiRequest({ ...WEBSEARCH, tools: [bash, search] }, ctx(model), tools)
      expect(out.tools).toEqual([{ functionDeclarations: [{ name: "Bash", description: "run", parameters: bash.input_schema }] }])
      expect(tools.search).toBeUndefined()
      expect(refusalFor(GEMINI_RULES, model, out)).toBeUndefined()
      // What the drop avoids: the strict fake answers the mix as Gemini does.
      const mixed = { ...out, tools: [{ google_search: {} }, ...(out.tools ?? [])] }
      expect(refusalFor(GEMINI_RULES, model, mixed)?.status).toBe(400)
    }
  })

  it("does not force a dropped search (tool_choice naming it): Gemini would refuse an undeclared name", () => {
    const out = toGeminiRequest({ ...WEBSEARCH, tools: [bash, search], tool_choice: { type: "tool", name: "web_search" } }, ctx())
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } })
  })

  it("sends no search when tool_choice is none", () => {
    const tools = new GeminiTools()
    expect(toGeminiRequest({ ...WEBSEARCH, tool_choice: { type: "none" } }, ctx(), tools).tools).toBeUndefined()
    expect(tools.search).toBeUndefined()
  })

  it("never declares another server tool as a function", () => {
    const others: Array<Tool> = [
      { name: "web_fetch", type: "web_fetch_20250910" },
      { name: "code_execution", type: "code_execution_20250825" },
      { name: "tool_search_tool_regex", type: "tool_search_tool_regex_20251119" }
    ]
    expect(sent({ ...WEBSEARCH, tools: others })["tools"]).toBeUndefined()
    expect(sent({ ...WEBSEARCH, tools: [...others, bash] })["tools"]).toEqual([
      { functionDeclarations: [{ name: "Bash", description: "run", parameters: bash.input_schema }] }
    ])
  })

  it("gives the model a past search's results as text, and drops the server_tool_use", () => {
    const history: MessagesRequest = {
      ...WEBSEARCH,
      messages: [
        ...WEBSEARCH.messages,
        {
          role: "assistant",
          content: [
            { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "effect-ts" } },
            {
              type: "web_search_tool_result",
              tool_use_id: "srvtoolu_1",
              content: [{ type: "web_search_result", url: "https://a.example/x", title: "A", page_age: null, encrypted_content: "cfo1.gemini.eA" }]
            },
            { type: "web_search_tool_result", tool_use_id: "srvtoolu_2", content: { type: "web_search_tool_result_error", error_code: "max_uses_exceeded" } },
            { type: "text", text: "Effect runs on Durable Objects.", citations: [{ type: "web_search_result_location", url: "https://a.example/x" }] }
          ]
        },
        { role: "user", content: "thanks" }
      ]
    }
    const out = toGeminiRequest(history, ctx())
    expect(out.contents[1]).toEqual({
      role: "model",
      parts: [
        { text: "[Web search results: A <https://a.example/x>]" },
        { text: "[Web search failed: max_uses_exceeded]" },
        { text: "Effect runs on Durable Objects." }
      ]
    })
  })
})
