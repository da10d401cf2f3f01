import type Anthropic from "@anthropic-ai/sdk"
import { SELF } from "cloudflare:test"
import { describe, expect, inject, it } from "vitest"
import fixture from "../fixtures/claude-code-request.json"
import { ADMIN, anthropicMessage, anthropicStream, messagesBody, post, putConfig, type RecordedCall, scenario, sdkClient, type Step, TOKEN } from "./helpers.js"

const fake = inject("fakeUrl")
const AWS = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }
const overloaded: Step = { status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }
const BETAS = "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"

const calls = async (id: string): Promise<Array<RecordedCall>> => (await fetch(`${fake}/__calls/${id}`)).json()
const serviceAccount = async (): Promise<Record<string, string>> => {
  const key = (await (await fetch(`${fake}/google/service-account.json`)).json()) as Record<string, string>
  // A key id of its own: this test's tokens are not in the isolate's cache yet.
  return { ...key, private_key_id: `k${Math.random().toString(36).slice(2)}` }
}
const frames = async (items: Array<unknown>): Promise<Array<{ base64: string }>> =>
  ((await (await fetch(`${fake}/__eventstream`, { method: "POST", body: JSON.stringify(items) })).json()) as Array<string>).map((base64) => ({ base64 }))
const admin = (method: string, path: string, body?: unknown) =>
  SELF.fetch(`http://proxy/admin/api${path}`, { method, headers: { ...ADMIN, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

/** anthropic (failing) -> the cloud provider -> a last anthropic-format backup. */
const chain = async (cloud: Record<string, unknown>, primarySteps: Array<Step> = [overloaded], stream = false) => {
  // Each test starts with closed breakers: the providers' names repeat from test to test.
  await admin("POST", "/health/reset")
  const primary = await scenario(primarySteps)
  const last = await scenario([stream ? { chunks: [{ data: anthropicStream("from the last provider") }] } : { json: anthropicMessage("from the last provider") }])
  await putConfig({
    providers: [
      { name: "anthropic", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
      { retries: 0, ...cloud },
      { name: "last", format: "anthropic", baseUrl: last.baseUrl, apiKey: "sk-last-0001", retries: 0 }
    ],
    accessTokens: [{ token: TOKEN }]
  })
  return { primary, last }
}
const bedrockSigV4 = { name: "bedrock", format: "bedrock", region: "us-east-1", baseUrl: `${fake}/bedrock/us-east-1`, aws: AWS }

describe("bedrock provider", () => {
  it("serves a real Claude Code request after the primary fails: SigV4 checked, the body Bedrock takes, event stream to SSE", async () => {
    const before = (await calls("bedrock")).length
    await chain(bedrockSigV4)
    const client = sdkClient()
    const message = await client.messages.stream(
      { ...(fixture as unknown as Anthropic.MessageStreamParams), thinking: { type: "enabled", budget_tokens: 2048 } },
      { headers: { "anthropic-beta": BETAS, "anthropic-version": "2026-10-21" } }
    ).finalMessage()
    // the fixture's last turn carries a tool result: the agent answers with text
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text"])
    expect(message.content[0]).toMatchObject({ type: "thinking", signature: expect.stringMatching(/^EqBedrock/) })
    expect(message.content[1]).toMatchObject({ type: "text", text: expect.stringContaining("The command ran") })
    const [call] = (await calls("bedrock")).slice(before)
    expect(call!.path).toBe("/model/us.anthropic.claude-opus-5-5/invoke-with-response-stream")
    expect(call!.headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE0001\/\d{8}\/us-east-1\/bedrock\/aws4_request/)
    expect(call!.headers["x-api-key"]).toBeUndefined()
    const sent = JSON.parse(call!.body) as Record<string, unknown>
    expect(sent["anthropic_version"]).toBe("bedrock-2023-05-31")
    expect(sent["anthropic_beta"]).toEqual(["interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14"])
    for (const dropped of ["model", "stream", "metadata"]) expect(sent).not.toHaveProperty(dropped)
    expect(JSON.stringify(sent)).not.toContain("defer_loading")
  })

  it("takes a Bedrock API key, answers without streaming and counts tokens on Bedrock before estimating", async () => {
    await chain({ name: "bedrock", format: "bedrock", region: "us-east-1", baseUrl: `${fake}/bedrock/us-east-1`, apiKey: "bedrock-api-key-fake-0001", models: { "*": "claude-sonnet-4-5-20250929" } })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("bedrock")
    expect(((await r.json()) as { content: Array<{ text: string }> }).content[0]!.text).toContain("Hello")
    const count = await post(`/t/${TOKEN}/v1/messages/count_tokens`, { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x".repeat(400) }] })
    expect(count.headers.get("x-failover-provider")).toBe("bedrock")
    const counted = (await count.json()) as { input_tokens: number }
    expect(counted.input_tokens).toBe(Math.ceil(JSON.stringify([{ role: "user", content: "x".repeat(400) }]).length / 4))
  })

  it("a bad signature fails over, loudly: the provider and the cause named, the secret never", async () => {
    await chain({ ...bedrockSigV4, aws: { ...AWS, secretAccessKey: "not/the/right/secret/0000000000000000" } })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-provider")).toBe("last")
    const health = (await (await admin("GET", "/health")).json()) as { providers: Array<{ name: string; lastError?: { message: string } }> }
    const error = health.providers.find((p) => p.name === "bedrock")!.lastError!.message
    expect(error).toContain("bedrock")
    expect(error).toContain("InvalidSignatureException")
    expect(error).not.toContain("not/the/right/secret")
  })

  it("maps errors before the stream by x-amzn-ErrorType: throttling fails over, validation returns to the client", async () => {
    const throttled = await scenario([{ status: 400, headers: { "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/" }, json: { message: "Too many requests" } }])
    const t = await chain({ ...bedrockSigV4, baseUrl: throttled.baseUrl })
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(await t.last.calls()).toHaveLength(1)

    // A fallback's validation 400 is "cannot serve this request": the next provider takes it, and the
    // refusal's words stay in the trail.
    const invalid = await scenario([{ status: 400, headers: { "x-amzn-errortype": "ValidationException" }, json: { message: "messages: field required" } }])
    const v = await chain({ ...bedrockSigV4, baseUrl: invalid.baseUrl })
    const moved = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(moved.headers.get("x-failover-provider")).toBe("last")
    expect(moved.headers.get("x-failover-attempts")).toBe(`anthropic=529, bedrock=400 "ValidationException: messages: field required", last=200`)
    expect(await v.last.calls()).toHaveLength(1)
  })

  it("an exception frame before any content fails over; after content it is the client's event: error", async () => {
    const start = { type: "message_start", message: { id: "msg_b", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }
    const early = await scenario([{ headers: { "content-type": "application/vnd.amazon.eventstream" }, chunks: await frames([{ event: start }, { exception: ["throttlingException", "Too many tokens, please wait"] }]) }])
    const e = await chain({ ...bedrockSigV4, baseUrl: early.baseUrl }, [overloaded], true)
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(await r.text()).toContain("from the last provider")
    expect(await e.last.calls()).toHaveLength(1)

    const late = await scenario([{
      headers: { "content-type": "application/vnd.amazon.eventstream" },
      chunks: await frames([
        { event: start },
        { event: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
        { event: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "half" } } },
        { exception: ["modelStreamErrorException", "The model stream failed"] }
      ])
    }])
    const l = await chain({ ...bedrockSigV4, baseUrl: late.baseUrl })
    const s = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    const text = await s.text()
    expect(text).toContain("\"text\":\"half\"")
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"Bedrock modelStreamErrorException: The model stream failed"\}\}/)
    expect(text).not.toContain("message_stop")
    expect(await l.last.calls()).toHaveLength(0)
  })
})

describe("vertex provider", () => {
  const vertexProvider = async (over: Record<string, unknown> = {}) => ({
    name: "vertex",
    format: "vertex",
    region: "us-east5",
    project: "fake-project",
    baseUrl: `${fake}/vertex`,
    serviceAccount: await serviceAccount(),
    models: { "*": "claude-sonnet-4-5-20250929" },
    ...over
  })

  it("serves streams after the primary fails, with one token request for many requests", async () => {
    await chain(await vertexProvider())
    const before = (await calls("google-token")).length
    const beforeVertex = (await calls("vertex")).length
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }), { "anthropic-beta": BETAS })))
    for (const r of answers) {
      expect(r.headers.get("x-failover-provider")).toBe("vertex")
      expect(await r.text()).toContain("message_stop")
    }
    expect((await calls("google-token")).length - before).toBe(1)
    const sent = (await calls("vertex")).slice(beforeVertex)
    expect(sent).toHaveLength(6)
    expect(sent[0]!.path).toBe("/projects/fake-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict")
    expect(sent[0]!.headers["authorization"]).toMatch(/^Bearer ya29\.fake-/)
    expect(sent[0]!.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14")
    const body = JSON.parse(sent[0]!.body) as Record<string, unknown>
    expect(body).toMatchObject({ anthropic_version: "vertex-2023-10-16", stream: true })
    expect(body).not.toHaveProperty("model")
  })

  it("an error event before content fails over; after content it reaches the client", async () => {
    const sse = (events: Array<Record<string, unknown>>) => ({ chunks: events.map((e) => ({ data: `event: ${String(e["type"])}\ndata: ${JSON.stringify(e)}\n\n` })) })
    const start = { type: "message_start", message: { id: "msg_v", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }
    const early = await scenario([sse([start, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }])])
    const e = await chain(await vertexProvider({ baseUrl: early.baseUrl }), [overloaded], true)
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))
    expect(r.headers.get("x-failover-provider")).toBe("last")
    expect(await e.last.calls()).toHaveLength(1)

    const late = await scenario([sse([start, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "part" } }, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }])])
    const l = await chain(await vertexProvider({ baseUrl: late.baseUrl }))
    const text = await (await post(`/t/${TOKEN}/v1/messages`, messagesBody({ stream: true }))).text()
    expect(text).toContain("\"text\":\"part\"")
    expect(text).toContain("event: error")
    expect(await l.last.calls()).toHaveLength(0)
  })

  it("a key that cannot sign is a loud failure that fails over", async () => {
    const key = await serviceAccount()
    const broken = { ...key, private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }
    await chain(await vertexProvider({ serviceAccount: broken }))
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-provider")).toBe("last")
    const health = (await (await admin("GET", "/health")).json()) as { providers: Array<{ name: string; lastError?: { message: string } }> }
    const error = health.providers.find((p) => p.name === "vertex")!.lastError!.message
    expect(error).toMatch(/vertex: unauthorized \(401\): the service-account private key cannot sign/)
    expect(error).toContain("failover@fake-project.iam.gserviceaccount.com")
  })
})

