import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { CLOUD_BETAS, cloudBetas, cloudBody } from "../../../src/formats/cloud/CloudBody.js"
import { bedrockFoundationId, cloudModelId } from "../../../src/formats/cloud/CloudModels.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest
/** The betas Claude Code sends with that request. */
const CLAUDE_CODE_BETAS = "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,context-management-2025-06-27,effort-2025-11-24,prompt-caching-scope-2026-01-05"

describe("the body each cloud gets from a real Claude Code request", () => {
  it("Bedrock: its version, betas as a body array, no model/stream/metadata, no first-party-only details", () => {
    const betas = cloudBetas("bedrock", CLAUDE_CODE_BETAS)
    expect(betas).toEqual(["interleaved-thinking-2025-05-14", "context-management-2025-06-27", "effort-2025-11-24"])
    const body = cloudBody("bedrock", fixture, betas)
    expect(Object.keys(body).sort()).toEqual(["anthropic_beta", "anthropic_version", "max_tokens", "messages", "output_config", "system", "thinking", "tools"])
    expect(body["anthropic_version"]).toBe("bedrock-2023-05-31")
    // the fixture's only context edit (clear_thinking) is first-party only: the field goes
    expect(body).not.toHaveProperty("context_management")
    const text = JSON.stringify(body)
    expect(text).not.toContain("defer_loading")
    expect(text).not.toContain("\"scope\"")
    expect(body["messages"]).toHaveLength(fixture.messages.length)
    expect(body["tools"]).toHaveLength(fixture.tools!.length)
  })

  it("Vertex: its version, stream and metadata kept, betas left to the header", () => {
    const body = cloudBody("vertex", fixture, cloudBetas("vertex", CLAUDE_CODE_BETAS))
    expect(body["anthropic_version"]).toBe("vertex-2023-10-16")
    expect(body).not.toHaveProperty("anthropic_beta")
    expect(body).not.toHaveProperty("model")
    expect(body["stream"]).toBe(true)
    expect(body["metadata"]).toEqual(fixture.metadata)
    expect(cloudBetas("vertex", CLAUDE_CODE_BETAS)).not.toContain("oauth-2025-04-20")
  })

  it("removes cache_control.scope wherever it is, keeps compaction edits, drops unknown fields", () => {
    const body = cloudBody("bedrock", {
      model: "m",
      max_tokens: 10,
      system: [{ type: "text", text: "s", cache_control: { type: "ephemeral", scope: "global" } as never }],
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "r", cache_control: { type: "ephemeral", ttl: "1h", scope: "org" } as never }] }] }],
      context_management: { edits: [{ type: "clear_tool_uses_20250919" }, { type: "compact_20260112", trigger: { type: "input_tokens", value: 150000 } }] },
      diagnostics: { x: 1 }
    }, [])
    expect(body["system"]).toEqual([{ type: "text", text: "s", cache_control: { type: "ephemeral" } }])
    expect(JSON.stringify(body["messages"])).toBe(JSON.stringify([{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "r", cache_control: { type: "ephemeral", ttl: "1h" } }] }] }]))
    expect(body["context_management"]).toEqual({ edits: [{ type: "compact_20260112", trigger: { type: "input_tokens", value: 150000 } }] })
    expect(body).not.toHaveProperty("diagnostics")
    expect(body).not.toHaveProperty("anthropic_beta")
  })

  it("never passes on a beta the cloud does not know", () => {
    for (const format of ["bedrock", "vertex"] as const) {
      for (const beta of ["claude-code-20250219", "oauth-2025-04-20", "made-up-2030-01-01"]) expect((CLOUD_BETAS[format] as ReadonlySet<string>).has(beta)).toBe(false)
    }
  })
})

describe("model ids on the clouds", () => {
  it("maps known Anthropic ids and aliases, and follows the rules for others", () => {
    expect(cloudModelId("bedrock", "claude-sonnet-4-5-20250929")).toBe("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
    expect(cloudModelId("bedrock", "claude-sonnet-4-5")).toBe("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
    expect(cloudModelId("vertex", "claude-sonnet-4-5")).toBe("claude-sonnet-4-5@20250929")
    expect(cloudModelId("vertex", "claude-opus-4-6")).toBe("claude-opus-4-6")
    expect(cloudModelId("bedrock", "claude-opus-4-6[1m]")).toBe("global.anthropic.claude-opus-4-6-v1")
    expect(cloudModelId("bedrock", "claude-next-9-20300101")).toBe("global.anthropic.claude-next-9-20300101-v1:0")
    expect(cloudModelId("vertex", "claude-next-9-20300101")).toBe("claude-next-9@20300101")
    // ids already in the cloud's form are kept
    expect(cloudModelId("bedrock", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe("eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
    expect(cloudModelId("bedrock", "arn:aws:bedrock:us-east-1:123:application-inference-profile/abc")).toBe("arn:aws:bedrock:us-east-1:123:application-inference-profile/abc")
    expect(cloudModelId("vertex", "claude-haiku-4-5@20251001")).toBe("claude-haiku-4-5@20251001")
    expect(bedrockFoundationId("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe("anthropic.claude-sonnet-4-5-20250929-v1:0")
  })
})

describe("beta policy per cloud", () => {
  const claudeCode = "claude-code-20250219,interleaved-thinking-2025-05-14,advanced-tool-use-2025-11-20,compact-2026-01-12,effort-2025-11-24,oauth-2025-04-20"
  it("renames tool search to the clouds' name and keeps compaction; drops Claude Code's own and OAuth", () => {
    for (const kind of ["bedrock", "bedrock-messages", "vertex"] as const) {
      expect(cloudBetas(kind, claudeCode)).toEqual(["interleaved-thinking-2025-05-14", "tool-search-tool-2025-10-19", "compact-2026-01-12", "effort-2025-11-24"])
    }
  })

  it("Claude Platform on AWS is Anthropic's own API: every beta but the OAuth one", () => {
    expect(cloudBetas("claude-platform-aws", claudeCode)).toEqual(["claude-code-20250219", "interleaved-thinking-2025-05-14", "advanced-tool-use-2025-11-20", "compact-2026-01-12", "effort-2025-11-24"])
  })

  it("keeps defer_loading only with tool search", () => {
    const request = { model: "m", max_tokens: 10, messages: [], tools: [{ name: "t", input_schema: {}, defer_loading: true }] } as unknown as MessagesRequest
    expect((cloudBody("bedrock", request, ["tool-search-tool-2025-10-19"])["tools"] as Array<Record<string, unknown>>)[0]).toHaveProperty("defer_loading", true)
    expect((cloudBody("bedrock", request, [])["tools"] as Array<Record<string, unknown>>)[0]).not.toHaveProperty("defer_loading")
  })

  it("the Messages API kinds take the first-party body (model and stream are set per request)", () => {
    const request = { model: "m", max_tokens: 10, stream: true, messages: [], metadata: { user_id: "u" }, context_management: { edits: [{ type: "clear_tool_uses_20250919" }] } } as unknown as MessagesRequest
    expect(cloudBody("claude-platform-aws", request, [])).toEqual({ max_tokens: 10, messages: [], metadata: { user_id: "u" }, context_management: { edits: [{ type: "clear_tool_uses_20250919" }] } })
  })
})
