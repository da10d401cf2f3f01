import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { capabilitiesOf, clampOutput, fitBudget, globToRegExp } from "../../src/Capabilities/Capabilities.js"
import { CATALOGUE } from "../../src/Capabilities/Catalogue.js"
import { needsOf, unmet } from "../../src/Capabilities/Eligibility.js"
import { LearnedMap, MAX_FACTS, refusedIn } from "../../src/Capabilities/Learned.js"
import type { Format } from "../../src/Config/Document.js"
import { validate } from "../../src/Config/Validation.js"
import type { MessagesRequest } from "../../src/formats/anthropic/Messages.js"
import { foldSystemMessages, withoutBetas, withoutParams } from "../../src/formats/anthropic/Shape.js"

const caps = (format: Format, model: string) => capabilitiesOf({ format }, model)

describe("the capability catalogue", () => {
  // Each row: what the provider's documentation (cited in the catalogue) says about the model.
  it.each([
    ["openai", "gpt-5.1", { maxOutput: 128_000, tokenField: "max_completion_tokens", contextWindow: 400_000, sampling: false, maxTools: 128, thinking: { kind: "effort" } }],
    ["openai-responses", "gpt-5.1-codex", { maxOutput: 128_000, sampling: false, maxTools: 128, thinking: { kind: "effort" } }],
    ["openai", "o3", { maxOutput: 100_000, tokenField: "max_completion_tokens", contextWindow: 200_000, sampling: false }],
    ["openai-responses", "gpt-4.1", { maxOutput: 32_768, contextWindow: 1_047_576, thinking: { kind: "none" }, maxTools: 128, sampling: true }],
    ["openai-responses", "gpt-4o-mini", { maxOutput: 16_384, contextWindow: 128_000, thinking: { kind: "none" } }],
    ["openai", "deepseek-chat", { maxOutput: 8_192, contextWindow: 128_000, imageTypes: "none" }],
    ["openai", "deepseek-reasoner", { maxOutput: 65_536, contextWindow: 128_000 }],
    ["openai", "qwen3-coder", { systemAnywhere: false }],
    ["openai", "Qwen/Qwen3-Coder-480B", { systemAnywhere: false }],
    ["gemini", "gemini-2.5-pro", { maxOutput: 65_536, thinking: { kind: "budget", min: 128, max: 32_768 } }],
    ["gemini", "gemini-2.5-flash", { maxOutput: 65_536, thinking: { kind: "budget", min: 0, max: 24_576 } }],
    ["gemini", "gemini-2.5-flash-lite", { thinking: { kind: "budget", min: 512, max: 24_576 } }],
    ["gemini", "gemini-3-pro-preview", { maxOutput: 65_536, thinking: { kind: "budget", min: 128, max: 32_768 } }],
    ["anthropic", "claude-opus-5-5", { maxOutput: 128_000, contextWindow: 1_000_000, systemAnywhere: true }],
    ["bedrock", "claude-haiku-4-5-20251001", { maxOutput: 64_000, contextWindow: 200_000, systemAnywhere: false }],
    ["bedrock", "claude-sonnet-5", { systemAnywhere: false }],
    ["bedrock", "claude-opus-5-5", { systemAnywhere: true }],
    ["bedrock", "global.anthropic.claude-fable-5-2", { systemAnywhere: true }]
  ] as const)("%s %s", (format, model, expected) => {
    expect(caps(format, model)).toMatchObject(expected)
  })

  it("Gemini takes PNG, JPEG, WEBP, HEIC and HEIF images only", () => {
    expect(caps("gemini", "gemini-2.5-pro").imageTypes).toEqual(["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"])
  })

  it("Vertex refuses the betas it has answered 400 to", () => {
    const refused = caps("vertex", "claude-opus-5-5").refusedBetas
    for (const b of ["effort-2025-11-24", "oauth-2025-04-20", "adaptive-thinking-2026-01-28"]) expect(refused.has(b)).toBe(true)
    expect(caps("bedrock", "claude-opus-5-5").refusedBetas.size).toBe(0)
  })

  it("an unknown model keeps today's behaviour", () => {
    expect(caps("openai", "some-local-model")).toMatchObject({ maxOutput: undefined, tokenField: undefined, thinking: undefined, sampling: true, systemAnywhere: true, maxTools: undefined })
  })

  it("every entry names its source", () => {
    for (const e of CATALOGUE) expect(e.source).toMatch(/^https:\/\//)
  })

  it("globs: * any run, ? one character, [..] a class, case-insensitive", () => {
    expect(globToRegExp("o[1-9]*").test("o3-mini")).toBe(true)
    expect(globToRegExp("o[1-9]*").test("omni")).toBe(false)
    expect(globToRegExp("gpt-?").test("GPT-5")).toBe(true)
    expect(globToRegExp("gpt-5.1").test("gpt-5x1")).toBe(false)
  })
})

describe("capabilities from config and from what was learned", () => {
  it("the provider's config wins over the catalogue, field by field; maxTokens and tokenField still apply", () => {
    const c = capabilitiesOf({ format: "openai", capabilities: { maxOutput: 4096, systemAnywhere: false, thinking: { min: 1, max: 2 }, imageTypes: [] } }, "gpt-5.1")
    expect(c).toMatchObject({ maxOutput: 4096, systemAnywhere: false, thinking: { kind: "budget", min: 1, max: 2 }, imageTypes: "none", tokenField: "max_completion_tokens" })
    expect(capabilitiesOf({ format: "openai", maxTokens: 1000, tokenField: "max_tokens" }, "gpt-5.1")).toMatchObject({ maxOutput: 1000, tokenField: "max_tokens" })
  })

  it("learned facts are added to the refused sets", () => {
    const c = capabilitiesOf({ format: "vertex", capabilities: { refusedParams: ["top_k"] } }, "claude-opus-5-5", { params: ["context_management"], betas: ["compact-2026-01-12"] })
    expect([...c.refusedParams]).toEqual(["top_k", "context_management"])
    expect(c.refusedBetas.has("compact-2026-01-12")).toBe(true)
    expect(c.refusedBetas.has("effort-2025-11-24")).toBe(true)
  })

  it("clamps and fits", () => {
    const flash = caps("gemini", "gemini-2.5-flash")
    expect([clampOutput(128_000, flash), clampOutput(1000, flash), clampOutput(undefined, flash)]).toEqual([65_536, 1000, 65_536])
    expect([fitBudget(31_999, flash), fitBudget(100, caps("gemini", "gemini-2.5-pro")), fitBudget(5, caps("openai-responses", "gpt-4.1"))]).toEqual([24_576, 128, undefined])
  })

  it("the config's capabilities are validated with their path", () => {
    const doc = (capabilities: unknown) => ({ providers: [{ name: "p", format: "openai", baseUrl: "http://127.0.0.1:1", capabilities }], accessTokens: [{ token: "t".repeat(20) }] })
    const problems = (capabilities: unknown) => {
      const r = validate(doc(capabilities), { allowPrivateUpstreams: true })
      return Either.isLeft(r) ? r.left.map((i) => i.path.join(".")) : []
    }
    expect(problems({ maxOutput: 8192, thinking: "effort", refusedParams: ["temperature"] })).toEqual([])
    expect(problems({ maxOutput: -1 })).toEqual(["providers.0.capabilities.maxOutput"])
    expect(problems({ imageTypes: ["gif"] })).toEqual(["providers.0.capabilities.imageTypes.0"])
    expect(problems({ thinking: { min: 10, max: 5 } })).toEqual(["providers.0.capabilities.thinking.min"])
    expect(problems({ refusedBetas: ["a\nb"] })).toEqual(["providers.0.capabilities.refusedBetas.0"])
    expect(problems({ colour: "red" })).toEqual(["providers.0.capabilities.colour"])
  })
})

const request = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({ model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }], ...extra })

