import { countTokens } from "@anthropic-ai/tokenizer"
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import type { MessagesRequest } from "../../src/formats/anthropic/Messages.js"
import { estimateInputTokens } from "../../src/TokenEstimate.js"

const fixture = JSON.parse(readFileSync(new URL("../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest

describe("token estimate", () => {
  it("is within 15% of the Claude tokenizer on the real Claude Code request", () => {
    // Reference: Anthropic's published tokenizer over the same JSON text the request carries.
    const reference = countTokens(JSON.stringify(fixture.system)) + countTokens(JSON.stringify(fixture.messages)) +
      countTokens(JSON.stringify(fixture.tools))
    const estimate = estimateInputTokens(fixture)
    expect(Math.abs(estimate - reference) / reference).toBeLessThan(0.15)
  })

  it("counts an image once, not by its base64 length", () => {
    const data = "A".repeat(400_000)
    const request = { model: "m", messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }] }] } as MessagesRequest
    expect(estimateInputTokens(request)).toBeLessThan(2_000)
  })
})
