import Anthropic from "@anthropic-ai/sdk"
import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { inject } from "vitest"
import { anthropicMessage, messagesBody, post, putConfig, scenario, sdkClient, type Step, TOKEN } from "./helpers.js"


const bash = { name: "Bash", input_schema: { type: "object" as const, properties: { command: { type: "string" } } } }

describe("a conversation that moves between providers", () => {
  it("an OpenAI-served turn with reasoning, then an Anthropic-served turn, is accepted", async () => {
    const fake = inject("fakeUrl")
    const strictCalls = () => fetch(`${fake}/__calls/strict`).then((r) => r.json() as Promise<Array<{ body: string }>>)
    const before = (await strictCalls()).length
    const chunk = (delta: unknown, finish: string | null = null) => ({ data: `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "r1", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n` })
    const openai = await scenario([{
      chunks: [
        chunk({ role: "assistant", reasoning_content: "I should list the files." }),
        chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "Bash", arguments: "{\"command\":\"ls\"}" } }] }),
        chunk({}, "tool_calls"),
        { data: "data: [DONE]\n\n" }
      ]
    }])
    const overloaded: Step = { status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }
    const flaky = await scenario([overloaded])
    // Turn 1: Anthropic (strict) is skipped; OpenAI answers with reasoning and a tool call.
    await putConfig({
      providers: [
        { name: "anthropic", format: "anthropic", baseUrl: flaky.baseUrl, retries: 0 },
        { name: "deepseek", format: "openai", baseUrl: openai.baseUrl, apiKey: "sk-deepseek-secret-1" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const first = await sdkClient().messages.stream({ model: "claude-sonnet-4-5", max_tokens: 2000, tools: [bash], messages: [{ role: "user", content: "list files" }] }).finalMessage()
    expect(first.content.map((b) => b.type)).toEqual(["thinking", "tool_use"])

    // Turn 2: Anthropic is back (a strict fake that refuses unsigned thinking like the real API).
    await putConfig({
      providers: [{ name: "anthropic", format: "anthropic", baseUrl: `${fake}/strict`, retries: 0 }],
      accessTokens: [{ token: TOKEN }]
    })
    const tool = first.content[1] as Anthropic.ToolUseBlock
    const second = await sdkClient().messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 2000,
      tools: [bash],
      messages: [
        { role: "user", content: "list files" },
        { role: "assistant", content: first.content as Array<Anthropic.ContentBlockParam> },
        { role: "user", content: [{ type: "tool_result", tool_use_id: tool.id, content: "a.txt" }] }
      ]
    })
    expect(second.stop_reason).toBe("end_turn")
    const calls = (await strictCalls()).slice(before)
    expect(calls).toHaveLength(1) // prevented up front, not repaired after a 400
    expect(calls[0]!.body).not.toContain("\"thinking\"")
    expect(calls[0]!.body).toContain("tool_use")
  })

  it("repairs the history once after Anthropic's 400 about a signature", async () => {
    const up = await scenario([
      { status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" } } },
      { json: anthropicMessage("repaired") }
    ])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    const history = messagesBody({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "EqBadSig" }, { type: "tool_use", id: "toolu_1", name: "Bash", input: {} }] },
        { role: "user", content: "go on" }
      ]
    })
    const r = await post("/v1/messages", history)
    expect(r.status).toBe(200)
    const calls = await up.calls()
    expect(calls).toHaveLength(2)
    const repaired = JSON.parse(calls[1]!.body) as { messages: Array<{ role: string; content: Array<{ type: string; is_error?: boolean }> }> }
    expect(JSON.stringify(repaired)).not.toContain("\"thinking\"")
    expect(repaired.messages[2]!.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_1", is_error: true })
  })

  it("does not retry a 400 that is not about the history", async () => {
    const up = await scenario([{ status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: must be positive" } } }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    const r = await post("/v1/messages", messagesBody())
    expect(r.status).toBe(400)
    expect(((await r.json()) as { error: { message: string } }).error.message).toBe("max_tokens: must be positive")
    expect(await up.calls()).toHaveLength(1)
  })

  it("with stripBillingCch on, removes only the volatile cch= for a third-party provider", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "compat", format: "anthropic", baseUrl: up.baseUrl }], settings: { stripBillingCch: true } })
    const raw = `{"model":"claude-opus-5-5","max_tokens":10,"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.330.034; cc_entrypoint=sdk-cli; cch=9f3a1;"},{"type":"text","text":"You are Claude."}],"messages":[{"role":"user","content":"h\\u00e9"}]}`
    await post("/v1/messages", raw)
    const [call] = await up.calls()
    // Removed in place: the rest of that string moves left and the gap after it becomes spaces
    // (JSON ignores them), so no other byte moves.
    const cut = " cch=9f3a1;"
    expect(call!.body).toBe(raw.replace(`${cut}"`, `"${" ".repeat(cut.length)}`))
    expect(JSON.parse(call!.body)).toEqual(JSON.parse(raw.replace(cut, "")))
  })

  it("keeps the cch= by default", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    const raw = `{"model":"m","max_tokens":10,"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=1; cch=abc;"}],"messages":[{"role":"user","content":"x"}]}`
    await post("/v1/messages", raw)
    expect((await up.calls())[0]!.body).toBe(raw)
  })

  it("applies a provider's anthropic-beta policy and clamps max_tokens", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({
      providers: [{
        name: "compat",
        format: "anthropic",
        baseUrl: up.baseUrl,
        apiKey: "sk-compat-secret-001",
        maxTokens: 8192,
        betas: { strip: ["context-management-2025-06-27"], rename: { "interleaved-thinking-2025-05-14": "interleaved-thinking" } }
      }],
      accessTokens: [{ token: TOKEN }]
    })
    await post("/v1/messages", messagesBody({ max_tokens: 64000, thinking: { type: "enabled", budget_tokens: 32000 } }), {
      "x-failover-token": TOKEN,
      "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27"
    })
    const [call] = await up.calls()
    expect(call!.headers["anthropic-beta"]).toBe("claude-code-20250219,interleaved-thinking")
    const sent = JSON.parse(call!.body) as { max_tokens: number; thinking: { budget_tokens: number } }
    expect(sent.max_tokens).toBe(8192)
    expect(sent.thinking.budget_tokens).toBe(8191)
  })
})