describe("eligibility", () => {
  it("too many tools, images where none are taken, and an input beyond the context window", () => {
    const tools = Array.from({ length: 150 }, (_, i) => ({ name: `t${i}`, input_schema: { type: "object" } }))
    expect(unmet(needsOf(request({ tools })), caps("openai", "gpt-5.1"))?.why).toBe("150 tools > 128")
    const image = request({ messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] }] })
    expect(unmet(needsOf(image), caps("openai", "deepseek-chat"))?.why).toBe("images not accepted")
    expect(unmet(needsOf(image), caps("gemini", "gemini-2.5-pro"))).toBeUndefined()
    const huge = request({ messages: [{ role: "user", content: "x".repeat(1_000_000) }] })
    expect(unmet(needsOf(huge), caps("openai", "deepseek-chat"))).toMatchObject({ kind: "context", window: 128_000 })
    expect(unmet(needsOf(huge), caps("gemini", "gemini-2.5-pro"))).toBeUndefined()
  })

  it("an image earlier in the history does not rule a text-only model out (it becomes a note)", () => {
    const r = request({
      messages: [
        { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] },
        { role: "assistant", content: "I see it" },
        { role: "user", content: "thanks" }
      ]
    })
    expect(unmet(needsOf(r), caps("openai", "deepseek-chat"))).toBeUndefined()
  })
})

