import { describe, expect, it } from "vitest"
import { checkAnthropicStream } from "../unit/AnthropicGrammar.js"
import { messagesBody, post, putConfig, scenario, TOKEN } from "./helpers.js"

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "x", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

describe("load", () => {
  it("40 concurrent streams through a translated fallback all complete with valid grammar", async () => {
    const words = Array.from({ length: 60 }, (_, i) => ({ data: chunk({ content: `word${i} ` }), delayMs: i % 10 === 0 ? 5 : 0 }))
    const stream = [
      { data: chunk({ role: "assistant", content: "" }) },
      ...words,
      { data: chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "Bash", arguments: "{\"command\":" } }] }) },
      { data: chunk({ tool_calls: [{ index: 0, function: { arguments: "\"ls\"}" } }] }) },
      { data: chunk({}, "tool_calls") },
      { data: `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "x", choices: [], usage: { prompt_tokens: 10, completion_tokens: 70 } })}\n\n` },
      { data: "data: [DONE]\n\n" }
    ]
    const primary = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }])
    const openai = await scenario([{ chunks: stream }])
    await putConfig({
      providers: [
        { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
        { name: "openai", format: "openai", baseUrl: openai.baseUrl, apiKey: "sk-openai-secret-01" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const results = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const r = await post("/v1/messages", messagesBody({ stream: true }), { "x-failover-token": TOKEN })
        return { status: r.status, provider: r.headers.get("x-failover-provider"), text: await r.text() }
      })
    )
    for (const r of results) {
      expect(r.status).toBe(200)
      expect(r.provider).toBe("openai")
      const checked = checkAnthropicStream(r.text)
      expect(checked.end).toBe("message_stop")
      expect(checked.message?.stop_reason).toBe("tool_use")
      expect(checked.message?.content.map((b) => b.type)).toEqual(["text", "tool_use"])
    }
    expect(await openai.calls()).toHaveLength(40)
  })
})