describe("cloud provider config", () => {
  it("masks every secret on reads, and a masked value sent back keeps the stored one", async () => {
    const sa = await serviceAccount()
    await chain(bedrockSigV4)
    const doc = (await (await admin("GET", "/config")).json()) as { providers: Array<Record<string, unknown>> }
    doc.providers.push({ name: "vertex", format: "vertex", region: "global", project: "fake-project", serviceAccount: sa })
    await putConfig({ providers: doc.providers, accessTokens: [{ token: TOKEN }] })
    const read = (await (await admin("GET", "/config")).json()) as { providers: Array<Record<string, any>>; accessTokens: Array<unknown> }
    const [, bedrock, , vertex] = read.providers
    expect(bedrock!["aws"]["secretAccessKey"]).toBe("fak\u20260000")
    expect(bedrock!["aws"]["accessKeyId"]).toBe(AWS.accessKeyId)
    expect(vertex!["serviceAccount"]["private_key"]).toMatch(/^-----BEGIN PRIVATE KEY-----\n\u2026.{4}\n-----END PRIVATE KEY-----\n$/)
    expect(JSON.stringify(read)).not.toContain(AWS.secretAccessKey)
    expect(JSON.stringify(read)).not.toContain("PRIVATE KEY-----\nMII")
    // GET -> PUT round trip: the stored secrets stay, so SigV4 still verifies
    const put = await admin("PUT", "/config", { providers: read.providers, accessTokens: [{ token: TOKEN }] })
    expect(put.status).toBe(200)
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
    expect(r.headers.get("x-failover-provider")).toBe("bedrock")
  })

  it("names paths inside the cloud fields in its 400s and stores nothing", async () => {
    const sa = await serviceAccount()
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: `${fake}/agent/anthropic` }] })
    const before = await (await admin("GET", "/config")).text()
    const paths = async (providers: Array<unknown>) => {
      const r = await admin("PUT", "/config", { providers, accessTokens: [{ token: TOKEN }] })
      expect(r.status).toBe(400)
      return ((await r.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)
    }
    expect(await paths([{ name: "v", format: "vertex", region: "us-east5", project: "fake-project", serviceAccount: { ...sa, private_key: "not a key" } }]))
      .toEqual(["providers[0].serviceAccount.private_key"])
    expect(await paths([
      { name: "b", format: "bedrock", aws: AWS },
      { name: "v", format: "vertex", region: "us-east5", serviceAccount: sa }
    ])).toEqual(["providers[0].region", "providers[1].project"])
    expect(await (await admin("GET", "/config")).text()).toBe(before)
  })
})

