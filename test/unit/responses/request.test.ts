import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import type { ResponseCreateParamsNonStreaming, ResponseCreateParamsStreaming } from "openai/resources/responses/responses"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import { shortToolName } from "../../../src/formats/openai/toolNames.js"
import { providerTag, reasoningSignature } from "../../../src/formats/responses/reasoning.js"
import { toResponsesRequest } from "../../../src/formats/responses/request.js"
import { baseRequest, body, ctx, translate } from "./helpers.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest

/** The request as the `openai` package types it: a shape it does not accept fails `tsc`. */
const typed = (request: MessagesRequest, c = ctx()): ResponseCreateParamsStreaming | ResponseCreateParamsNonStreaming => {
  const { body: b } = toResponsesRequest(request, c)
  if (b.stream === true) {
    const streaming: ResponseCreateParamsStreaming = { ...b, stream: true }
    return streaming
  }
  const { stream: _, ...rest } = b
  const plain: ResponseCreateParamsNonStreaming = rest
  return plain
}

describe("Anthropic request -> Responses API request", () => {
  it("posts to {baseUrl}/responses with the stored key, stateless", () => {
    const t = translate(baseRequest(), ctx({ baseUrl: "https://api.openai.com/v1/" }))
    expect(t.url).toBe("https://api.openai.com/v1/responses")
    expect(t.headers["authorization"]).toBe("Bearer sk-test")
    expect(body(t)["store"]).toBe(false)
    expect(body(t)["model"]).toBe("gpt-test")
  })

  it("translates the real Claude Code request: instructions, tools with strict false, cache key, no billing header", () => {
    const b = typed(fixture)
    expect(b.instructions).toBeTypeOf("string")
    expect(b.instructions).not.toContain("x-anthropic-billing-header")
    expect(b.store).toBe(false)
    expect(b.stream).toBe(true)
    expect(b.tools!.length).toBeGreaterThan(5)
    for (const tool of b.tools!) expect(tool).toMatchObject({ type: "function", strict: false })
    expect(b.prompt_cache_key!.length).toBeLessThanOrEqual(64)
    expect(b.max_output_tokens).toBeGreaterThanOrEqual(16)
    const raw = JSON.stringify(b)
    expect(raw).not.toContain("cache_control")
  })

  it("turns text, images (data URL and URL) and PDFs into input items", () => {
    const b = typed(baseRequest({
      messages: [{
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
          { type: "image", source: { type: "url", url: "https://x/y.png" } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" }, title: "spec" },
          { type: "document", source: { type: "url", url: "https://x/doc.pdf" } }
        ]
      }]
    }))
    expect(b.input).toEqual([{
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "look" },
        { type: "input_image", image_url: "data:image/png;base64,iVBOR", detail: "auto" },
        { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
        { type: "input_text", text: "Document: spec\n" },
        { type: "input_file", filename: "spec.pdf", file_data: "data:application/pdf;base64,JVBER" },
        { type: "input_file", file_url: "https://x/doc.pdf" }
      ]
    }])
  })

  it("tool_use -> function_call with call_id and no id; tool_result -> function_call_output, errors said in the text", () => {
    const b = typed(baseRequest({
      messages: [
        { role: "user", content: "run it" },
        { role: "assistant", content: [{ type: "text", text: "Running." }, { type: "tool_use", id: "toolu_01", name: "Bash", input: { command: "ls" } }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: "boom", is_error: true },
            { type: "text", text: "and?" }
          ]
        }
      ]
    }))
    expect(b.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "run it" }] },
      { type: "message", role: "assistant", content: "Running." },
      { type: "function_call", call_id: "toolu_01", name: "Bash", arguments: "{\"command\":\"ls\"}" },
      { type: "function_call_output", call_id: "toolu_01", output: "Error: boom" },
      { type: "message", role: "user", content: [{ type: "input_text", text: "and?" }] }
    ])
  })

  it("sends a tool result's images as parts", () => {
    const b = typed(baseRequest({
      messages: [{
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "t1",
          content: [{ type: "text", text: "screenshot" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAA" } }]
        }]
      }]
    }))
    expect(b.input).toEqual([{
      type: "function_call_output",
      call_id: "t1",
      output: [{ type: "input_text", text: "screenshot" }, { type: "input_image", image_url: "data:image/png;base64,AAA", detail: "auto" }]
    }])
  })

  it("shortens tool names and call ids over 64 characters, the same way every turn", () => {
    const longName = `mcp__${"a".repeat(70)}__tool`
    const longId = `toolu_${"x".repeat(80)}`
    const request = baseRequest({
      tools: [{ name: longName, input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: longName },
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: longId, name: longName, input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: longId, content: "ok" }] }
      ]
    })
    const b = typed(request)
    const call = b.input as unknown as Array<Record<string, unknown>>
    expect(call[1]).toMatchObject({ type: "function_call", name: shortToolName(longName), call_id: shortToolName(longId) })
    expect(call[2]).toMatchObject({ type: "function_call_output", call_id: shortToolName(longId) })
    expect((call[1]!["call_id"] as string).length).toBeLessThanOrEqual(64)
    expect(b.tools![0]).toMatchObject({ name: shortToolName(longName) })
    expect(b.tool_choice).toEqual({ type: "function", name: shortToolName(longName) })
    expect(typed(request)).toEqual(b)
  })

  it("maps tool_choice and disable_parallel_tool_use", () => {
    const tools = [{ name: "Bash", input_schema: { type: "object" } }, { name: "web_fetch", type: "web_fetch_20250910" }]
    expect(typed(baseRequest({ tools, tool_choice: { type: "auto" } })).tool_choice).toBe("auto")
    expect(typed(baseRequest({ tools, tool_choice: { type: "none" } })).tool_choice).toBe("none")
    const any = typed(baseRequest({ tools, tool_choice: { type: "any", disable_parallel_tool_use: true } }))
    expect(any.tool_choice).toBe("required")
    expect(any.parallel_tool_calls).toBe(false)
    // server tools other than web search (websearch.test.ts) cannot run here
    expect(any.tools).toHaveLength(1)
  })

  it("max_tokens -> max_output_tokens: at least 16, clamped by the provider's maxTokens", () => {
    expect(typed(baseRequest({ max_tokens: 1 })).max_output_tokens).toBe(16)
    expect(typed(baseRequest({ max_tokens: 64000 }), ctx({ maxTokens: 8192 })).max_output_tokens).toBe(8192)
    expect(typed(baseRequest({ max_tokens: 500 })).max_output_tokens).toBe(500)
  })

  it("thinking and effort -> reasoning.effort with encrypted content; summaries only when the provider asks; no temperature with reasoning", () => {
    const budget = typed(baseRequest({ thinking: { type: "enabled", budget_tokens: 31999 }, temperature: 1 }))
    expect(budget.reasoning).toEqual({ effort: "high" })
    expect(budget.include).toEqual(["reasoning.encrypted_content"])
    expect(budget.temperature).toBeUndefined()
    expect(typed(baseRequest({ thinking: { type: "enabled", budget_tokens: 2000 } })).reasoning).toEqual({ effort: "low" })
    expect(typed(baseRequest({ thinking: { type: "adaptive" }, output_config: { effort: "medium" } })).reasoning).toEqual({ effort: "medium" })
    expect(typed(baseRequest({ thinking: { type: "adaptive" } }), ctx({ reasoning: { summary: "auto" } })).reasoning).toEqual({ effort: "medium", summary: "auto" })
    const plain = typed(baseRequest({ temperature: 0.2 }))
    expect(plain.reasoning).toBeUndefined()
    expect(plain.include).toBeUndefined()
    expect(plain.temperature).toBe(0.2)
  })

  it("metadata.user_id -> prompt_cache_key (stable, at most 64 characters)", () => {
    const id = `user_${"f".repeat(64)}_account__session_1234`
    const a = typed(baseRequest({ metadata: { user_id: id } })).prompt_cache_key!
    expect(a.length).toBeLessThanOrEqual(64)
    expect(typed(baseRequest({ metadata: { user_id: id } })).prompt_cache_key).toBe(a)
    expect(typed(baseRequest({ metadata: { user_id: "short" } })).prompt_cache_key).toBe("short")
  })

  it("gives this provider's reasoning back in its place, and drops everyone else's thinking", () => {
    const c = ctx()
    const ours = reasoningSignature(providerTag(c.provider), { id: "rs_1", encryptedContent: "ENC" })
    const otherKey = reasoningSignature(providerTag({ ...c.provider, apiKey: "sk-else" }), { id: "rs_2", encryptedContent: "X" })
    const b = typed(baseRequest({
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "mine", signature: ours },
            { type: "thinking", thinking: "other key", signature: otherKey },
            { type: "thinking", thinking: "anthropic", signature: "EqQBCkYIBxgCKkD" },
            { type: "thinking", thinking: "gemini", signature: foreignSignature("gemini", "abc") },
            { type: "redacted_thinking", data: "xyz" },
            { type: "tool_use", id: "call_1", name: "Bash", input: {} }
          ]
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "ok" }] }
      ]
    }), c)
    expect(b.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] },
      { type: "reasoning", id: "rs_1", encrypted_content: "ENC", summary: [] },
      { type: "function_call", call_id: "call_1", name: "Bash", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "ok" }
    ])
  })

  it("drops what the Responses API has no field for (stop sequences, top_k, context_management)", () => {
    const b = body(translate(baseRequest({ stop_sequences: ["END"], top_k: 5, context_management: { edits: [] } })))
    expect(Object.keys(b).sort()).toEqual(["input", "max_output_tokens", "model", "store"])
  })
})
