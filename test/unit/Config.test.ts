import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { isAnthropicRun } from "../../src/Config/Document.js"
import { validate } from "../../src/Config/Validation.js"
import { mask, maskDocument, unmaskDocument } from "../../src/Config/Masking.js"
import { compileModels } from "../../src/Config/Models.js"

const doc = (baseUrl: string) => ({ providers: [{ name: "p", format: "anthropic", baseUrl }] })

describe("config validation", () => {
  it("refuses http and private hosts for a deployed Worker unless allowed", () => {
    for (const url of ["http://example.com", "https://127.0.0.1", "https://10.1.2.3", "https://[::1]", "https://localhost:8080", "https://192.168.1.1"]) {
      const r = validate(doc(url), { allowPrivateUpstreams: false })
      expect(Either.isLeft(r), url).toBe(true)
      expect(Either.isRight(validate(doc(url), { allowPrivateUpstreams: true })), url).toBe(true)
    }
    expect(Either.isRight(validate(doc("https://api.anthropic.com"), { allowPrivateUpstreams: false }))).toBe(true)
  })

  it("fills defaults so what is stored is what runs", () => {
    const r = validate(doc("https://api.anthropic.com"), { allowPrivateUpstreams: false })
    const p = Either.getOrThrow(r).providers[0]!
    expect([p.enabled, p.retries, p.timeoutMs, p.nonStreamingTimeoutMs]).toEqual([true, 1, 60_000, 900_000])
  })

  it("pins the gateway-protocol defaults: stream timing like Claude Code's, the attribution block untouched", () => {
    const settings = Either.getOrThrow(validate(doc("https://api.anthropic.com"), { allowPrivateUpstreams: false })).settings
    // Claude Code gives a silent stream up after 300 s and a request after API_TIMEOUT_MS (600 s).
    expect(settings.stream).toEqual({ firstEventTimeoutMs: 300_000, firstEventIdleMs: 45_000, idleTimeoutMs: 300_000, keepAliveMs: 240_000 })
    expect(settings.stripBillingCch).toBe(false)
  })

  it("tells Anthropic-run endpoints from third parties", () => {
    const run = (baseUrl: string) => isAnthropicRun({ format: "anthropic", baseUrl })
    expect(run("https://api.anthropic.com")).toBe(true)
    expect(run("https://aws-external-anthropic.us-east-1.api.aws")).toBe(true)
    expect(run("https://bedrock-mantle.us-east-1.api.aws/anthropic")).toBe(true)
    expect(run("https://my-resource.services.ai.azure.com/anthropic")).toBe(true)
    expect(isAnthropicRun({ format: "bedrock", region: "us-east-1" })).toBe(true)
    expect(isAnthropicRun({ format: "vertex", region: "global" })).toBe(true)
    expect(run("https://api.deepseek.com/anthropic")).toBe(false)
    expect(run("https://openrouter.ai/api")).toBe(false)
    expect(run("https://anthropic.com.evil.example")).toBe(false)
    expect(isAnthropicRun({ format: "openai", baseUrl: "https://api.anthropic.com" })).toBe(false)
  })

  it("needs an apiKey for a public openai/gemini provider", () => {
    const r = validate({ providers: [{ name: "o", format: "openai", baseUrl: "https://api.openai.com/v1" }], accessTokens: [{ token: "t".repeat(20) }] }, { allowPrivateUpstreams: false })
    expect(Either.isLeft(r) && r.left.map((i) => i.path.join("."))).toEqual(["providers.0.apiKey"])
  })

  it("knows the openai-responses format: an apiKey is needed, and reasoning.summary takes OpenAI's values only", () => {
    const provider = { name: "gpt", format: "openai-responses", baseUrl: "https://api.openai.com/v1" }
    const tokens = [{ token: "t".repeat(20) }]
    const missing = validate({ providers: [provider], accessTokens: tokens }, { allowPrivateUpstreams: false })
    expect(Either.isLeft(missing) && missing.left.map((i) => i.path.join("."))).toEqual(["providers.0.apiKey"])
    const ok = validate({ providers: [{ ...provider, apiKey: "sk-x", reasoning: { summary: "auto" } }], accessTokens: tokens }, { allowPrivateUpstreams: false })
    expect(Either.getOrThrow(ok).providers[0]).toMatchObject({ format: "openai-responses", reasoning: { summary: "auto" } })
    const bad = validate({ providers: [{ ...provider, apiKey: "sk-x", reasoning: { summary: "everything" } }], accessTokens: tokens }, { allowPrivateUpstreams: false })
    expect(Either.isLeft(bad) && bad.left).toEqual([
      { path: ["providers", 0, "reasoning", "summary"], message: "Expected \"auto\" | \"concise\" | \"detailed\", actual \"everything\"" }
    ])
  })
})

