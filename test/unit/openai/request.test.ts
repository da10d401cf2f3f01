import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { shortToolName } from "../../../src/formats/openai/toolNames.js"
import { baseRequest, body, ctx, translate } from "./helpers.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")

describe("OpenAI request: url, headers, scalars", () => {
  it("builds the url from an SDK-style baseUrl, with or without a trailing slash", () => {
    expect(translate(baseRequest(), ctx({ baseUrl: "https://openrouter.ai/api/v1/" })).url).toBe("https://openrouter.ai/api/v1/chat/completions")
    expect(translate(baseRequest(), ctx({ baseUrl: "https://openrouter.ai/api/v1" })).url).toBe("https://openrouter.ai/api/v1/chat/completions")
  })

  it("sends bearer auth, and provider headers override case-insensitively", () => {
    const t = translate(baseRequest(), ctx({ headers: { Authorization: "Key abc", "HTTP-Referer": "x" } }))
    expect(t.headers).toEqual({ "content-type": "application/json", Authorization: "Key abc", "HTTP-Referer": "x" })
    expect(translate(baseRequest(), ctx({ apiKey: undefined })).headers).toEqual({ "content-type": "application/json" })
    expect(translate(baseRequest()).headers["authorization"]).toBe("Bearer sk-test")
  })

  it("uses ctx.model, copies sampling fields, maps stop_sequences, drops the rest", () => {
    const t = translate(baseRequest({
      temperature: 0.3,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ["a", "b"],
      metadata: { user_id: "u" },
      thinking: { type: "enabled", budget_tokens: 1000 },
      output_config: { effort: "high" },
      context_management: { edits: [] },
      some_future_field: 1
    }), ctx({}, "deepseek-chat"))
    expect(body(t)).toEqual({
      model: "deepseek-chat",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.3,
      top_p: 0.9,
      stop: ["a", "b"],
      max_tokens: 1024
    })
    expect(t.stream).toBe(false)
  })

  it("clamps max_tokens to the provider limit and honours tokenField", () => {
    expect(body(translate(baseRequest({ max_tokens: 128000 }), ctx({ maxTokens: 8192 })))["max_tokens"]).toBe(8192)
    expect(body(translate(baseRequest({ max_tokens: 100 }), ctx({ maxTokens: 8192 })))["max_tokens"]).toBe(100)
    const b = body(translate(baseRequest({ max_tokens: 50000 }), ctx({ maxTokens: 32000, tokenField: "max_completion_tokens" })))
    expect(b["max_completion_tokens"]).toBe(32000)
    expect(b).not.toHaveProperty("max_tokens")
  })

  it("asks for usage when streaming", () => {
    const t = translate(baseRequest({ stream: true }))
    expect(t.stream).toBe(true)
    expect(body(t)).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })
})