describe("server tools", () => {
  const web = (extra: Record<string, unknown> = {}) =>
    request({ tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8, ...extra } as unknown as NonNullable<MessagesRequest["tools"]>[number]] })

  it("who can run Anthropic's web search, and who honours blocked_domains", () => {
    expect(unmet(needsOf(web()), caps("anthropic", "claude-opus-5-5"))).toBeUndefined()
    expect(unmet(needsOf(web()), caps("vertex", "claude-opus-5-5"))).toBeUndefined()
    expect(unmet(needsOf(web()), caps("openai-responses", "gpt-5.1"))).toBeUndefined()
    expect(unmet(needsOf(web()), caps("gemini", "gemini-2.5-flash"))).toBeUndefined()
    expect(unmet(needsOf(web()), caps("bedrock", "claude-opus-5-5"))?.why).toBe("no web_search server tool")
    expect(unmet(needsOf(web()), caps("openai", "gpt-5.1"))?.why).toBe("no web_search server tool")
    expect(unmet(needsOf(web()), caps("openai-responses", "some-local-model"))?.why).toBe("no web_search server tool")
    const blocked = needsOf(web({ blocked_domains: ["example.com"] }))
    expect(unmet(blocked, caps("vertex", "claude-opus-5-5"))).toBeUndefined()
    expect(unmet(blocked, caps("gemini", "gemini-2.5-pro"))?.why).toBe("web search cannot honour blocked_domains")
  })

  it("other server tools go where Anthropic runs them, or where the config says", () => {
    const fetch = request({ tools: [{ type: "web_fetch_20250910", name: "web_fetch" } as unknown as NonNullable<MessagesRequest["tools"]>[number]] })
    expect(needsOf(fetch).serverTools).toEqual(["web_fetch"])
    expect(unmet(needsOf(fetch), caps("vertex", "claude-opus-5-5"))?.why).toBe("no web_fetch server tool")
    expect(unmet(needsOf(fetch), capabilitiesOf({ format: "openai", capabilities: { serverTools: ["all"] } }, "x"))).toBeUndefined()
    // custom tools are not server tools
    expect(needsOf(request({ tools: [{ name: "Bash", input_schema: {} }] })).serverTools).toEqual([])
  })
})

