/**
 * The newest Claude on every platform, with no model map: Bedrock's Messages API, Claude Platform on
 * AWS, Microsoft Foundry, Vertex's multi-region location, and what the clouds refuse.
 */
import type Anthropic from "@anthropic-ai/sdk"
import { SELF } from "cloudflare:test"
import { describe, expect, inject, it } from "vitest"
import fixture from "../fixtures/claude-code-request.json"
import { ADMIN, anthropicMessage, messagesBody, post, putConfig, type RecordedCall, scenario, sdkClient, type Step, TOKEN } from "./helpers.js"

const fake = inject("fakeUrl")
const AWS = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }
const overloaded: Step = { status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }
/** What Claude Code 2.1.330 sends on every main-loop call. */
const CLAUDE_CODE_BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,per-turn-control-2026-07-01,mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,effort-2025-11-24"

const calls = async (id: string): Promise<Array<RecordedCall>> => (await fetch(`${fake}/__calls/${id}`)).json()
const since = async (id: string, run: () => Promise<unknown>) => {
  const before = (await calls(id)).length
  await run()
  return (await calls(id)).slice(before)
}

/** A failing primary, then the platform (no model map), then nothing: the platform must serve. */
const only = async (platform: Record<string, unknown>) => {
  await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
  const primary = await scenario([overloaded])
  await putConfig({
    providers: [{ name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 }, { retries: 0, ...platform }],
    accessTokens: [{ token: TOKEN }]
  })
}

/** Claude Code's own request, streamed through the official SDK's parser. */
const claudeCodeTurn = () =>
  sdkClient().messages.stream(fixture as unknown as Anthropic.MessageStreamParams, { headers: { "anthropic-beta": CLAUDE_CODE_BETAS } }).finalMessage()

describe("Bedrock's Messages API (api: messages)", () => {
  it("serves Claude Code's default model with SigV4 for bedrock-mantle: the first-party body, anthropic.<id>, plain SSE", async () => {
    await only({ name: "bedrock-messages", format: "bedrock", api: "messages", region: "us-east-1", baseUrl: `${fake}/bedrock-mantle/us-east-1`, aws: AWS })
    const sent = await since("bedrock-mantle", async () => {
      const message = await claudeCodeTurn()
      expect(message.content.at(-1)).toMatchObject({ type: "text", text: expect.stringContaining("The command ran") })
    })
    expect(sent).toHaveLength(1)
    const call = sent[0]!
    expect(call.path).toBe("/anthropic/v1/messages")
    expect(call.headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE0001\/\d{8}\/us-east-1\/bedrock-mantle\/aws4_request/)
    expect(call.headers["anthropic-version"]).toBe("2023-06-01")
    // tool search under the clouds' name; Claude Code's own and the unknown betas left out
    expect(call.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14,context-management-2025-06-27,tool-search-tool-2025-10-19,effort-2025-11-24")
    const body = JSON.parse(call.body) as Record<string, unknown>
    expect(body["model"]).toBe("anthropic.claude-opus-5-5")
    expect(body["stream"]).toBe(true)
    expect(body).not.toHaveProperty("anthropic_version")
  })

  it("takes a Bedrock API key as a bearer token", async () => {
    await only({ name: "bedrock-messages", format: "bedrock", api: "messages", region: "us-east-1", baseUrl: `${fake}/bedrock-mantle/us-east-1`, apiKey: "bedrock-api-key-fake-0001" })
    const sent = await since("bedrock-mantle", async () => {
      const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ model: "claude-opus-5-5" }))
      expect(r.headers.get("x-failover-provider"), r.headers.get("x-failover-attempts") ?? "").toBe("bedrock-messages")
      expect(((await r.json()) as { type: string }).type).toBe("message")
    })
    expect(sent[0]!.headers["authorization"]).toBe("Bearer bedrock-api-key-fake-0001")
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ model: "anthropic.claude-opus-5-5" })
  })
})

describe("Claude Platform on AWS", () => {
  it("signs for aws-external-anthropic, names the workspace, sends first-party ids and betas", async () => {
    await only({ name: "claude-aws", format: "claude-platform-aws", region: "us-east-1", workspaceId: "wrkspc_01fake", baseUrl: `${fake}/aws-external-anthropic/us-east-1`, aws: AWS })
    const sent = await since("aws-external-anthropic", async () => {
      const message = await claudeCodeTurn()
      expect(message.content.at(-1)).toMatchObject({ type: "text" })
    })
    const call = sent[0]!
    expect(call.path).toBe("/v1/messages")
    expect(call.headers["authorization"]).toMatch(/\/us-east-1\/aws-external-anthropic\/aws4_request/)
    expect(call.headers["anthropic-workspace-id"]).toBe("wrkspc_01fake")
    expect(call.headers["anthropic-beta"]).toBe(CLAUDE_CODE_BETAS)
    expect(JSON.parse(call.body)).toMatchObject({ model: "claude-opus-5-5", stream: true })
  })

  it("takes an API key as x-api-key, and counts tokens on the platform", async () => {
    await only({ name: "claude-aws", format: "claude-platform-aws", region: "us-east-1", workspaceId: "wrkspc_01fake", baseUrl: `${fake}/aws-external-anthropic/us-east-1`, apiKey: "sk-ant-api03-claude-aws-fake-0001" })
    const sent = await since("aws-external-anthropic", async () => {
      const r = await post(`/t/${TOKEN}/v1/messages/count_tokens`, { model: "claude-opus-5-5", messages: [{ role: "user", content: "hello" }] })
      expect(r.status).toBe(200)
      expect(r.headers.get("x-failover-provider"), r.headers.get("x-failover-attempts") ?? "").toBe("claude-aws")
      expect(((await r.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0)
    })
    expect(sent[0]!.path).toBe("/v1/messages/count_tokens")
    expect(sent[0]!.headers["x-api-key"]).toBe("sk-ant-api03-claude-aws-fake-0001")
  })

  it("needs its workspace id in the config (a path-named problem, nothing stored)", async () => {
    const r = await SELF.fetch("http://proxy/admin/api/config", {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ providers: [{ name: "claude-aws", format: "claude-platform-aws", region: "us-east-1", apiKey: "sk-ant-api-0001" }], accessTokens: [{ token: TOKEN }] })
    })
    expect(r.status).toBe(400)
    expect(JSON.stringify(await r.json())).toContain("workspaceId")
  })
})

