import { describe, expect, it } from "@effect/vitest"
import type { ContentBlock, MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { SKIP_SIGNATURE } from "../../../src/formats/gemini/request.js"
import type { GeminiRequest } from "../../../src/formats/gemini/wire.js"
import { sdkReading } from "../sdkClient.js"
import { geminiSse } from "./helpers.js"

const ctx: TranslateContext = { provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model: "gemini-3-pro-preview" }

/** A Gemini 3 step: a thought summary, text, then parallel calls where only the first is signed. */
const PARTS = [
  { text: "I should read both files.", thought: true },
  { text: "Reading." },
  { functionCall: { name: "Read", args: { file_path: "/a" } }, thoughtSignature: "CiQB0e2Kb+sig/one==" },
  { functionCall: { name: "Read", args: { file_path: "/b" } } }
]
const RESPONSE = {
  candidates: [{ content: { role: "model", parts: PARTS }, finishReason: "STOP" }],
  usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5 }
}

const first: MessagesRequest = { model: "claude-opus-4", max_tokens: 1000, messages: [{ role: "user", content: "read a and b" }] }

/** The next turn as Claude Code sends it: the assistant content echoed verbatim, then the results. */
const nextTurn = (content: ReadonlyArray<ContentBlock>): GeminiRequest => {
  const echoed = JSON.parse(JSON.stringify(content)) as Array<ContentBlock>
  const ids = echoed.flatMap((b) => (b.type === "tool_use" ? [b.id] : []))
  const request: MessagesRequest = {
    ...first,
    messages: [
      ...first.messages,
      { role: "assistant", content: echoed },
      { role: "user", content: ids.map((id) => ({ type: "tool_result" as const, tool_use_id: id, content: `result ${id}` })) }
    ]
  }
  return JSON.parse(GeminiFormat.translate(request, ctx).body) as GeminiRequest
}

const expectSignatureBack = (body: GeminiRequest): void => {
  expect(body.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
  expect(body.contents[1]?.parts).toEqual([
    { text: "Reading." },
    { functionCall: { name: "Read", args: { file_path: "/a" } }, thoughtSignature: "CiQB0e2Kb+sig/one==" },
    { functionCall: { name: "Read", args: { file_path: "/b" } } }
  ])
  expect(JSON.stringify(body)).not.toContain(SKIP_SIGNATURE)
  expect(JSON.stringify(body)).not.toContain("I should read both files.")
  expect(body.contents[2]?.parts.map((p) => p.functionResponse?.name)).toEqual(["Read", "Read"])
}

describe("thoughtSignature round trip", () => {
  it("comes back on the same functionCall part after a non-streaming answer", () => {
    const message = GeminiFormat.translate(first, ctx).response(RESPONSE)
    expect(message.stop_reason).toBe("tool_use")
    expectSignatureBack(nextTurn(message.content))
  })

  it("comes back on the same functionCall part after a streamed answer read by the SDK", async () => {
    const t = GeminiFormat.translate({ ...first, stream: true }, ctx)
    const frames = PARTS.map((part, i) => ({
      candidates: [{ content: { role: "model", parts: [part] }, ...(i === PARTS.length - 1 ? { finishReason: "STOP" } : {}) }]
    }))
    const upstream = new Response(geminiSse(frames)).body
    if (upstream === null) throw new Error("no body")
    const final = await sdkReading(upstream, t).messages.stream({ model: "claude-opus-4", max_tokens: 1000, messages: [] }).finalMessage()
    expectSignatureBack(nextTurn(final.content as unknown as ReadonlyArray<ContentBlock>))
  })

  it("falls back to Google's stand-in when the thinking blocks were lost", () => {
    const message = GeminiFormat.translate(first, ctx).response(RESPONSE)
    const body = nextTurn(message.content.filter((b) => b.type !== "thinking"))
    expect(body.contents[1]?.parts[1]?.thoughtSignature).toBe(SKIP_SIGNATURE)
    expect(body.contents[1]?.parts[2]?.thoughtSignature).toBeUndefined()
  })
})
