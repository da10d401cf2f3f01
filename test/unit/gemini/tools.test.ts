import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import type { ContentBlock, MessagesRequest, Tool } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { toGeminiRequest } from "../../../src/formats/gemini/request.js"
import { geminiToolName } from "../../../src/formats/gemini/toolNames.js"
import type { GeminiRequest } from "../../../src/formats/gemini/wire.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { encoder, geminiSse, runStream } from "./helpers.js"

const VALID = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/
/** 73 characters, as Claude Code names a long MCP tool */
const LONG = "mcp__github-enterprise-server__list_pull_request_review_comments_for_repo"
const DIGIT = "1password__get_item"

const ctx: TranslateContext = { provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model: "gemini-2.5-pro" }
const schema = { type: "object", properties: { q: { type: "string" } } }
const tools: ReadonlyArray<Tool> = [
  { name: LONG, description: "navigate", input_schema: schema },
  { name: DIGIT, description: "item", input_schema: schema },
  { name: "ns.tool:v1", input_schema: schema },
  { name: "Bash", input_schema: schema }
]

const request = (over: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "claude-opus-4",
  max_tokens: 1000,
  tools,
  messages: [{ role: "user", content: "go" }],
  ...over
})

const sentNames = (r: MessagesRequest): Array<string> => {
  const body = JSON.parse(GeminiFormat.translate(r, ctx).body) as GeminiRequest
  return body.tools?.[0]?.functionDeclarations?.map((d) => d.name) ?? []
}

const answerCalling = (names: ReadonlyArray<string>) => ({
  candidates: [{ content: { role: "model", parts: names.map((name, i) => ({ functionCall: { name, args: { q: `v${i}` } } })) }, finishReason: "STOP" }]
})

describe("Gemini tool names", () => {
  it("makes every name valid for Gemini, keeping valid ones (dots and colons included)", () => {
    expect(LONG.length).toBe(73)
    const names = sentNames(request())
    for (const n of names) expect(n).toMatch(VALID)
    expect(names[0]).not.toBe(LONG)
    expect(names[0]).toMatch(/^mcp__github-enterprise-serv_.*_comments_for_repo_[0-9a-f]{8}$/)
    expect(names[0]).toHaveLength(64)
    expect(names[1]).toMatch(/^_1password__get_item_[0-9a-f]{8}$/)
    expect(names.slice(2)).toEqual(["ns.tool:v1", "Bash"])
    // Stable across turns, distinct for names that differ only in the removed part.
    expect(sentNames(request())).toEqual(names)
    expect(geminiToolName(`${LONG}_2`)).not.toBe(geminiToolName(`${LONG}_1`))
  })

  it("gives valid, distinct, stable names for any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.string({ maxLength: 120 }), (a, b) => {
        expect(geminiToolName(a)).toMatch(VALID)
        expect(geminiToolName(a)).toBe(geminiToolName(a))
        if (a !== b) expect(geminiToolName(a)).not.toBe(geminiToolName(b))
      })
    )
  })

  it("maps names back exactly in a non-streaming answer", () => {
    const t = GeminiFormat.translate(request(), ctx)
    const message = t.response(answerCalling(sentNames(request())))
    const uses = message.content.filter((b) => b.type === "tool_use")
    expect(uses.map((b) => (b as { name: string }).name)).toEqual(tools.map((x) => x.name))
    expect(uses.map((b) => (b as { input: unknown }).input)).toEqual([{ q: "v0" }, { q: "v1" }, { q: "v2" }, { q: "v3" }])
  })

  it("maps names back exactly in a stream", async () => {
    const t = GeminiFormat.translate(request({ stream: true }), ctx)
    const frames = sentNames(request()).map((name, i, all) => ({
      candidates: [{ content: { role: "model", parts: [{ functionCall: { name, args: { q: `v${i}` } } }] }, ...(i === all.length - 1 ? { finishReason: "STOP" } : {}) }]
    }))
    const { text } = await runStream([encoder.encode(geminiSse(frames))], t.streamResponse())
    const checked = checkAnthropicStream(text)
    expect(checked.end).toBe("message_stop")
    const starts = checked.frames.flatMap((f) => {
      const d = f.data as { type: string; content_block?: { type: string; name?: string } }
      return d.type === "content_block_start" && d.content_block?.type === "tool_use" ? [d.content_block.name] : []
    })
    expect(starts).toEqual(tools.map((x) => x.name))
  })

  it("uses the same names in history (functionCall, functionResponse) and in tool_choice", () => {
    const history: Array<ContentBlock> = [{ type: "tool_use", id: "t1", name: LONG, input: { q: "a" } }, { type: "tool_use", id: "t2", name: DIGIT, input: { q: "b" } }]
    const out = toGeminiRequest(
      request({
        tool_choice: { type: "tool", name: DIGIT },
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: history },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }, { type: "tool_result", tool_use_id: "t2", content: "ok" }] }
        ]
      }),
      ctx
    )
    const declared = out.tools?.[0]?.functionDeclarations?.map((d) => d.name) ?? []
    expect(out.contents[1]?.parts.map((p) => p.functionCall?.name)).toEqual(declared.slice(0, 2))
    expect(out.contents[2]?.parts.map((p) => p.functionResponse?.name)).toEqual(declared.slice(0, 2))
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: [declared[1]] } })
  })
})
