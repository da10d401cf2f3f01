import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { type Capabilities, UNKNOWN } from "../../../src/Capabilities/Capabilities.js"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { providerTag, reasoningSignature } from "../../../src/formats/responses/reasoning.js"
import { refusals } from "../openai/providerRules.js"
import { baseRequest, body, ctx, translate } from "./helpers.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest

type Item = Record<string, unknown>
const input = (c: TranslateContext, request: MessagesRequest): Array<Item> => body(translate(request, c))["input"] as Array<Item>
/** A context whose capabilities are given (as the chain gives them), over today's defaults. */
const withCaps = (caps: Partial<Capabilities>, over: Partial<TranslateContext["provider"]> = {}): TranslateContext => ({
  ...ctx(over),
  capabilities: { ...UNKNOWN, ...caps }
})

/** A turn of this provider's own reasoning, then a tool call and its result. */
const withReasoning = (c: TranslateContext, over: Partial<MessagesRequest> = {}): MessagesRequest => baseRequest({
  thinking: { type: "adaptive" },
  output_config: { effort: "high" },
  messages: [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "mine", signature: reasoningSignature(providerTag(c.provider), { id: "rs_1", encryptedContent: "ENC" }) },
        { type: "tool_use", id: "call_1", name: "Bash", input: {} }
      ]
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "ok" }] }
  ],
  ...over
})

const png = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } } as const
const gif = { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGOD" } } as const

describe("Responses request: reasoning, sampling and the output limit from the capabilities", () => {
  it("gpt-4.1 gets no reasoning, no reasoning include, none of its earlier reasoning items; max_output_tokens at most 32768", () => {
    const c = ctx({}, "gpt-4.1")
    const b = body(translate(withReasoning(c, { max_tokens: 128_000, temperature: 0.4 }), c))
    expect(b).not.toHaveProperty("reasoning")
    expect(b).not.toHaveProperty("include")
    expect((b["input"] as Array<Item>).map((i) => i["type"])).toEqual(["message", "function_call", "function_call_output"])
    expect(b["max_output_tokens"]).toBe(32_768)
    // not a reasoning model: it takes a temperature
    expect(b["temperature"]).toBe(0.4)
    expect(body(translate(baseRequest({ max_tokens: 64_000 }), ctx({}, "gpt-4o")))["max_output_tokens"]).toBe(16_384)
    expect(body(translate(baseRequest({ max_tokens: 1 }), c))["max_output_tokens"]).toBe(16)
  })

  it("gpt-5.1-codex gets reasoning and its earlier items, and no temperature or top_p even without reasoning", () => {
    const c = ctx({}, "gpt-5.1-codex")
    const b = body(translate(withReasoning(c, { temperature: 1, top_p: 0.9 }), c))
    expect(b).toMatchObject({ reasoning: { effort: "high" }, include: ["reasoning.encrypted_content"] })
    expect((b["input"] as Array<Item>)[1]).toEqual({ type: "reasoning", id: "rs_1", encrypted_content: "ENC", summary: [] })
    expect(b).not.toHaveProperty("temperature")
    expect(b).not.toHaveProperty("top_p")
    const plain = body(translate(baseRequest({ temperature: 0.2, top_p: 0.5, max_tokens: 200_000 }), c))
    expect(plain).not.toHaveProperty("temperature")
    expect(plain).not.toHaveProperty("top_p")
    expect(plain["max_output_tokens"]).toBe(128_000)
  })
})

describe("Responses request: system placement", () => {
  const request = baseRequest({
    system: "S",
    messages: [
      { role: "user", content: "u1" },
      { role: "system", content: "reminder" },
      { role: "assistant", content: "a1" },
      { role: "system", content: [{ type: "text", text: "later" }] },
      { role: "user", content: "u2" }
    ]
  })

  it("qwen3-coder gets the later system messages appended to the instructions, in order, and no developer items", () => {
    const b = body(translate(request, ctx({}, "qwen3-coder")))
    expect(b["instructions"]).toBe("S\n\nreminder\n\nlater")
    expect((b["input"] as Array<Item>).map((i) => i["role"])).toEqual(["user", "assistant", "user"])
  })

  it("a model taking system messages anywhere gets them as developer items in place", () => {
    const b = body(translate(request, ctx({}, "gpt-5.1")))
    expect(b["instructions"]).toBe("S")
    expect((b["input"] as Array<Item>).map((i) => i["role"])).toEqual(["user", "developer", "assistant", "developer", "user"])
  })
})

describe("Responses request: refused parameters", () => {
  const request = (c: TranslateContext) =>
    withReasoning(c, { stream: true, metadata: { user_id: "u" }, tools: [{ name: "Bash", input_schema: { type: "object" } }], tool_choice: { type: "any", disable_parallel_tool_use: true } })
  const refused = (names: ReadonlyArray<string>): Record<string, unknown> => {
    const c = withCaps({ refusedParams: new Set(names) }, { reasoning: { summary: "auto" } })
    return body(translate(request(c), c))
  }

  it("removes exactly what it names, nested fields too", () => {
    const all = refused([])
    expect(all).toMatchObject({ reasoning: { effort: "high", summary: "auto" }, parallel_tool_calls: false, prompt_cache_key: "u", tools: [{ strict: false }] })
    const b = refused(["reasoning.summary", "parallel_tool_calls", "prompt_cache_key", "tools.strict", "include"])
    const { include: _i, parallel_tool_calls: _p, prompt_cache_key: _k, reasoning: _r, tools: _t, ...restAll } = all
    const { reasoning, tools, ...rest } = b
    expect(rest).toEqual(restAll)
    expect(reasoning).toEqual({ effort: "high" })
    expect(tools).toEqual([{ type: "function", name: "Bash", parameters: { type: "object" } }])
    expect(refused(["max_output_tokens"])).not.toHaveProperty("max_output_tokens")
    expect(refused(["model", "input", "stream"])).toEqual(all)
  })

  it("a refused reasoning effort means a model without reasoning: no reasoning, include or reasoning items", () => {
    for (const name of ["reasoning.effort", "reasoning"]) {
      const b = refused([name])
      expect(b).not.toHaveProperty("reasoning")
      expect(b).not.toHaveProperty("include")
      expect((b["input"] as Array<Item>).some((i) => i["type"] === "reasoning")).toBe(false)
    }
  })
})

describe("Responses request: media the model does not take", () => {
  it("a GIF becomes a note, a PNG is kept, in the message and in a tool result", () => {
    const c = withCaps({ imageTypes: ["image/png"] })
    const note = { type: "input_text", text: "[image omitted: image/gif is not accepted by this model]" }
    const pngPart = { type: "input_image", image_url: "data:image/png;base64,iVBOR", detail: "auto" }
    expect(input(c, baseRequest({
      messages: [
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [gif, png] }, png, gif] }
      ]
    }))).toEqual([
      { type: "function_call_output", call_id: "t1", output: [note, pngPart] },
      { type: "message", role: "user", content: [pngPart, note] }
    ])
  })

  it("imageTypes none: every image a note; pdf false: PDFs a note", () => {
    const c = withCaps({ imageTypes: "none", pdf: false })
    const items = input(c, baseRequest({
      messages: [{
        role: "user",
        content: [
          png,
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } },
          { type: "document", source: { type: "url", url: "https://x/doc.pdf" } }
        ]
      }]
    }))
    expect(items).toEqual([{
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "[image omitted: this model does not accept images]" },
        { type: "input_text", text: "[PDF document omitted: this model cannot read PDFs]" },
        { type: "input_text", text: "[PDF document omitted: this model cannot read PDFs]" }
      ]
    }])
  })
})