describe("masking", () => {
  it("masks long and short secrets", () => {
    expect(mask("sk-ant-api03-abcdefc1a9")).toBe("sk-\u2026c1a9")
    expect(mask("short")).toBe("\u2026rt")
  })

  it("round-trips a masked document back to the stored secrets", () => {
    const stored = { providers: [{ name: "b", format: "anthropic" as const, baseUrl: "https://b.dev", apiKey: "sk-secret-key-0001" }], accessTokens: [{ token: "tok_aaaaaaaaaaaaaaaa1" }, { token: "tok_bbbbbbbbbbbbbbbb2" }] }
    const masked = maskDocument(stored)
    expect(JSON.stringify(masked)).not.toContain("secret-key")
    const { document, problems } = unmaskDocument(masked, stored)
    expect(problems).toEqual([])
    expect(document).toEqual(stored)
  })
})

describe("masking a key pool", () => {
  const stored = {
    providers: [{
      name: "team",
      format: "bedrock" as const,
      region: "us-east-1",
      keys: [
        { key: "bedrock-api-key-aaaa0001", note: "a" },
        { key: "bedrock-api-key-bbbb0002", weight: 2 },
        { aws: { accessKeyId: "AKIAFAKEFAKEFAKE0003", secretAccessKey: "aws-secret-cccc0003" } }
      ]
    }]
  }

  it("masks each key and AWS secret; a masked pool sent back (even reordered) keeps the stored secrets", () => {
    const masked = maskDocument(stored)
    const text = JSON.stringify(masked)
    for (const secret of ["bedrock-api-key-aaaa0001", "bedrock-api-key-bbbb0002", "aws-secret-cccc0003"]) expect(text).not.toContain(secret)
    expect(masked.providers[0]!.keys!.map((k) => k.key ?? k.aws!.secretAccessKey)).toEqual(["bed…0001", "bed…0002", "aws…0003"])
    const reordered = { providers: [{ ...masked.providers[0]!, keys: [masked.providers[0]!.keys![1]!, masked.providers[0]!.keys![0]!, masked.providers[0]!.keys![2]!] }] }
    const { document, problems } = unmaskDocument(reordered, stored)
    expect(problems).toEqual([])
    expect((document as typeof stored).providers[0]!.keys.map((k) => k.key ?? k.aws!.secretAccessKey)).toEqual(["bedrock-api-key-bbbb0002", "bedrock-api-key-aaaa0001", "aws-secret-cccc0003"])
  })

  it("a masked key that matches no stored key of the provider is a problem at its path", () => {
    const { problems } = unmaskDocument({ providers: [{ ...stored.providers[0]!, keys: [{ key: "bed…9999" }] }] }, stored)
    expect(problems.map((p) => p.path)).toEqual([["providers", 0, "keys", 0, "key"]])
  })
})

describe("model map", () => {
  it("prefers exact keys, then globs in order, else keeps the model", () => {
    const map = compileModels({ "claude-*": "glob", "claude-x": "exact", "*": "any" })
    expect(map("claude-x")).toBe("exact")
    expect(map("claude-y")).toBe("glob")
    expect(map("gpt")).toBe("any")
    expect(compileModels({ "a.b*": "dot" })("aXb")).toBe("aXb")
  })
})
