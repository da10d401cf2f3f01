import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { type Capabilities, UNKNOWN } from "../../../src/Capabilities/Capabilities.js"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { shortToolName } from "../../../src/formats/openai/toolNames.js"
import { baseRequest, body, ctx, translate } from "./helpers.js"
import { refusals } from "./providerRules.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest

type Msg = Record<string, unknown>
const messages = (c: TranslateContext, request: MessagesRequest): Array<Msg> => body(translate(request, c))["messages"] as Array<Msg>
/** A context whose capabilities are given (as the chain gives them), over today's defaults. */
const withCaps = (caps: Partial<Capabilities>, model = "gpt-test"): TranslateContext => ({ ...ctx({}, model), capabilities: { ...UNKNOWN, ...caps } })

const png = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } } as const
const gif = { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGOD" } } as const

describe("OpenAI request: output limit and sampling from the capabilities", () => {
  it("gpt-5.1 gets max_completion_tokens (not max_tokens) at most 128000, and no temperature or top_p", () => {
    const b = body(translate(baseRequest({ max_tokens: 200_000, temperature: 0.7, top_p: 0.9 }), ctx({}, "gpt-5.1")))
    expect(b["max_completion_tokens"]).toBe(128_000)
    expect(b).not.toHaveProperty("max_tokens")
    expect(b).not.toHaveProperty("temperature")
    expect(b).not.toHaveProperty("top_p")
    expect(body(translate(baseRequest({ max_tokens: 500 }), ctx({}, "gpt-5.1")))["max_completion_tokens"]).toBe(500)
  })

  it("deepseek-chat gets max_tokens clamped to 8192, and keeps its sampling", () => {
    const b = body(translate(baseRequest({ max_tokens: 128_000, temperature: 0.3 }), ctx({}, "deepseek-chat")))
    expect(b["max_tokens"]).toBe(8192)
    expect(b["temperature"]).toBe(0.3)
  })

  it("the capabilities the chain passes win over the catalogue's", () => {
    const b = body(translate(baseRequest({ max_tokens: 5000 }), withCaps({ maxOutput: 300, tokenField: "max_completion_tokens" }, "deepseek-chat")))
    expect(b).toMatchObject({ max_completion_tokens: 300 })
    expect(b).not.toHaveProperty("max_tokens")
  })
})

describe("OpenAI request: system placement", () => {
  const request = baseRequest({
    system: "S",
    messages: [
      { role: "user", content: "u1" },
      { role: "assistant", content: "a1" },
      { role: "system", content: "reminder" },
      { role: "user", content: "u2" },
      { role: "system", content: [{ type: "text", text: "later" }] }
    ]
  })

  it("qwen3-coder gets one leading system message, the later ones appended to it in order", () => {
    expect(messages(ctx({}, "qwen3-coder"), request)).toEqual([
      { role: "system", content: "S\n\nreminder\n\nlater" },
      { role: "user", content: "u1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "u2" }
    ])
    // without a system prompt the first system message leads
    const { system: _, ...withoutSystem } = request
    expect(messages(ctx({}, "Qwen/Qwen3-Coder-480B"), withoutSystem)[0]).toEqual({ role: "system", content: "reminder\n\nlater" })
  })

  it("a model taking system messages anywhere keeps them in place", () => {
    expect(messages(ctx({}, "gpt-5.1"), request).map((m) => m["role"])).toEqual(["system", "user", "assistant", "system", "user", "system"])
  })
})

describe("OpenAI request: refused parameters", () => {
  const request = baseRequest({
    temperature: 0.5,
    top_p: 0.8,
    stream: true,
    tools: [{ name: "Bash", input_schema: { type: "object" } }],
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
    messages: [
      { role: "user", content: "q" },
      { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }, { type: "tool_use", id: "c1", name: "Bash", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "ok" }] }
    ]
  })
  const refused = (names: ReadonlyArray<string>, caps: Partial<Capabilities> = {}): Record<string, unknown> =>
    body(translate(request, { ...withCaps({ ...caps, refusedParams: new Set(names) }), provider: { ...ctx().provider, reasoning: { echo: true } } }))

  it("removes exactly what it names, nested fields too, and an object it empties", () => {
    const all = refused([])
    const b = refused(["temperature", "parallel_tool_calls", "stream_options.include_usage", "messages.reasoning_content"])
    const { messages: _a, parallel_tool_calls: _p, stream_options: _s, temperature: _t, ...restAll } = all
    const { messages: msgs, ...rest } = b
    expect(rest).toEqual(restAll)
    expect(all).toMatchObject({ temperature: 0.5, parallel_tool_calls: false, stream_options: { include_usage: true } })
    expect((all["messages"] as Array<Msg>)[1]).toHaveProperty("reasoning_content", "t")
    expect((msgs as Array<Msg>)[1]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "Bash", arguments: "{}" } }] })
    // what makes the body a request stays
    expect(refused(["model", "messages", "stream"])).toEqual(all)
  })

  it("a refused token field moves the limit to the other one; both refused, no limit", () => {
    expect(refused(["max_tokens"])).toMatchObject({ max_completion_tokens: 1024 })
    expect(refused(["max_tokens"])).not.toHaveProperty("max_tokens")
    const back = refused(["max_completion_tokens"], { tokenField: "max_completion_tokens" })
    expect(back).toMatchObject({ max_tokens: 1024 })
    expect(back).not.toHaveProperty("max_completion_tokens")
    const none = refused(["max_tokens", "max_completion_tokens"])
    expect(none).not.toHaveProperty("max_tokens")
    expect(none).not.toHaveProperty("max_completion_tokens")
  })
})

