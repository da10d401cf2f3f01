import { describe, expect, it } from "@effect/vitest"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { SKIP_SIGNATURE, toGeminiRequest } from "../../../src/formats/gemini/request.js"
import fixture from "../../fixtures/claude-code-request.json"

const ctx = (over: Partial<TranslateContext["provider"]> = {}, model = "gemini-2.5-pro"): TranslateContext => ({
  provider: { name: "gemini", baseUrl: "https://generativelanguage.googleapis.com", apiKey: "k", ...over },
  model
})

const req = (over: Partial<MessagesRequest>): MessagesRequest => ({
  model: "claude-opus-4",
  messages: [{ role: "user", content: "hi" }],
  ...over
})

describe("Gemini request: URL and headers", () => {
  it("builds generateContent and the SSE stream URL, not doubling /v1beta or /v1", () => {
    const url = (baseUrl: string, stream = false, model = "gemini-2.5-pro") =>
      GeminiFormat.translate(req({ stream }), ctx({ baseUrl }, model)).url
    expect(url("https://generativelanguage.googleapis.com")).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent"
    )
    expect(url("https://generativelanguage.googleapis.com/", true)).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
    )
    expect(url("https://x.test/v1beta/")).toBe("https://x.test/v1beta/models/gemini-2.5-pro:generateContent")
    expect(url("https://x.test/v1")).toBe("https://x.test/v1/models/gemini-2.5-pro:generateContent")
    expect(url("https://x.test", false, "models/gemini-3-pro")).toBe("https://x.test/v1beta/models/gemini-3-pro:generateContent")
    // A model name from the client stays one path segment of the model API (no other path, no query).
    const hostile = new URL(url("https://x.test", false, "../../v1/files?key=x#"))
    expect(hostile.pathname).toBe("/v1beta/models/..%2F..%2Fv1%2Ffiles%3Fkey%3Dx%23:generateContent")
    expect(hostile.search).toBe("")
    expect(GeminiFormat.translate(req({ stream: true }), ctx()).stream).toBe(true)
    expect(GeminiFormat.translate(req({}), ctx()).stream).toBe(false)
  })

  it("sends the key as x-goog-api-key and lets provider headers override case-insensitively", () => {
    expect(GeminiFormat.translate(req({}), ctx()).headers).toEqual({ "content-type": "application/json", "x-goog-api-key": "k" })
    expect(GeminiFormat.translate(req({}), ctx({ apiKey: undefined })).headers).toEqual({ "content-type": "application/json" })
    const headers = GeminiFormat.translate(req({}), ctx({ headers: { "X-Goog-Api-Key": "other", "x-extra": "1" } })).headers
    expect(headers).toEqual({ "content-type": "application/json", "X-Goog-Api-Key": "other", "x-extra": "1" })
  })
})