describe("Responses request: blocks only Anthropic knows", () => {
  it("a tool_reference becomes text the model reads", () => {
    expect(input(ctx(), baseRequest({
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "ts1", content: [{ type: "tool_reference", tool_name: "WebSearch" }] }] }]
    }))).toEqual([{ type: "function_call_output", call_id: "ts1", output: "Tool WebSearch is now available." }])
  })
})

describe("Responses request: the real Claude Code request, as each real provider takes it", () => {
  const request: MessagesRequest = { ...fixture, temperature: 1, top_p: 0.9 }

  it("the checker refuses the untranslated shapes (so its silence below means something)", () => {
    expect(refusals("openai-responses", "gpt-4.1", { reasoning: { effort: "medium" }, include: ["reasoning.encrypted_content"], max_output_tokens: 128_000 })).toHaveLength(3)
    expect(refusals("openai-responses", "gpt-5.1-codex", { temperature: 1, top_p: 0.9 })).toHaveLength(2)
  })

  for (const model of ["gpt-5.1-codex", "gpt-4.1", "qwen3-coder"]) {
    it(`${model}: nothing the provider refuses`, () => {
      const b = body(translate(request, ctx({}, model)))
      expect(refusals("openai-responses", model, b)).toEqual([])
      expect(b["tools"]).toHaveLength(12)
    })
  }

  it("each got its limit, reasoning and sampling", () => {
    const codex = body(translate(request, ctx({}, "gpt-5.1-codex")))
    expect(codex).toMatchObject({ max_output_tokens: 128_000, reasoning: { effort: "medium" }, include: ["reasoning.encrypted_content"] })
    const gpt41 = body(translate(request, ctx({}, "gpt-4.1")))
    expect(gpt41).toMatchObject({ max_output_tokens: 32_768, temperature: 1, top_p: 0.9 })
    expect(gpt41).not.toHaveProperty("reasoning")
    expect(String(body(translate(request, ctx({}, "qwen3-coder")))["instructions"])).toContain("# Environment")
  })
})
