import { describe, expect, it } from "@effect/vitest"
import { capabilitiesOf, UNKNOWN } from "../../../src/Capabilities/Capabilities.js"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { toGeminiRequest } from "../../../src/formats/gemini/request.js"

const ctx = (model: string, over: Partial<TranslateContext> = {}): TranslateContext => ({
  provider: { name: "gemini", baseUrl: "https://generativelanguage.googleapis.com", apiKey: "k" },
  model,
  ...over
})

const req = (over: Partial<MessagesRequest>): MessagesRequest => ({
  model: "claude-opus-4",
  messages: [{ role: "user", content: "hi" }],
  ...over
})

const config = (over: Partial<MessagesRequest>, model: string, c: Partial<TranslateContext> = {}) =>
  toGeminiRequest(req(over), ctx(model, c)).generationConfig

describe("Gemini request: output limit and thinking from the capabilities", () => {
  it("clamps max_tokens 128000 to the catalogue's 65536 for gemini-2.5-pro", () => {
    expect(config({ max_tokens: 128000 }, "gemini-2.5-pro")?.maxOutputTokens).toBe(65536)
    expect(config({ max_tokens: 1000 }, "gemini-2.5-pro")?.maxOutputTokens).toBe(1000)
    // The chain's capabilities win over the catalogue; an unknown model keeps the client's ask.
    const caps = { ...UNKNOWN, maxOutput: 8192 }
    expect(config({ max_tokens: 128000 }, "gemini-2.5-pro", { capabilities: caps })?.maxOutputTokens).toBe(8192)
    expect(config({ max_tokens: 128000 }, "my-gemini-proxy-model")?.maxOutputTokens).toBe(128000)
  })

  it("keeps an enabled budget inside the model's range", () => {
    const enabled = (budget: number, max = 128000) => ({ max_tokens: max, thinking: { type: "enabled" as const, budget_tokens: budget } })
    // "The thinking budget 31999 is invalid. Please choose a value between 0 and 24576."
    expect(config(enabled(31999), "gemini-2.5-flash")?.thinkingConfig).toEqual({ thinkingBudget: 24576, includeThoughts: true })
    expect(config(enabled(31999), "gemini-2.5-pro")?.thinkingConfig).toEqual({ thinkingBudget: 31999, includeThoughts: true })
    expect(config(enabled(50000), "gemini-2.5-pro")?.thinkingConfig).toEqual({ thinkingBudget: 32768, includeThoughts: true })
    // 2.5 Pro cannot think less than 128, even when max_tokens leaves less room.
    expect(config(enabled(0), "gemini-2.5-pro")?.thinkingConfig).toEqual({ thinkingBudget: 128, includeThoughts: true })
    expect(config(enabled(1024, 100), "gemini-2.5-pro")?.thinkingConfig).toEqual({ thinkingBudget: 128, includeThoughts: true })
    expect(config(enabled(100), "gemini-2.5-flash-lite")?.thinkingConfig).toEqual({ thinkingBudget: 512, includeThoughts: true })
    // Unknown range: the translator's own ceiling, as before.
    expect(config(enabled(50000), "gemini-exp-1206")?.thinkingConfig).toEqual({ thinkingBudget: 32768, includeThoughts: true })
  })

  it("asks for the least thinking the model allows when thinking is disabled", () => {
    const disabled = { max_tokens: 1000, thinking: { type: "disabled" as const } }
    expect(config(disabled, "gemini-2.5-pro")?.thinkingConfig).toEqual({ thinkingBudget: 128 })
    expect(config(disabled, "gemini-2.5-flash")?.thinkingConfig).toEqual({ thinkingBudget: 0 })
    expect(config(disabled, "gemini-exp-1206")?.thinkingConfig).toBeUndefined()
    expect(config({ max_tokens: 1000 }, "gemini-2.5-pro")?.thinkingConfig).toBeUndefined()
  })

  it("keeps adaptive thinking dynamic (no budget) and sends nothing to a model that does not think", () => {
    const adaptive = { max_tokens: 128000, thinking: { type: "adaptive" as const } }
    expect(config(adaptive, "gemini-2.5-pro")).toEqual({ maxOutputTokens: 65536, thinkingConfig: { includeThoughts: true } })
    expect(config(adaptive, "gemini-2.5-flash")?.thinkingConfig).toEqual({ includeThoughts: true })
    const none = capabilitiesOf({ format: "gemini", maxTokens: undefined, tokenField: undefined, capabilities: { thinking: "none" } }, "gemini-2.5-pro")
    expect(config(adaptive, "gemini-2.5-pro", { capabilities: none })).toEqual({ maxOutputTokens: 65536 })
    const enabled = { max_tokens: 1000, thinking: { type: "enabled" as const, budget_tokens: 500 } }
    expect(config(enabled, "gemini-2.5-pro", { capabilities: none })).toEqual({ maxOutputTokens: 1000 })
  })

  it("drops sampling for a model that refuses it, and any field the provider refuses", () => {
    const sampled = { max_tokens: 100, temperature: 0.2, top_p: 0.9, top_k: 5, stop_sequences: ["x"] }
    const noSampling = { ...UNKNOWN, sampling: false }
    expect(config(sampled, "gemini-2.5-pro", { capabilities: noSampling })).toEqual({ maxOutputTokens: 100, stopSequences: ["x"] })
    const refused = { ...UNKNOWN, refusedParams: new Set(["topK", "stop_sequences", "generationConfig.topP"]) }
    expect(config(sampled, "gemini-2.5-pro", { capabilities: refused })).toEqual({ maxOutputTokens: 100, temperature: 0.2 })
  })
})

