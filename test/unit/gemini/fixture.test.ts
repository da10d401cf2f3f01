import { describe, expect, it } from "@effect/vitest"
import type { Message, MessagesRequest, Tool } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import fixture from "../../fixtures/claude-code-request.json"
import { geminiViolations } from "./geminiRules.js"

const REAL = fixture as unknown as MessagesRequest
const MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-3-pro-preview"]

const ctx = (model: string): TranslateContext => ({ provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model })
const body = (request: MessagesRequest, model: string): unknown => JSON.parse(GeminiFormat.translate(request, ctx(model)).body)

/** The real request, made harder the way real sessions are: MCP tools, a GIF, ToolSearch's answer. */
const harder = (): MessagesRequest => {
  const mcp: Array<Tool> = [
    { name: "mcp__github-enterprise-server__list_pull_request_review_comments_for_repo", input_schema: { type: "object", properties: { repo: { type: "string" }, filter: { type: "object" } } } },
    { name: "9lives__status", input_schema: { type: "object", properties: {} } }
  ]
  const extra: Array<Message> = [
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_mcp", name: mcp[0]!.name, input: { repo: "a/b", filter: { state: "open" } } }] },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_mcp", content: [{ type: "tool_reference", tool_name: "WebSearch" } as never] },
        { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGOD" } },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } }
      ]
    }
  ]
  return { ...REAL, tools: [...(REAL.tools ?? []), ...mcp], messages: [...REAL.messages, ...extra], tool_choice: { type: "tool", name: mcp[1]!.name } }
}

describe("the real Claude Code request, as the real Gemini API checks it", () => {
  it("the validator catches what Gemini refuses (the request as it was sent before)", () => {
    const refused = {
      contents: [{ role: "user", parts: [{ inlineData: { mimeType: "image/gif", data: "x" } }] }],
      tools: [{ functionDeclarations: [{ name: "9lives", parameters: { type: "object", properties: { o: { type: "object" }, any: {} } } }] }],
      generationConfig: { maxOutputTokens: 128000, thinkingConfig: { thinkingBudget: 31999 } }
    }
    expect(geminiViolations(refused, "gemini-2.5-flash")).toEqual([
      "maxOutputTokens 128000 is outside 1..65536",
      "thinkingBudget 31999 is outside 0..24576",
      "declaration name 9lives is invalid",
      "9lives.parameters.properties[o]: OBJECT without properties",
      "9lives.parameters.properties[any]: no type",
      "content 0: image type image/gif"
    ])
  })

  for (const model of MODELS) {
    it(`is accepted for ${model}: adaptive, enabled 31999 and disabled thinking, plain and harder`, () => {
      const variants: ReadonlyArray<NonNullable<MessagesRequest["thinking"]>> = [
        REAL.thinking ?? { type: "adaptive" },
        { type: "enabled", budget_tokens: 31999 },
        { type: "disabled" }
      ]
      expect(variants[0]?.type).toBe("adaptive")
      for (const thinking of variants) {
        for (const request of [REAL, harder()]) {
          const sent = body({ ...request, thinking }, model)
          expect(geminiViolations(sent, model), `${model} ${JSON.stringify(thinking)}`).toEqual([])
        }
      }
      const sent = body(REAL, model) as { generationConfig: { maxOutputTokens: number } }
      expect(sent.generationConfig.maxOutputTokens).toBe(65536)
    })
  }

  it("maps the harder request's MCP call back to its name and input", () => {
    const t = GeminiFormat.translate(harder(), ctx("gemini-2.5-pro"))
    const sent = JSON.parse(t.body) as { tools: Array<{ functionDeclarations: Array<{ name: string }> }> }
    const name = sent.tools[0]!.functionDeclarations.at(-2)!.name
    const m = t.response({ candidates: [{ content: { role: "model", parts: [{ functionCall: { name, args: { repo: "a/b", filter: '{"state":"open"}' } } }] }, finishReason: "STOP" }] })
    expect(m.content[0]).toMatchObject({ type: "tool_use", name: "mcp__github-enterprise-server__list_pull_request_review_comments_for_repo", input: { repo: "a/b", filter: { state: "open" } } })
  })
})
