import Anthropic from "@anthropic-ai/sdk"
import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import fixture from "../fixtures/claude-code-request.json"
import { putConfig, scenario, sdkClient, type Step, TOKEN } from "./helpers.js"

const frame = (payload: unknown) => ({ data: `data: ${JSON.stringify(payload)}\r\n\r\n` })

const geminiToolStream: Step = {
  chunks: [
    frame({ candidates: [{ content: { role: "model", parts: [{ text: "Checking the dir" }] }, index: 0 }] }),
    frame({
      candidates: [{
        content: { role: "model", parts: [{ functionCall: { name: "Bash", args: { command: "ls -la" } }, thoughtSignature: "c2lnbmF0dXJl" }] },
        finishReason: "STOP",
        index: 0
      }],
      usageMetadata: { promptTokenCount: 900, candidatesTokenCount: 25, thoughtsTokenCount: 5, cachedContentTokenCount: 100 }
    })
  ]
}

const chainWithGemini = async (steps: Array<Step>) => {
  const primary = await scenario([{ status: 500, json: { type: "error", error: { type: "api_error", message: "Internal" } } }])
  const gemini = await scenario(steps)
  await putConfig({
    providers: [
      { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
      { name: "gemini", format: "gemini", baseUrl: gemini.baseUrl, apiKey: "AIza-stored-key-0001", models: { "*": "gemini-3-pro" } }
    ],
    accessTokens: [{ token: TOKEN }]
  })
  return { primary, gemini }
}

describe("gemini-format fallback", () => {
  it("serves a real Claude Code request through the SDK's stream helper, tool call included", async () => {
    const { gemini } = await chainWithGemini([geminiToolStream])
    const message = await sdkClient().messages.stream(fixture as unknown as Anthropic.MessageStreamParams).finalMessage()
    expect(message.stop_reason).toBe("tool_use")
    const tool = message.content.find((b) => b.type === "tool_use") as Anthropic.ToolUseBlock
    expect(tool.name).toBe("Bash")
    expect(tool.input).toEqual({ command: "ls -la" })
    expect(message.usage.output_tokens).toBe(30)

    const [call] = await gemini.calls()
    expect(call!.path).toBe("/v1beta/models/gemini-3-pro:streamGenerateContent")
    expect(call!.search).toBe("?alt=sse")
    expect(call!.headers["x-goog-api-key"]).toBe("AIza-stored-key-0001")
    expect(call!.headers["x-api-key"]).toBeUndefined()
    expect(call!.headers["authorization"]).toBeUndefined()
    const sent = JSON.parse(call!.body) as { contents: Array<{ role: string }>; systemInstruction: unknown; tools: Array<{ functionDeclarations: Array<unknown> }> }
    expect(sent.systemInstruction).toBeDefined()
    expect(sent.contents.every((c) => c.role === "user" || c.role === "model")).toBe(true)
    expect(JSON.stringify(sent.tools)).not.toMatch(/"\$schema"|"additionalProperties"/)
  })

  it("returns the thought signature on the next turn's functionCall", async () => {
    const { gemini } = await chainWithGemini([geminiToolStream, { json: { candidates: [{ content: { role: "model", parts: [{ text: "done" }] }, finishReason: "STOP" }] } }])
    const first = await sdkClient().messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 1000,
      tools: [{ name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } }],
      messages: [{ role: "user", content: "list files" }]
    }).finalMessage()
    const tool = first.content.find((b) => b.type === "tool_use") as Anthropic.ToolUseBlock
    const second = await sdkClient().messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 1000,
      tools: [{ name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } }],
      messages: [
        { role: "user", content: "list files" },
        { role: "assistant", content: first.content as Array<Anthropic.ContentBlockParam> },
        { role: "user", content: [{ type: "tool_result", tool_use_id: tool.id, content: "a.txt" }] }
      ]
    })
    expect(second.content).toEqual([{ type: "text", text: "done" }])
    const calls = await gemini.calls()
    const sent = JSON.parse(calls[1]!.body) as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> }
    const callPart = sent.contents.flatMap((c) => c.parts).find((p) => p.functionCall !== undefined)!
    expect(callPart.thoughtSignature).toBe("c2lnbmF0dXJl")
    const responsePart = sent.contents.flatMap((c) => c.parts).find((p) => p.functionResponse !== undefined)!
    expect((responsePart.functionResponse as { name: string }).name).toBe("Bash")
  })

  it("fails over from Gemini 503 UNAVAILABLE like any provider", async () => {
    const primary = await scenario([{ status: 503, json: { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } } }])
    const backup = await scenario([{ json: { id: "msg", type: "message", role: "assistant", model: "m", content: [{ type: "text", text: "ok" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }])
    await putConfig({
      providers: [
        { name: "gemini", format: "gemini", baseUrl: primary.baseUrl, apiKey: "AIza-stored-key-0001", retries: 0 },
        { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-0000000001" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await SELF.fetch(`http://proxy/t/${TOKEN}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
    })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
  })

  it("maps Gemini RESOURCE_EXHAUSTED to a 429 rate_limit_error when it is the last word", async () => {
    await chainWithGemini([{ status: 429, json: { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } } }])
    const r = await SELF.fetch(`http://proxy/t/${TOKEN}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
    })
    expect(r.status).toBe(429)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error")
  })
})