describe("Gemini request: content the model cannot take", () => {
  const png = { type: "image" as const, source: { type: "base64" as const, media_type: "image/png", data: "PNG" } }
  const gif = { type: "image" as const, source: { type: "base64" as const, media_type: "image/gif", data: "GIF" } }
  const conversation = (extra: Partial<MessagesRequest> = {}): MessagesRequest =>
    req({
      messages: [
        { role: "user", content: [{ type: "text", text: "see" }, png, gif, { type: "image", source: { type: "url", url: "https://x.test/a.gif" } }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Shot", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "taken" }, gif, png] }] }
      ],
      ...extra
    })

  it("replaces an image of a refused type (GIF) with a note, inside tool results too, and keeps PNG", () => {
    const out = toGeminiRequest(conversation(), ctx("gemini-2.5-pro"))
    expect(out.contents[0]?.parts).toEqual([
      { text: "see" },
      { inlineData: { mimeType: "image/png", data: "PNG" } },
      { text: "[image omitted: image/gif is not accepted by this model]" },
      { text: "[image omitted: image/gif is not accepted by this model]" }
    ])
    expect(out.contents[2]?.parts).toEqual([
      {
        functionResponse: {
          name: "Shot",
          response: { content: "taken\n[image omitted: image/gif is not accepted by this model]" }
        }
      },
      { inlineData: { mimeType: "image/png", data: "PNG" } }
    ])
    // A model nothing is known about takes any image, as before.
    expect(JSON.stringify(toGeminiRequest(conversation(), ctx("my-proxy-model")))).toContain('"mimeType":"image/gif"')
  })

  it("replaces every image with a note when the model takes none, and a PDF when it takes no PDFs", () => {
    const textOnly = { ...UNKNOWN, imageTypes: "none" as const, pdf: false }
    const pdf = { type: "document" as const, source: { type: "base64" as const, media_type: "application/pdf", data: "PDF" } }
    const out = toGeminiRequest(req({ messages: [{ role: "user", content: [png, pdf] }] }), ctx("gemini-2.5-pro", { capabilities: textOnly }))
    expect(out.contents[0]?.parts).toEqual([
      { text: "[image omitted: this model does not accept images]" },
      { text: "[PDF document omitted: this model does not accept PDFs]" }
    ])
  })

  it("turns tool_reference blocks into text the model can read, and never drops an unknown block silently", () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: "user", content: "find a search tool" },
          { role: "assistant", content: [{ type: "tool_use", id: "ts", name: "ToolSearch", input: { query: "web" } }] },
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: "ts",
                content: [{ type: "tool_reference", tool_name: "WebSearch" }, { type: "tool_reference", tool_name: "WebFetch" }]
              } as never,
              { type: "container_upload", file_id: "f1" }
            ]
          }
        ]
      }),
      ctx("gemini-2.5-pro")
    )
    expect(out.contents[2]?.parts).toEqual([
      { functionResponse: { name: "ToolSearch", response: { content: "Tool WebSearch is now available.\nTool WebFetch is now available." } } },
      { text: "[container_upload block omitted: this model cannot read it]" }
    ])
    const search = { type: "search_result", source: "https://x.test/doc", title: "Doc", content: [{ type: "text", text: "body" }] }
    const parts = toGeminiRequest(req({ messages: [{ role: "user", content: [search] }] }), ctx("gemini-2.5-pro")).contents[0]?.parts
    expect(parts).toEqual([{ text: "Doc\n\nhttps://x.test/doc\n\nbody" }])
  })

  it("folds a mid-conversation system message into systemInstruction, keeping call and response adjacent", () => {
    const out = toGeminiRequest(
      req({
        system: "base",
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] },
          { role: "system", content: "# Environment\nlinux" },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "a.txt" }] }
        ]
      }),
      ctx("gemini-2.5-pro")
    )
    expect(out.systemInstruction).toEqual({ parts: [{ text: "base" }, { text: "# Environment\nlinux" }] })
    expect(out.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(out.contents[2]?.parts).toEqual([{ functionResponse: { name: "Bash", response: { content: "a.txt" } } }])
  })
})