describe("count_tokens and models without an Anthropic upstream", () => {
  it("estimates count_tokens when no Anthropic-format provider can answer", async () => {
    const up = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl, retries: 0 }] })
    const r = await post("/v1/messages/count_tokens", messagesBody({ system: "x".repeat(4000) }))
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("local")
    const { input_tokens } = (await r.json()) as { input_tokens: number }
    expect(input_tokens).toBeGreaterThan(1000)
    expect(input_tokens).toBeLessThan(1100)
  })

  it("passes count_tokens through when Anthropic answers", async () => {
    const up = await scenario([{ json: { input_tokens: 7 } }])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }] })
    expect(await (await post("/v1/messages/count_tokens", messagesBody())).json()).toEqual({ input_tokens: 7 })
  })

  it("answers GET /v1/models with the configured model names when only keyed providers exist", async () => {
    const up = await scenario([{ json: anthropicMessage() }])
    await putConfig({
      providers: [{ name: "or", format: "openai", baseUrl: up.baseUrl, apiKey: "sk-or-secret-00001", models: { "claude-sonnet-4-5": "a", "claude-opus-*": "b" } }],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await SELF.fetch(`http://proxy/t/${TOKEN}/v1/models?limit=1000`)
    expect(r.status).toBe(200)
    const body = (await r.json()) as { data: Array<{ id: string; type: string }> }
    expect(body.data).toEqual([{ type: "model", id: "claude-sonnet-4-5", display_name: "claude-sonnet-4-5", created_at: "1970-01-01T00:00:00Z" }])
    expect(await up.calls()).toHaveLength(0)
  })
})