describe("OpenAI request: messages", () => {
  it("maps system (string and blocks) and mid-conversation system messages in place", () => {
    const t = translate(baseRequest({
      system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=1; cch=abc;" }, { type: "text", text: "A", cache_control: { type: "ephemeral" } }, { type: "text", text: "B" }],
      messages: [
        { role: "user", content: "u1" },
        { role: "assistant", content: "a1" },
        { role: "system", content: "reminder" },
        { role: "user", content: [{ type: "text", text: "u2" }] }
      ]
    }))
    expect(body(t)["messages"]).toEqual([
      { role: "system", content: "A\n\nB" },
      { role: "user", content: "u1" },
      { role: "assistant", content: "a1" },
      { role: "system", content: "reminder" },
      { role: "user", content: "u2" }
    ])
    expect(body(translate(baseRequest({ system: "S" })))["messages"]).toEqual([{ role: "system", content: "S" }, { role: "user", content: "hi" }])
  })

  it("maps images (base64 and url) to image_url parts and documents to text", () => {
    const t = translate(baseRequest({
      messages: [{
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          { type: "image", source: { type: "url", url: "https://x/y.png" } },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "plain doc" }, title: "T" },
          { type: "document", source: { type: "base64", media_type: "text/plain", data: b64("h\u00e9llo") } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
          { type: "document", source: { type: "content", content: [{ type: "text", text: "inner" }] } }
        ]
      }]
    }))
    const content = (body(t)["messages"] as Array<{ content: Array<Record<string, unknown>> }>)[0]?.content
    expect(content).toEqual([
      { type: "text", text: "look" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      { type: "image_url", image_url: { url: "https://x/y.png" } },
      { type: "text", text: "Document: T\nplain doc" },
      { type: "text", text: "h\u00e9llo" },
      { type: "text", text: "[PDF document omitted: this provider cannot read it]" },
      { type: "text", text: "inner" }
    ])
  })

  it("maps tool_use to tool_calls and tool_result to tool messages before the turn's other content", () => {
    const t = translate(baseRequest({
      messages: [
        { role: "user", content: "do it" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "text", text: "Running." },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
            { type: "tool_use", id: "toolu_2", name: "Read", input: { path: "/a" } }
          ]
        },
        {
          role: "user",
          content: [
            { type: "text", text: "also this" },
            { type: "tool_result", tool_use_id: "toolu_1", content: "file1", cache_control: { type: "ephemeral" } },
            { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "no such file" }], is_error: true }
          ]
        }
      ]
    }))
    expect(body(t)["messages"]).toEqual([
      { role: "user", content: "do it" },
      {
        role: "assistant",
        content: "Running.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "Bash", arguments: "{\"command\":\"ls\"}" } },
          { id: "toolu_2", type: "function", function: { name: "Read", arguments: "{\"path\":\"/a\"}" } }
        ]
      },
      { role: "tool", tool_call_id: "toolu_1", content: "file1" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: no such file" },
      { role: "user", content: "also this" }
    ])
  })

  it("trap: a tool_result with an image -> text tool message, image in a following user message", () => {
    const t = translate(baseRequest({
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Screenshot", input: {} }] },
        {
          role: "user",
          content: [{
            type: "tool_result",
            tool_use_id: "t1",
            content: [{ type: "text", text: "here" }, { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } }]
          }, { type: "text", text: "what is it?" }]
        }
      ]
    }))
    expect(body(t)["messages"]).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "Screenshot", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "t1", content: "here\n[1 image(s) attached in the next user message]" },
      {
        role: "user",
        content: [
          { type: "text", text: "Images returned by tool call t1:" },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
          { type: "text", text: "what is it?" }
        ]
      }
    ])
  })

  it("drops thinking unless reasoning.echo, then echoes it as reasoning_content", () => {
    const req = baseRequest({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "think", signature: "s" },
            { type: "redacted_thinking", data: "xx" },
            { type: "tool_use", id: "c1", name: "Bash", input: { a: 1 } }
          ]
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "ok" }] }
      ]
    })
    const plain = body(translate(req))["messages"] as Array<Record<string, unknown>>
    expect(plain[1]).not.toHaveProperty("reasoning_content")
    const echoed = body(translate(req, ctx({ reasoning: { echo: true } })))["messages"] as Array<Record<string, unknown>>
    expect(echoed[1]).toMatchObject({ role: "assistant", content: null, reasoning_content: "think" })
    // a tool-call turn without visible reasoning still carries the field DeepSeek requires
    const bare = baseRequest({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "Bash", input: {} }] }] })
    expect((body(translate(bare, ctx({ reasoning: { echo: true } })))["messages"] as Array<Record<string, unknown>>)[1]).toMatchObject({ reasoning_content: "" })
    // an assistant turn holding only thinking carries nothing an OpenAI server accepts
    const onlyThinking = baseRequest({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }] }] })
    expect(body(translate(onlyThinking))["messages"]).toEqual([{ role: "user", content: "q" }])
  })
})