describe("thinking across clouds and Anthropic", () => {
  it("thinking made on Bedrock goes back to Anthropic as it is", async () => {
    const strictCalls = (await calls("strict")).length
    await putConfig({
      providers: [
        { name: "anthropic", format: "anthropic", baseUrl: `${fake}/strict`, retries: 0 },
        { ...bedrockSigV4, retries: 0 }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const history = [
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "thinking", thinking: "on bedrock", signature: "EqBedrockFakeSignature01" }, { type: "text", text: "hello" }] },
      { role: "user", content: "again" }
    ]
    const r = await post(`/t/${TOKEN}/v1/messages`, messagesBody({ messages: history }))
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("anthropic")
    const [sent] = (await calls("strict")).slice(strictCalls)
    expect(sent!.body).toContain("EqBedrockFakeSignature01")
  })

  it("if Anthropic refuses them anyway, the history is repaired and sent once more", async () => {
    const refusing = await scenario([
      { status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" } } },
      { json: anthropicMessage("repaired") }
    ])
    await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: refusing.baseUrl, retries: 0 }] })
    const history = [
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "thinking", thinking: "on vertex", signature: "EqVertexFakeSignature01" }, { type: "text", text: "hello" }] },
      { role: "user", content: "again" }
    ]
    const r = await post("/v1/messages", messagesBody({ messages: history }))
    expect(r.status).toBe(200)
    const [first, second] = await refusing.calls()
    expect(first!.body).toContain("EqVertexFakeSignature01")
    expect(second!.body).not.toContain("EqVertexFakeSignature01")
  })
})