describe("Gemini request: contents", () => {
  it("puts system and mid-conversation system messages into systemInstruction, in order", () => {
    const out = toGeminiRequest(
      req({
        system: [
          { type: "text", text: "x-anthropic-billing-header: cc_version=1; cch=abc;" },
          { type: "text", text: "You are Claude.", cache_control: { type: "ephemeral" } }
        ],
        messages: [
          { role: "user", content: "a" },
          { role: "system", content: "env info" },
          { role: "user", content: [{ type: "text", text: "b" }] },
          { role: "system", content: [{ type: "text", text: "more" }] }
        ]
      }),
      ctx()
    )
    expect(out.systemInstruction).toEqual({ parts: [{ text: "You are Claude." }, { text: "env info" }, { text: "more" }] })
    // The system message between two user messages leaves one merged user content.
    expect(out.contents).toEqual([{ role: "user", parts: [{ text: "a" }, { text: "b" }] }])
    expect(toGeminiRequest(req({ system: "plain" }), ctx()).systemInstruction).toEqual({ parts: [{ text: "plain" }] })
  })

  it("maps text, images, documents, tool calls and results (names looked up by tool_use_id)", () => {
    const out = toGeminiRequest(
      req({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "look", cache_control: { type: "ephemeral" } },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "AAA" } },
              { type: "image", source: { type: "url", url: "https://x.test/a.JPG?v=1" } },
              { type: "image", source: { type: "url", url: "https://x.test/noext" } },
              { type: "document", source: { type: "text", media_type: "text/plain", data: "doc body" }, title: "T" },
              { type: "document", source: { type: "base64", media_type: "application/pdf", data: "PDF" } }
            ]
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "anthropic thought", signature: "EqQBanthropic" },
              { type: "redacted_thinking", data: "xyz" },
              { type: "text", text: "calling" },
              { type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/a" } },
              { type: "tool_use", id: "toolu_2", name: "Bash", input: { command: "ls" } }
            ]
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_1", content: "file text" },
              {
                type: "tool_result",
                tool_use_id: "toolu_2",
                is_error: true,
                content: [
                  { type: "text", text: "boom" },
                  { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "IMG" } }
                ]
              },
              { type: "text", text: "go on" }
            ]
          },
          { role: "assistant", content: "done" }
        ]
      }),
      ctx()
    )
    expect(out.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "look" },
          { inlineData: { mimeType: "image/png", data: "AAA" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://x.test/a.JPG?v=1" } },
          { text: "[image: https://x.test/noext]" },
          { text: "T\n\ndoc body" },
          { inlineData: { mimeType: "application/pdf", data: "PDF" } }
        ]
      },
      {
        role: "model",
        parts: [
          { text: "calling" },
          { functionCall: { name: "Read", args: { file_path: "/a" } } },
          { functionCall: { name: "Bash", args: { command: "ls" } } }
        ]
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "Read", response: { content: "file text" } } },
          { functionResponse: { name: "Bash", response: { error: "boom" } } },
          { inlineData: { mimeType: "image/jpeg", data: "IMG" } },
          { text: "go on" }
        ]
      },
      { role: "model", parts: [{ text: "done" }] }
    ])
  })

  it("gives Gemini 3 steps without a carried signature Google's stand-in, not older models", () => {
    const messages: MessagesRequest["messages"] = [
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "t1", name: "A", input: {} },
          { type: "tool_use", id: "t2", name: "B", input: {} }
        ]
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "1" },
          { type: "tool_result", tool_use_id: "t2", content: "2" }
        ]
      }
    ]
    const g3 = toGeminiRequest(req({ messages }), ctx({}, "gemini-3-pro-preview")).contents[1]?.parts
    expect(g3?.map((p) => p.thoughtSignature)).toEqual([SKIP_SIGNATURE, undefined])
    const g25 = toGeminiRequest(req({ messages }), ctx({}, "gemini-2.5-flash")).contents[1]?.parts
    expect(g25?.map((p) => p.thoughtSignature)).toEqual([undefined, undefined])
  })

  it("hands a Gemini thinking block's signature to the part after it, or to the last part", () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: "user", content: "hi" },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "plan", signature: foreignSignature("gemini", "") },
              { type: "thinking", thinking: "", signature: foreignSignature("gemini", "SIG_CALL") },
              { type: "tool_use", id: "t1", name: "A", input: { x: 1 } },
              { type: "tool_use", id: "t2", name: "B", input: {} },
              { type: "thinking", thinking: "", signature: foreignSignature("openai", "nope") }
            ]
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "t1", content: "1" },
              { type: "tool_result", tool_use_id: "t2", content: "2" }
            ]
          },
          {
            role: "assistant",
            content: [
              { type: "text", text: "answer" },
              { type: "thinking", thinking: "", signature: foreignSignature("gemini", "SIG_TEXT") }
            ]
          }
        ]
      }),
      ctx({}, "gemini-3-pro-preview")
    )
    expect(out.contents[1]).toEqual({
      role: "model",
      parts: [
        { functionCall: { name: "A", args: { x: 1 } }, thoughtSignature: "SIG_CALL" },
        { functionCall: { name: "B", args: {} } }
      ]
    })
    expect(out.contents[3]).toEqual({ role: "model", parts: [{ text: "answer", thoughtSignature: "SIG_TEXT" }] })
  })
})