describe("what a 400 teaches", () => {
  it("reads OpenAI's unsupported parameter, Vertex's refused betas and a field not permitted", () => {
    expect(refusedIn(JSON.stringify({ error: { message: "Unsupported parameter: 'reasoning.effort'", param: "reasoning.effort", code: "unsupported_parameter" } })))
      .toEqual([{ kind: "param", name: "reasoning.effort" }])
    expect(refusedIn(JSON.stringify({ error: { message: "Unsupported value: 'temperature'", param: "temperature", code: "unsupported_value" } })))
      .toEqual([{ kind: "param", name: "temperature" }])
    expect(refusedIn(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "Unexpected value(s) `effort-2025-11-24`, `adaptive-thinking-2026-01-28` for the `anthropic-beta` header" } })))
      .toEqual([{ kind: "beta", name: "effort-2025-11-24" }, { kind: "beta", name: "adaptive-thinking-2026-01-28" }])
    expect(refusedIn(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "context_management: Extra inputs are not permitted" } })))
      .toEqual([{ kind: "param", name: "context_management" }])
    expect(refusedIn(JSON.stringify({ error: { message: "Invalid max_tokens value", code: "invalid_request_error", param: null } }))).toEqual([])
    expect(refusedIn("<html>")).toEqual([])
  })

  it("the memory is bounded: keys evicted oldest first, facts capped per key", () => {
    const m = new LearnedMap(3)
    for (let i = 0; i < 5; i++) m.learn({ provider: "p", model: `m${i}`, fact: { kind: "param", name: "x" }, at: i })
    expect([m.size, m.get("p", "m0"), m.get("p", "m4")?.params]).toEqual([3, undefined, ["x"]])
    for (let i = 0; i < MAX_FACTS + 5; i++) m.learn({ provider: "p", model: "m4", fact: { kind: "beta", name: `b${i}` }, at: i })
    const f = m.get("p", "m4")!
    expect(f.params.length + f.betas.length).toBe(MAX_FACTS)
    expect(m.learn({ provider: "p", model: "m4", fact: { kind: "param", name: "x" }, at: 9 })).toBe(false)
    m.drop("p")
    expect(m.size).toBe(0)
  })
})

describe("shaping an Anthropic body", () => {
  it("leaves out named parameters, dotted paths and emptied parents, never model or messages", () => {
    const r = request({ temperature: 1, output_config: { effort: "high" }, context_management: { edits: [] } })
    const out = withoutParams(r, ["temperature", "output_config.effort", "model", "context_management"])!
    expect(Object.keys(out).sort()).toEqual(["max_tokens", "messages", "model"])
    expect(withoutParams(r, ["nothing_here"])).toBeUndefined()
    // A dotted path through an array reaches every item (a cloud's "tools.defer_loading: Extra inputs").
    const tools = request({ tools: [{ name: "a", input_schema: {}, defer_loading: true } as unknown as NonNullable<MessagesRequest["tools"]>[number], { name: "b", input_schema: {} }] })
    expect(withoutParams(tools, ["tools.defer_loading"])!.tools).toEqual([{ name: "a", input_schema: {} }, { name: "b", input_schema: {} }])
  })

  it("folds mid-conversation system messages into the system prompt, in order", () => {
    const r = request({
      system: [{ type: "text", text: "You are Claude." }],
      messages: [{ role: "user", content: "a" }, { role: "system", content: "Be brief." }, { role: "assistant", content: "b" }, { role: "system", content: "Now be kind." }, { role: "user", content: "c" }]
    })
    const out = foldSystemMessages(r)!
    expect(out.system).toEqual([{ type: "text", text: "You are Claude." }, { type: "text", text: "Be brief." }, { type: "text", text: "Now be kind." }])
    expect(out.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"])
    expect(foldSystemMessages(request())).toBeUndefined()
  })

  it("drops refused betas from the header, and the header when none is left", () => {
    const h = new Headers({ "anthropic-beta": "a,effort-2025-11-24, b" })
    withoutBetas(h, new Set(["effort-2025-11-24"]))
    expect(h.get("anthropic-beta")).toBe("a,b")
    withoutBetas(h, new Set(["a", "b"]))
    expect(h.has("anthropic-beta")).toBe(false)
  })
})
