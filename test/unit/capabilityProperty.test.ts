/**
 * A property over the whole catalogue: for generated Claude Code-like requests and every entry, the
 * request each translator (or, for Claude, the cloud and third-party shaping) sends satisfies the
 * entry's limits: output limit and its field, sampling, thinking, system placement, image types.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { type Capabilities, capabilitiesOf } from "../../src/Capabilities/Capabilities.js"
import { CATALOGUE } from "../../src/Capabilities/Catalogue.js"
import type { Format } from "../../src/Config/Document.js"
import { adapterFor } from "../../src/formats/Adapters.js"
import type { MessagesRequest } from "../../src/formats/anthropic/Messages.js"
import { fitToCapabilities } from "../../src/formats/anthropic/Shape.js"

/** A concrete model name a glob matches (`*` -> "", `?` -> "x", `[a-z]` -> its first character). */
const sampleOf = (glob: string) => glob.replace(/\[(.)[^\]]*\]/g, "$1").replace(/\?/g, "x").replace(/\*/g, "")

const PNG = "iVBORw0KGgo="
const block = fc.oneof(
  fc.string({ maxLength: 20 }).map((text) => ({ type: "text", text: text || "x" })),
  fc.constantFrom("image/png", "image/gif", "image/jpeg", "image/webp", "image/bmp").map((media_type) => ({ type: "image", source: { type: "base64", media_type, data: PNG } }))
)
const request = fc.record({
  max_tokens: fc.integer({ min: 1, max: 200_000 }),
  temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  top_p: fc.option(fc.double({ min: 0.1, max: 1, noNaN: true }), { nil: undefined }),
  thinking: fc.oneof(
    fc.constant(undefined),
    fc.constant({ type: "adaptive" }),
    fc.integer({ min: 1024, max: 64_000 }).map((budget_tokens) => ({ type: "enabled", budget_tokens }))
  ),
  turns: fc.array(fc.oneof(fc.array(block, { minLength: 1, maxLength: 3 }), fc.constant("system")), { minLength: 1, maxLength: 5 }),
  tools: fc.array(fc.string({ minLength: 1, maxLength: 80 }), { maxLength: 6 })
}).map((g): MessagesRequest => {
  const messages: Array<MessagesRequest["messages"][number]> = []
  for (const t of g.turns) {
    if (t === "system") messages.push({ role: "system", content: "Mid-conversation instruction." })
    else {
      messages.push({ role: "user", content: t as never })
      messages.push({ role: "assistant", content: "ok" })
    }
  }
  messages.push({ role: "user", content: "go on" })
  return {
    model: "claude-opus-5-5",
    max_tokens: g.max_tokens,
    system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=2.1.330;" }, { type: "text", text: "You are Claude." }],
    messages,
    ...(g.temperature === undefined ? {} : { temperature: g.temperature }),
    ...(g.top_p === undefined ? {} : { top_p: g.top_p }),
    ...(g.thinking === undefined ? {} : { thinking: g.thinking as NonNullable<MessagesRequest["thinking"]> }),
    tools: [...new Set(g.tools)].map((name) => ({ name: `mcp__${name}`, description: "d", input_schema: { type: "object", properties: { a: { type: "string" } } } }))
  }
})

type Json = Record<string, unknown>
const asJson = (body: string): Json => JSON.parse(body) as Json

/** What the real provider refuses, checked on what we send, per format. */
const violations = (format: Format, caps: Capabilities, sent: Json): Array<string> => {
  const out: Array<string> = []
  const limit = (v: unknown, name: string) => {
    if (caps.maxOutput !== undefined && typeof v === "number" && v > caps.maxOutput) out.push(`${name} ${v} > ${caps.maxOutput}`)
  }
  if (format === "openai") {
    limit(sent["max_tokens"] ?? sent["max_completion_tokens"], "output limit")
    if (caps.tokenField === "max_completion_tokens" && "max_tokens" in sent) out.push("max_tokens sent where max_completion_tokens is required")
    if (!caps.sampling && ("temperature" in sent || "top_p" in sent)) out.push("sampling sent")
    const messages = sent["messages"] as Array<{ role: string; content: unknown }>
    if (!caps.systemAnywhere && messages.some((m, i) => i > 0 && m.role === "system")) out.push("system message after the first")
    if (Array.isArray(caps.imageTypes)) {
      for (const m of messages) {
        for (const p of Array.isArray(m.content) ? m.content as Array<{ type: string; image_url?: { url: string } }> : []) {
          const type = /^data:([^;]+);/.exec(p.image_url?.url ?? "")?.[1]
          if (type !== undefined && !caps.imageTypes.includes(type)) out.push(`image ${type}`)
        }
      }
    }
  } else if (format === "openai-responses") {
    limit(sent["max_output_tokens"], "max_output_tokens")
    if (!caps.sampling && ("temperature" in sent || "top_p" in sent)) out.push("sampling sent")
    if (caps.thinking?.kind === "none" && ("reasoning" in sent || "include" in sent)) out.push("reasoning sent to a model without it")
    const input = sent["input"] as Array<{ role?: string }>
    if (!caps.systemAnywhere && input.some((i) => i.role === "system" || i.role === "developer")) out.push("system item in the input")
  } else if (format === "gemini") {
    const config = (sent["generationConfig"] ?? {}) as { maxOutputTokens?: number; thinkingConfig?: { thinkingBudget?: number }; temperature?: number }
    limit(config.maxOutputTokens, "maxOutputTokens")
    const budget = config.thinkingConfig?.thinkingBudget
    const t = caps.thinking
    if (budget !== undefined && budget !== -1 && t?.kind === "budget" && (budget < t.min || budget > t.max)) out.push(`thinkingBudget ${budget}`)
    const names = ((sent["tools"] ?? []) as Array<{ functionDeclarations?: Array<{ name: string }> }>).flatMap((x) => x.functionDeclarations ?? []).map((d) => d.name)
    for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(n)) out.push(`function name ${n}`)
    const parts = ((sent["contents"] ?? []) as Array<{ parts: Array<{ inlineData?: { mimeType: string } }> }>).flatMap((c) => c.parts)
    for (const p of parts) {
      const type = p.inlineData?.mimeType
      if (type !== undefined && Array.isArray(caps.imageTypes) && !caps.imageTypes.includes(type)) out.push(`image ${type}`)
    }
  } else {
    limit(sent["max_tokens"], "max_tokens")
    const messages = sent["messages"] as Array<{ role: string }>
    if (!caps.systemAnywhere && messages.some((m) => m.role === "system")) out.push("system message in messages")
  }
  return out
}

const send = (format: Format, model: string, caps: Capabilities, r: MessagesRequest): Json => {
  const adapter = adapterFor(format)
  if (adapter === undefined) return fitToCapabilities(r, caps) as unknown as Json
  const provider = { name: "p", baseUrl: "https://example.test/v1", apiKey: "k" }
  return asJson(adapter.translate({ ...r, stream: true }, { provider, model, capabilities: caps }).body)
}

describe("every catalogue entry, every generated request", () => {
  const cases = CATALOGUE.flatMap((entry) => entry.formats.flatMap((format) => entry.models.map((glob) => [format, sampleOf(glob) || "m"] as const)))

  it.each(cases)("%s %s: what we send fits what the model takes", (format, model) => {
    const caps = capabilitiesOf({ format }, model)
    fc.assert(fc.property(request, (r) => {
      expect(violations(format, caps, send(format, model, caps, r))).toEqual([])
    }), { numRuns: 40, seed: 7 })
  })
})
