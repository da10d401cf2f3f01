import Anthropic from "@anthropic-ai/sdk"
import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import fixture from "../fixtures/claude-code-request.json"
import { putConfig, scenario, sdkClient, type Step, TOKEN } from "./helpers.js"

const chunk = (delta: unknown, finish: string | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-x",
  choices: [{ index: 0, delta, finish_reason: finish }]
})

const openAiToolStream: Step = {
  chunks: [
    chunk({ role: "assistant", content: "" }),
    chunk({ content: "Let me check." }),
    chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "Bash", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"command\":\"ls" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: " -la\"}" } }] }),
    chunk({}, "tool_calls"),
    { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-x", choices: [], usage: { prompt_tokens: 1000, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 400 } } }
  ].map((c) => ({ data: `data: ${JSON.stringify(c)}\n\n` })).concat([{ data: "data: [DONE]\n\n" }])
}

const chainWithOpenAi = async (openAiSteps: Array<Step>) => {
  const primary = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }])
  const openai = await scenario(openAiSteps)
  await putConfig({
    providers: [
      { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
      { name: "openrouter", format: "openai", baseUrl: openai.baseUrl, apiKey: "sk-or-stored-0001", models: { "*": "vendor/big-model" }, maxTokens: 8192 }
    ],
    accessTokens: [{ token: TOKEN }]
  })
  return { primary, openai }
}

describe("openai-format fallback", () => {
  it("serves a real Claude Code request through the SDK's stream helper, tool call included", async () => {
    const { openai } = await chainWithOpenAi([openAiToolStream])
    // Other files count tokens for a provider of this name too: this test checks what it adds.
    const countedNow = async () =>
      ((await (await SELF.fetch("http://proxy/admin/api/usage", { headers: { authorization: "Bearer test-admin-token" } })).json()) as {
        providers: Record<string, { inputTokens: number; outputTokens: number }>
      }).providers["openrouter"] ?? { inputTokens: 0, outputTokens: 0 }
    const before = await countedNow()
    const stream = sdkClient().messages.stream(fixture as unknown as Anthropic.MessageStreamParams)
    const message = await stream.finalMessage()
    expect(message.stop_reason).toBe("tool_use")
    expect(message.content.map((b) => b.type)).toEqual(["text", "tool_use"])
    const tool = message.content[1] as Anthropic.ToolUseBlock
    expect(tool.name).toBe("Bash")
    expect(tool.input).toEqual({ command: "ls -la" })
    expect(message.usage.input_tokens).toBe(600)
    expect(message.usage.cache_read_input_tokens).toBe(400)
    expect(message.usage.output_tokens).toBe(30)

    // The answer's token usage is counted for the provider (read from the stream's head and tail).
    // (Counted when the stream's end has gone through: polled, the machine may be busy.)
    const added = async () => {
      const now = await countedNow()
      return { inputTokens: now.inputTokens - before.inputTokens, outputTokens: now.outputTokens - before.outputTokens }
    }
    for (let i = 0; i < 40 && (await added()).outputTokens !== 30; i++) await new Promise((r) => setTimeout(r, 50))
    expect(await added()).toEqual({ inputTokens: 1000, outputTokens: 30 })

    const [call] = await openai.calls()
    expect(call!.path).toBe("/chat/completions")
    expect(call!.headers["authorization"]).toBe("Bearer sk-or-stored-0001")
    expect(call!.headers["x-api-key"]).toBeUndefined()
    const sent = JSON.parse(call!.body) as Record<string, unknown> & { messages: Array<{ role: string }>; tools: Array<unknown> }
    expect(sent.model).toBe("vendor/big-model")
    expect(sent.max_tokens).toBe(8192)
    expect(sent.stream).toBe(true)
    expect(sent.stream_options).toEqual({ include_usage: true })
    expect(sent.tools).toHaveLength(fixture.tools.length)
    expect(sent.messages[0]!.role).toBe("system")
    for (const dropped of ["thinking", "metadata", "context_management", "output_config", "system"]) expect(sent).not.toHaveProperty(dropped)
  })

  it("serves a non-streaming request", async () => {
    await chainWithOpenAi([{
      json: {
        id: "chatcmpl-2",
        object: "chat.completion",
        model: "gpt-x",
        choices: [{ index: 0, message: { role: "assistant", content: "Hi there" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 2 }
      }
    }])
    const message = await sdkClient().messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
    expect(message.content).toEqual([{ type: "text", text: "Hi there" }])
    expect(message.stop_reason).toBe("end_turn")
    expect(message.model).toBe("claude-sonnet-4-5")
  })

  it("fails over from an OpenAI 429 and maps an OpenAI 400 to an Anthropic error", async () => {
    await chainWithOpenAi([{ status: 400, json: { error: { message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion).", type: "invalid_request_error", code: "context_length_exceeded" } } }])
    const r = await SELF.fetch(`http://proxy/t/${TOKEN}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k" },
      body: JSON.stringify({ model: "m", max_tokens: 1000, messages: [{ role: "user", content: "x" }] })
    })
    expect(r.status).toBe(400)
    expect(r.headers.get("x-failover-provider")).toBe("openrouter")
    const body = (await r.json()) as { type: string; error: { type: string; message: string } }
    expect(body.error.type).toBe("invalid_request_error")
    expect(body.error.message).toMatch(/input length and `max_tokens` exceed context limit: 8000 \+ 1000 > 8192/)
  })

  it("answers garbage from a 200 upstream as a failure, never as a 200 with garbage", async () => {
    await chainWithOpenAi([{ status: 200, headers: { "content-type": "application/json" }, body: "<html>oops</html>" }])
    const r = await SELF.fetch(`http://proxy/t/${TOKEN}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
    })
    expect(r.status).toBe(502)
    expect(((await r.json()) as { type: string }).type).toBe("error")
  })
})