describe("Microsoft Foundry (the anthropic format)", () => {
  it("serves Claude Code's default model with the deployment named after it, the key as x-api-key", async () => {
    await only({ name: "foundry", format: "anthropic", baseUrl: `${fake}/foundry/my-resource/anthropic`, apiKey: "foundry-key-0000000001" })
    const sent = await since("foundry", async () => {
      const message = await claudeCodeTurn()
      expect(message.content.at(-1)).toMatchObject({ type: "text" })
    })
    expect(sent[0]!.headers["x-api-key"]).toBe("foundry-key-0000000001")
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ model: "claude-opus-5-5" })
  })

  it("count_tokens: Foundry has none (a fallback's 404), so the proxy estimates", async () => {
    await only({ name: "foundry", format: "anthropic", baseUrl: `${fake}/foundry/my-resource/anthropic`, apiKey: "foundry-key-0000000001" })
    const r = await post(`/t/${TOKEN}/v1/messages/count_tokens`, { model: "claude-opus-5-5", messages: [{ role: "user", content: "hello there" }] })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("local")
  })
})

describe("Vertex", () => {
  const key = async () => ({ ...((await (await fetch(`${fake}/google/service-account.json`)).json()) as Record<string, string>), private_key_id: `k${Math.random().toString(36).slice(2)}` })

  it("the us multi-region location serves Claude Code's default model by its bare id", async () => {
    await only({ name: "vertex", format: "vertex", region: "us", project: "fake-project", baseUrl: `${fake}/vertex`, serviceAccount: await key() })
    const sent = await since("vertex", async () => {
      const message = await claudeCodeTurn()
      expect(message.content.at(-1)).toMatchObject({ type: "text" })
    })
    expect(sent[0]!.path).toBe("/projects/fake-project/locations/us/publishers/anthropic/models/claude-opus-5-5:streamRawPredict")
    // Vertex never gets a beta it refuses, nor Claude Code's own
    expect(sent[0]!.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14,context-management-2025-06-27,tool-search-tool-2025-10-19")
  })

  it("a field Vertex names as not permitted is left out on one more try, and from then on", async () => {
    await only({ name: "vertex", format: "vertex", region: "global", project: "fake-project", baseUrl: `${fake}/vertex`, serviceAccount: await key() })
    const body = messagesBody({ model: "claude-opus-5-5", context_management: { edits: [{ type: "compact_20260112" }] } })
    const sent = await since("vertex", async () => {
      for (let i = 0; i < 2; i++) expect((await post(`/t/${TOKEN}/v1/messages`, body)).headers.get("x-failover-provider")).toBe("vertex")
    })
    expect(sent.map((c) => "context_management" in JSON.parse(c.body))).toEqual([true, false, false])
  })
})

describe("Bedrock InvokeModel", () => {
  it("a 200 that is not a message fails over", async () => {
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    const primary = await scenario([overloaded])
    const odd = await scenario([{ json: { ok: true } }])
    const last = await scenario([{ json: anthropicMessage("from the last provider") }])
    await putConfig({
      providers: [
        { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
        { name: "bedrock", format: "bedrock", region: "us-east-1", baseUrl: odd.baseUrl, apiKey: "bedrock-api-key-fake-0001", retries: 0 },
        { name: "last", format: "anthropic", baseUrl: last.baseUrl, apiKey: "sk-last-0001", retries: 0 }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-attempts")).toBe("anthropic=529, bedrock=bad-response, last=200")
  })

  it("a ModelTimeoutException fails over like a timeout", async () => {
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    const primary = await scenario([overloaded])
    const timedOut = await scenario([{ status: 408, headers: { "x-amzn-errortype": "ModelTimeoutException:http://internal.amazon.com/" }, json: { message: "Model has timed out in processing the request." } }])
    const last = await scenario([{ json: anthropicMessage("from the last provider") }])
    await putConfig({
      providers: [
        { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
        { name: "bedrock", format: "bedrock", region: "us-east-1", baseUrl: timedOut.baseUrl, aws: AWS, retries: 0 },
        { name: "last", format: "anthropic", baseUrl: last.baseUrl, apiKey: "sk-last-0001", retries: 0 }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(r.headers.get("x-failover-attempts")).toBe("anthropic=529, bedrock=504, last=200")
  })
})