describe("OpenAI request: media the model does not take", () => {
  const pngAndGif = withCaps({ imageTypes: ["image/png", "image/jpeg"] })

  it("a GIF becomes a note, a PNG is kept, in the message and in a tool result", () => {
    const gifNote = { type: "text", text: "[image omitted: image/gif is not accepted by this model]" }
    expect(messages(pngAndGif, baseRequest({ messages: [{ role: "user", content: [{ type: "text", text: "see" }, png, gif] }] }))).toEqual([{
      role: "user",
      content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } }, gifNote]
    }])
    // a URL's extension says its type
    const url = messages(pngAndGif, baseRequest({ messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://x/a.GIF?s=1" } }] }] }))
    expect(url).toEqual([{ role: "user", content: "[image omitted: image/gif is not accepted by this model]" }])
    const tool = messages(pngAndGif, baseRequest({
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Shot", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [gif, png] }] }
      ]
    }))
    expect(tool.slice(1)).toEqual([
      { role: "tool", tool_call_id: "t1", content: "[image omitted: image/gif is not accepted by this model]\n[1 image(s) attached in the next user message]" },
      { role: "user", content: [{ type: "text", text: "Images returned by tool call t1:" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } }] }
    ])
  })

  it("deepseek-chat (text only) gets every image as a note, content as a plain string", () => {
    const m = messages(ctx({}, "deepseek-chat"), baseRequest({
      messages: [
        { role: "user", content: [{ type: "text", text: "see" }, png, { type: "document", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Shot", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [png] }] }
      ]
    }))
    const note = "[image omitted: this model does not accept images]"
    expect(m[0]).toEqual({ role: "user", content: `see\n\n${note}\n\n${note}` })
    expect(m.slice(2)).toEqual([{ role: "tool", tool_call_id: "t1", content: note }])
    expect(JSON.stringify(m)).not.toContain("image_url")
  })
})

describe("OpenAI request: blocks only Anthropic knows", () => {
  it("a tool_reference becomes text the model reads, with the tool's name as sent; other unknown blocks a note", () => {
    const long = `mcp__${"server_".repeat(8)}__search`
    const m = messages(ctx(), baseRequest({
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "ts1", name: "ToolSearch", input: { query: "select:WebSearch" } }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "ts1", content: [{ type: "tool_reference", tool_name: "WebSearch" }, { type: "tool_reference", tool_name: long }] },
            { type: "search_result", source: "s", title: "t", content: [] }
          ]
        }
      ]
    }))
    expect(m.slice(1)).toEqual([
      { role: "tool", tool_call_id: "ts1", content: `Tool WebSearch is now available.\nTool ${shortToolName(long)} is now available.` },
      { role: "user", content: "[search_result content omitted: this provider cannot read it]" }
    ])
  })
})

describe("OpenAI request: the real Claude Code request, as each real provider takes it", () => {
  // Claude Code sends temperature 1 on some calls; a gpt-5 model takes only the default, others anything.
  const request: MessagesRequest = { ...fixture, temperature: 0.7 }
  const cases = ["gpt-5.1", "deepseek-chat", "qwen3-coder"] as const

  it("the checker refuses the untranslated shapes (so its silence below means something)", () => {
    expect(refusals("openai", "gpt-5.1", { max_tokens: 128_000, temperature: 0.7 })).toHaveLength(2)
    expect(refusals("openai", "deepseek-chat", { max_tokens: 128_000 })).toHaveLength(1)
    expect(refusals("openai", "qwen3-coder", { messages: [{ role: "system" }, { role: "user" }, { role: "system" }] })).toHaveLength(1)
  })

  for (const model of cases) {
    it(`${model}: nothing the provider refuses`, () => {
      const b = body(translate(request, ctx({}, model)))
      expect(refusals("openai", model, b)).toEqual([])
      expect(b["tools"]).toHaveLength(12)
    })
  }

  it("each got its token field, limit, sampling and system placement", () => {
    const of = (model: string) => body(translate(request, ctx({}, model)))
    expect(of("gpt-5.1")).toMatchObject({ max_completion_tokens: 128_000 })
    expect(of("gpt-5.1")).not.toHaveProperty("temperature")
    expect(of("deepseek-chat")).toMatchObject({ max_tokens: 8192, temperature: 0.7 })
    const qwen = of("qwen3-coder")["messages"] as Array<Msg>
    expect(qwen.filter((m) => m["role"] === "system")).toHaveLength(1)
    expect(String(qwen[0]?.["content"])).toContain("# Environment")
    expect(qwen.map((m) => m["role"])).toEqual(["system", "user", "assistant", "tool"])
  })
})