describe("OpenAI request: tools", () => {
  const schema = { type: "object", properties: { a: { type: "string" } } }

  it("maps tools, drops server tools, maps tool_choice and disable_parallel_tool_use", () => {
    const tools = [
      { name: "Bash", description: "run", input_schema: schema },
      { name: "NoDesc", input_schema: schema },
      { type: "web_search_20250305", name: "web_search" }
    ]
    const t = translate(baseRequest({ tools, tool_choice: { type: "any", disable_parallel_tool_use: true } }))
    expect(body(t)).toMatchObject({
      tools: [
        { type: "function", function: { name: "Bash", description: "run", parameters: schema } },
        { type: "function", function: { name: "NoDesc", parameters: schema } }
      ],
      tool_choice: "required",
      parallel_tool_calls: false
    })
    const choice = (c: MessagesRequest["tool_choice"]) => body(translate(baseRequest({ tools, ...(c ? { tool_choice: c } : {}) })))
    expect(choice({ type: "auto" })["tool_choice"]).toBe("auto")
    expect(choice({ type: "none" })["tool_choice"]).toBe("none")
    expect(choice({ type: "tool", name: "Bash" })["tool_choice"]).toEqual({ type: "function", function: { name: "Bash" } })
    expect(choice({ type: "auto" })).not.toHaveProperty("parallel_tool_calls")
    // without any function tool there is nothing to choose from
    expect(body(translate(baseRequest({ tools: [tools[2]!], tool_choice: { type: "auto" } })))).not.toHaveProperty("tools")
    expect(body(translate(baseRequest({ tools: [tools[2]!], tool_choice: { type: "auto" } })))).not.toHaveProperty("tool_choice")
  })

  it("trap: long and invalid tool names are shortened the same way in tools, history and tool_choice", () => {
    const long = `mcp__${"very_long_server_name_".repeat(3)}__read_the_file_contents_tool`
    const dotted = "mcp__srv.v2__do thing"
    const short = shortToolName(long)
    const shortDotted = shortToolName(dotted)
    expect(short.length).toBeLessThanOrEqual(64)
    expect(short).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(shortDotted).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(short.endsWith("contents_tool_" + short.slice(-8))).toBe(true)
    expect(shortToolName(long)).toBe(short) // deterministic
    expect(shortToolName(long + "x")).not.toBe(short)
    expect(shortToolName("Bash")).toBe("Bash")
    const t = translate(baseRequest({
      tools: [{ name: long, input_schema: schema }, { name: dotted, input_schema: schema }],
      tool_choice: { type: "tool", name: long },
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "tool_use", id: "c1", name: long, input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "ok" }] }
      ]
    }))
    const b = body(t) as { tools: Array<{ function: { name: string } }>; tool_choice: unknown; messages: Array<{ tool_calls?: Array<{ function: { name: string } }> }> }
    expect(b.tools.map((x) => x.function.name)).toEqual([short, shortDotted])
    expect(b.tool_choice).toEqual({ type: "function", function: { name: short } })
    expect(b.messages[1]?.tool_calls?.[0]?.function.name).toBe(short)
  })
})

describe("OpenAI request: the real Claude Code request", () => {
  const t = translate(fixture, ctx({ maxTokens: 32000 }, "deepseek-chat"))
  const b = body(t) as { messages: Array<Record<string, unknown>>; tools: Array<Record<string, unknown>> } & Record<string, unknown>

  it("keeps all 12 tools, the system prompt and the mid-conversation system message", () => {
    expect(b.tools).toHaveLength(fixture.tools?.length ?? -1)
    expect(b.tools).toHaveLength(12)
    const systems = b.messages.filter((m) => m["role"] === "system")
    expect(systems).toHaveLength(2)
    expect(b.messages[0]?.["role"]).toBe("system")
    expect(String(systems[0]?.["content"])).toContain("You are a Claude agent")
    expect(String(systems[0]?.["content"])).not.toContain("x-anthropic-billing-header")
    expect(String(systems[1]?.["content"])).toContain("# Environment")
    expect(b.messages.map((m) => m["role"])).toEqual(["system", "user", "system", "assistant", "tool"])
    expect(b.messages[4]).toEqual({ role: "tool", tool_call_id: "toolu_mock_1", content: "(Bash completed with no output)" })
    expect(t.stream).toBe(true)
    expect(b["max_tokens"]).toBe(32000)
    expect(b["model"]).toBe("deepseek-chat")
  })

  it("forwards no Anthropic-only field", () => {
    expect(Object.keys(b).sort()).toEqual(["max_tokens", "messages", "model", "stream", "stream_options", "tools"])
    for (const forbidden of ["cache_control", "\"signature\"", "context_management", "output_config", "\"metadata\"", "\"thinking\"", "input_schema", "tool_use_id"]) {
      expect(t.body).not.toContain(forbidden)
    }
  })
})