describe("Gemini request: tools and generation config", () => {
  it("declares function tools with scrubbed schemas, drops server tools, maps tool_choice", () => {
    const tools: MessagesRequest["tools"] = [
      {
        name: "Read",
        description: "read",
        input_schema: { $schema: "x", type: "object", properties: { p: { type: "string" } }, additionalProperties: false }
      },
      { name: "Now", description: "no args", input_schema: { type: "object", properties: {} } },
      { name: "web_search", type: "web_search_20250305" }
    ]
    const out = toGeminiRequest(req({ tools, tool_choice: { type: "auto" } }), ctx())
    expect(out.tools).toEqual([
      {
        functionDeclarations: [
          { name: "Read", description: "read", parameters: { type: "object", properties: { p: { type: "string" } } } },
          { name: "Now", description: "no args" }
        ]
      }
    ])
    const mode = (tool_choice: NonNullable<MessagesRequest["tool_choice"]>) =>
      toGeminiRequest(req({ tools, tool_choice }), ctx()).toolConfig
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } })
    expect(mode({ type: "any" })).toEqual({ functionCallingConfig: { mode: "ANY" } })
    expect(mode({ type: "tool", name: "Read" })).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["Read"] } })
    expect(mode({ type: "none" })).toEqual({ functionCallingConfig: { mode: "NONE" } })
    // Alone, web search is Google Search grounding (search.test.ts); other server tools are never sent.
    expect(toGeminiRequest(req({ tools: [{ name: "s", type: "web_search_20250305" }] }), ctx()).tools).toEqual([{ google_search: {} }])
    expect(toGeminiRequest(req({ tools: [{ name: "c", type: "code_execution_20250825" }] }), ctx()).tools).toBeUndefined()
  })

  it("maps sampling, clamps max_tokens, maps thinking, drops the rest", () => {
    const out = toGeminiRequest(
      req({
        max_tokens: 64000,
        stop_sequences: ["a", "b", "c", "d", "e", "f"],
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        thinking: { type: "enabled", budget_tokens: 50000 },
        metadata: { user_id: "u" },
        context_management: { edits: [] },
        output_config: { effort: "high" }
      }),
      ctx({ maxTokens: 32000 })
    )
    expect(out.generationConfig).toEqual({
      maxOutputTokens: 32000,
      stopSequences: ["a", "b", "c", "d", "e"],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      thinkingConfig: { thinkingBudget: 31999, includeThoughts: true }
    })
    expect(Object.keys(out).sort()).toEqual(["contents", "generationConfig"])
    expect(toGeminiRequest(req({ max_tokens: 1000, thinking: { type: "adaptive" } }), ctx()).generationConfig).toEqual({
      maxOutputTokens: 1000,
      thinkingConfig: { includeThoughts: true }
    })
    // Without max_tokens the model's own limit is sent (the catalogue's, for gemini-*).
    expect(toGeminiRequest(req({}), ctx()).generationConfig).toEqual({ maxOutputTokens: 65536 })
    // Models that reject thinkingConfig do not get one.
    const adaptive = req({ max_tokens: 10, thinking: { type: "adaptive" } })
    expect(toGeminiRequest(adaptive, ctx({}, "gemini-2.0-flash")).generationConfig).toEqual({ maxOutputTokens: 10 })
    expect(toGeminiRequest(adaptive, ctx({}, "gemini-3-flash-preview")).generationConfig).toEqual({
      maxOutputTokens: 10,
      thinkingConfig: { includeThoughts: true }
    })
  })

  it("translates the real Claude Code request", () => {
    const t = GeminiFormat.translate(fixture as unknown as MessagesRequest, ctx({ maxTokens: 65536 }))
    const body = JSON.parse(t.body) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(["contents", "generationConfig", "systemInstruction", "tools"])
    expect(t.url).toMatch(/:streamGenerateContent\?alt=sse$/)
    expect(body["generationConfig"]).toEqual({ maxOutputTokens: 65536, thinkingConfig: { includeThoughts: true } })
    const contents = body["contents"] as Array<{ role: string; parts: Array<Record<string, unknown>> }>
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    const call = (fixture.messages[2]?.content as Array<{ type: string; name?: string }>).find((b) => b.type === "tool_use")
    expect(contents[1]?.parts.at(-1)).toMatchObject({ functionCall: { name: call?.name } })
    expect(contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: call?.name } })
    const names = (body["tools"] as Array<{ functionDeclarations: Array<{ name: string }> }>)[0]?.functionDeclarations.map((d) => d.name)
    expect(names).toEqual(fixture.tools.map((t) => t.name))
    expect(t.body).not.toMatch(/cache_control|\$schema|additionalProperties|x-anthropic-billing-header/)
  })
})
