/**
 * The fake upstream's Claude clouds behave like the real ones (scripts/fake-clouds.mjs): for every rule,
 * one request that trips it (with the cloud's real status and body) and one that passes. SigV4 requests
 * are signed here by an independent signer (@smithy/signature-v4) for the service each cloud names.
 */
import { Sha256 } from "@aws-crypto/sha256-js"
import { SignatureV4 } from "@smithy/signature-v4"
import { createSign } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  BEDROCK_MODEL_RULES,
  CLAUDE_AWS_RULES,
  CLOUD_CLAUDE,
  FAKE_AWS,
  FAKE_BEDROCK_API_KEY,
  FAKE_CLAUDE_AWS_API_KEY,
  FAKE_CLAUDE_AWS_WORKSPACE,
  FIRST_PARTY_IDS,
  FOUNDRY_AUTH_SOURCES,
  FOUNDRY_BAD_KEY,
  FOUNDRY_BAD_TOKEN,
  FOUNDRY_RULES,
  MANTLE_RULES,
  SIGV4_SOURCES,
  VERTEX_MODEL_SOURCE,
  VERTEX_TOOL_RULES
} from "../../scripts/fake-clouds.mjs"
import { type FakeUpstream, startFakeUpstream } from "../../scripts/fake-upstream.mjs"

let fake: FakeUpstream
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 })
})
afterAll(() => fake.close())

type Json = Record<string, any>
interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: Json
}
interface Call {
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: string
}

const send = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
  const r = await fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) })
  const text = await r.text()
  let json: Json = {}
  try {
    json = JSON.parse(text) as Json
  } catch {
    // SSE or empty
  }
  return { status: r.status, headers: r.headers, text, json }
}

/** Signs like an AWS SDK would for `service` in `region` (the fake recomputes with its own signer). */
const signed = async (path: string, body: unknown, headers: Record<string, string>, opts: { service: string; region: string; secret?: string }): Promise<Answer> => {
  const url = new URL(`${fake.url}${path}`)
  const text = JSON.stringify(body)
  const signer = new SignatureV4({
    credentials: { accessKeyId: FAKE_AWS.accessKeyId, secretAccessKey: opts.secret ?? FAKE_AWS.secretAccessKey },
    region: opts.region,
    service: opts.service,
    sha256: Sha256,
    applyChecksum: false
  })
  const request = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, "content-type": "application/json", ...headers },
    body: text
  })
  // fetch sends the same host itself
  const { host: _host, ...rest } = request.headers as Record<string, string>
  return send(path, text, rest)
}

const calls = async (id: string): Promise<Array<Call>> => (await fetch(`${fake.url}/__calls/${id}`)).json() as Promise<Array<Call>>
const lastCall = async (id: string): Promise<Call> => (await calls(id)).at(-1)!
const anthropicError = (type: string, message: string) => ({ type: "error", error: { type, message } })
const hi = [{ role: "user", content: "hi" }]
const bash = { name: "Bash", description: "Run a command", input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] } }

// ---- Bedrock InvokeModel

describe("Bedrock InvokeModel (/bedrock): the model id in the path", () => {
  const invokeBody = { anthropic_version: "bedrock-2023-05-31", max_tokens: 64, messages: hi }
  const invoke = (id: string, op = "invoke") =>
    send(`/bedrock/us-east-1/model/${encodeURIComponent(id)}/${op}`, invokeBody, { authorization: `Bearer ${FAKE_BEDROCK_API_KEY}` })
  const validation = async (r: Promise<Answer>, message: string) => {
    const a = await r
    expect(a.status).toBe(400)
    expect(a.headers.get("x-amzn-errortype")).toMatch(/^ValidationException:/)
    expect(a.json).toEqual({ message })
  }
  const INVALID = "The provided model identifier is invalid."
  const profiles = CLOUD_CLAUDE.flatMap((m) => m.geos.map((geo) => `${geo}.anthropic.${m.bedrock}`))

  it.each(profiles)("serves the inference profile %s", async (id) => {
    const a = await invoke(id)
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ type: "message", model: id })
  })

  it("serves a profile id URL-encoded in the path, streaming as event-stream frames", async () => {
    const r = await fetch(`${fake.url}/bedrock/us-east-1/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream`, {
      method: "POST",
      headers: { authorization: `Bearer ${FAKE_BEDROCK_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(invokeBody)
    })
    expect(r.status).toBe(200)
    expect(r.headers.get("content-type")).toBe("application/vnd.amazon.eventstream")
    await r.arrayBuffer()
  })

  it.each(CLOUD_CLAUDE.filter((m) => m.onDemand).map((m) => `anthropic.${m.bedrock}`))("serves the foundation id %s on demand", async (id) => {
    expect((await invoke(id)).status).toBe(200)
  })

  it.each(CLOUD_CLAUDE.filter((m) => !m.onDemand).map((m) => `anthropic.${m.bedrock}`))("refuses %s on demand: profiles only", async (id) => {
    await validation(invoke(id), `Invocation of model ID ${id} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`)
  })

  it("names anthropic.claude-opus-4-7 in the on-demand refusal, on the streaming operation too", async () => {
    await validation(invoke("anthropic.claude-opus-4-7", "invoke-with-response-stream"),
      "Invocation of model ID anthropic.claude-opus-4-7 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.")
  })

  it.each([
    ["a guessed -v1 suffix", "global.anthropic.claude-opus-5-5-v1"],
    ["a geography without a profile (Opus 4.1 is us only)", "global.anthropic.claude-opus-4-1-20250805-v1:0"],
    ["a geography without a profile (Opus 4 is us only)", "eu.anthropic.claude-opus-4-20250514-v1:0"],
    ["Opus 4.6 without its -v1", "us.anthropic.claude-opus-4-6"],
    ["Opus 4.6 with -v1:0", "anthropic.claude-opus-4-6-v1:0"],
    ["a dated id without -v1:0", "us.anthropic.claude-sonnet-4-5-20250929"],
    ["an alias", "us.anthropic.claude-sonnet-4-5"],
    ["a first-party id without anthropic.", "claude-opus-4-7"],
    ["an unknown geography", "ca.anthropic.claude-opus-5-5"],
    ["a Vertex id", "claude-opus-4-5@20251101"]
  ])("refuses %s (%s) as an invalid identifier", async (_, id) => {
    await validation(invoke(id), INVALID)
  })

  it("takes an ARN as it is", async () => {
    expect((await invoke("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123")).status).toBe(200)
  })

  it("counts tokens on a foundation id of 4.6 and earlier, and refuses profile ids and the profile-only models", async () => {
    const body = { input: { invokeModel: { body: Buffer.from(JSON.stringify(invokeBody)).toString("base64") } } }
    const count = (id: string) => send(`/bedrock/us-east-1/model/${encodeURIComponent(id)}/count-tokens`, body, { authorization: `Bearer ${FAKE_BEDROCK_API_KEY}` })
    for (const id of ["anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-opus-4-6-v1", "anthropic.claude-sonnet-4-6", "anthropic.claude-haiku-4-5-20251001-v1:0"]) {
      const a = await count(id)
      expect(a.status).toBe(200)
      expect(a.json).toEqual({ inputTokens: Math.ceil(JSON.stringify(hi).length / 4) })
    }
    await validation(count("us.anthropic.claude-sonnet-4-5-20250929-v1:0"), "The provided model doesn't support counting tokens.")
    await validation(count("anthropic.claude-opus-4-7"), "The provided model doesn't support counting tokens.")
    await validation(count("anthropic.claude-opus-5-5"), "The provided model doesn't support counting tokens.")
    await validation(count("anthropic.claude-opus-5-5-v1"), INVALID)
  })

  it("checks the SigV4 scope: service bedrock and the path's region, then the signature", async () => {
    const path = "/bedrock/us-west-2/model/us.anthropic.claude-opus-4-8/invoke"
    const ok = await signed(path, invokeBody, {}, { service: "bedrock", region: "us-west-2" })
    expect(ok.status).toBe(200)
    const service = await signed(path, invokeBody, {}, { service: "bedrock-mantle", region: "us-west-2" })
    expect(service.status).toBe(403)
    expect(service.json).toEqual({ message: "Credential should be scoped to correct service: 'bedrock'. " })
    expect(service.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/)
    const region = await signed(path, invokeBody, {}, { service: "bedrock", region: "us-east-1" })
    expect(region.status).toBe(403)
    expect(region.json).toEqual({ message: "Credential should be scoped to a valid region. " })
    const secret = await signed(path, invokeBody, {}, { service: "bedrock", region: "us-west-2", secret: "not/the/right/secret/0000000000000000" })
    expect(secret.status).toBe(403)
    expect(secret.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/)
    expect((await lastCall("bedrock")).headers["authorization"]).toMatch(/Credential=AKIAFAKEFAKEFAKE0001\/\d{8}\/us-west-2\/bedrock\/aws4_request/)
  })
})

// ---- bedrock-mantle

describe("Bedrock's Messages API (/bedrock-mantle)", () => {
  const PATH = "/bedrock-mantle/us-east-1/anthropic/v1/messages"
  const V = { "anthropic-version": "2023-06-01" }
  const body = (over: Json = {}) => ({ model: "anthropic.claude-opus-5-5", max_tokens: 64, messages: hi, ...over })
  const keyed = (over: Json = {}, headers: Record<string, string> = V, path = PATH) => send(path, body(over), { authorization: `Bearer ${FAKE_BEDROCK_API_KEY}`, ...headers })

  it("serves a SigV4 request signed for service bedrock-mantle in the path's region, and records it", async () => {
    const a = await signed(PATH, body(), V, { service: "bedrock-mantle", region: "us-east-1" })
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ type: "message", role: "assistant", model: "anthropic.claude-opus-5-5" })
    const call = await lastCall("bedrock-mantle")
    expect(call.path).toBe("/anthropic/v1/messages")
    expect(call.headers["authorization"]).toMatch(/Credential=AKIAFAKEFAKEFAKE0001\/\d{8}\/us-east-1\/bedrock-mantle\/aws4_request/)
    expect(call.headers["anthropic-version"]).toBe("2023-06-01")
    expect(JSON.parse(call.body)).toMatchObject({ model: "anthropic.claude-opus-5-5" })
  })

  it("refuses a SigV4 request scoped to another service or region, or badly signed", async () => {
    const service = await signed(PATH, body(), V, { service: "bedrock", region: "us-east-1" })
    expect(service.status).toBe(403)
    expect(service.json).toEqual({ message: "Credential should be scoped to correct service: 'bedrock-mantle'. " })
    const region = await signed(PATH, body(), V, { service: "bedrock-mantle", region: "eu-west-1" })
    expect(region.status).toBe(403)
    expect(region.json).toEqual({ message: "Credential should be scoped to a valid region. " })
    const secret = await signed(PATH, body(), V, { service: "bedrock-mantle", region: "us-east-1", secret: "not/the/right/secret/0000000000000000" })
    expect(secret.status).toBe(403)
    expect(secret.json).toEqual({ message: "The request signature we calculated does not match the signature you provided." })
  })

  it("takes a Bedrock API key as a bearer token or as x-api-key; refuses another key or none", async () => {
    expect((await keyed()).status).toBe(200)
    expect((await send(PATH, body(), { "x-api-key": FAKE_BEDROCK_API_KEY, ...V })).status).toBe(200)
    const wrong = await send(PATH, body(), { authorization: "Bearer not-a-bedrock-key", ...V })
    expect(wrong.status).toBe(403)
    expect(wrong.json).toEqual({ message: "Invalid API Key format" })
    const none = await send(PATH, body(), V)
    expect(none.status).toBe(403)
    expect(none.json).toEqual({ message: "Missing Authentication Token" })
  })

  it("requires the anthropic-version header", async () => {
    const a = await keyed({}, {})
    expect(a.status).toBe(400)
    expect(a.json).toMatchObject(anthropicError("invalid_request_error", "anthropic-version: header is required"))
  })

  it.each(["anthropic.claude-opus-5-5", "anthropic.claude-fable-5-2", "anthropic.claude-opus-4-6", "anthropic.claude-opus-4-6-v1", "anthropic.claude-sonnet-4-6",
    "anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5", "anthropic.claude-sonnet-4-5-20250929"])("serves model %s", async (model) => {
    const a = await keyed({ model })
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ model })
  })

  it.each(["claude-opus-5-5", "us.anthropic.claude-opus-5-5", "global.anthropic.claude-opus-4-7", "anthropic.claude-opus-5-5-v1", "anthropic.claude-opus-4-6-v1:0"])(
    "refuses model %s: anthropic.<id> only",
    async (model) => {
      const a = await keyed({ model })
      expect(a.status).toBe(404)
      expect(a.json).toMatchObject(anthropicError("not_found_error", `The model '${model}' does not exist`))
    }
  )

  it.each(["web_search_20250305", "web_fetch_20250910", "code_execution_20250825"])("refuses the server tool %s", async (type) => {
    const a = await keyed({ tools: [bash, { type, name: type.replace(/_\d+$/, "") }] })
    expect(a.status).toBe(400)
    expect(a.json).toMatchObject(anthropicError("invalid_request_error",
      `tools.1: Input tag '${type}' found using 'type' does not match any of the expected tags: 'bash_20250124', 'custom', 'text_editor_20250124', 'text_editor_20250429', 'text_editor_20250728'`))
  })

  it("serves client tools as the anthropic agent does: a Bash call, streamed as Anthropic SSE", async () => {
    const json = await keyed({ tools: [bash, { type: "text_editor_20250728", name: "str_replace_based_edit_tool" }] })
    expect(json.status).toBe(200)
    expect(json.json).toMatchObject({ stop_reason: "tool_use", content: [{ type: "tool_use", name: "Bash" }] })
    const sse = await keyed({ stream: true })
    expect(sse.headers.get("content-type")).toBe("text/event-stream")
    expect(sse.text).toContain("event: message_start")
    expect(sse.text).toContain("event: message_stop")
  })

  it("counts tokens on /count_tokens with the same checks", async () => {
    const a = await keyed({ max_tokens: undefined }, V, `${PATH}/count_tokens`)
    expect(a.status).toBe(200)
    expect(a.json).toEqual({ input_tokens: Math.ceil(JSON.stringify(hi).length / 4) })
    expect((await keyed({ model: "claude-opus-5-5" }, V, `${PATH}/count_tokens`)).status).toBe(404)
    expect((await keyed({}, {}, `${PATH}/count_tokens`)).status).toBe(400)
  })
})

// ---- Claude Platform on AWS

describe("Claude Platform on AWS (/aws-external-anthropic)", () => {
  const PATH = "/aws-external-anthropic/us-west-2/v1/messages"
  const H = { "anthropic-version": "2023-06-01", "anthropic-workspace-id": FAKE_CLAUDE_AWS_WORKSPACE }
  const body = (over: Json = {}) => ({ model: "claude-sonnet-5-5", max_tokens: 64, messages: hi, ...over })
  const keyed = (over: Json = {}, headers: Record<string, string> = H, path = PATH) => send(path, body(over), { "x-api-key": FAKE_CLAUDE_AWS_API_KEY, ...headers })

  it("serves a SigV4 request signed for service aws-external-anthropic, and records it", async () => {
    const a = await signed(PATH, body(), H, { service: "aws-external-anthropic", region: "us-west-2" })
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ type: "message", model: "claude-sonnet-5-5" })
    const call = await lastCall("aws-external-anthropic")
    expect(call.path).toBe("/v1/messages")
    expect(call.headers["authorization"]).toMatch(/\/us-west-2\/aws-external-anthropic\/aws4_request/)
    expect(call.headers["anthropic-workspace-id"]).toBe(FAKE_CLAUDE_AWS_WORKSPACE)
  })

  it("refuses a SigV4 request scoped to bedrock", async () => {
    const a = await signed(PATH, body(), H, { service: "bedrock", region: "us-west-2" })
    expect(a.status).toBe(403)
    expect(a.json).toEqual({ message: "Credential should be scoped to correct service: 'aws-external-anthropic'. " })
  })

  it("takes the workspace API key as x-api-key or a bearer token; refuses another key or none", async () => {
    expect((await keyed()).status).toBe(200)
    expect((await send(PATH, body(), { authorization: `Bearer ${FAKE_CLAUDE_AWS_API_KEY}`, ...H })).status).toBe(200)
    const wrong = await send(PATH, body(), { "x-api-key": "sk-ant-api03-not-this-one", ...H })
    expect(wrong.status).toBe(401)
    expect(wrong.json).toMatchObject(anthropicError("authentication_error", "invalid x-api-key"))
    const none = await send(PATH, body(), H)
    expect(none.status).toBe(401)
    expect(none.json).toMatchObject(anthropicError("authentication_error", "x-api-key header is required"))
  })

  it("requires anthropic-version and a well-formed anthropic-workspace-id", async () => {
    const version = await keyed({}, { "anthropic-workspace-id": FAKE_CLAUDE_AWS_WORKSPACE })
    expect(version.status).toBe(400)
    expect(version.json).toMatchObject(anthropicError("invalid_request_error", "anthropic-version: header is required"))
    const missing = await keyed({}, { "anthropic-version": "2023-06-01" })
    expect(missing.status).toBe(400)
    expect(missing.json).toMatchObject(anthropicError("invalid_request_error", "anthropic-workspace-id header is required"))
    const malformed = await keyed({}, { ...H, "anthropic-workspace-id": "default" })
    expect(malformed.status).toBe(400)
    expect(malformed.json).toMatchObject(anthropicError("invalid_request_error", "anthropic-workspace-id header must be a valid workspace ID."))
  })

  it("takes first-party betas, but not the OAuth one", async () => {
    expect((await keyed({}, { ...H, "anthropic-beta": "context-management-2025-06-27,effort-2025-11-24,some-beta-2026-09-01" })).status).toBe(200)
    const oauth = await keyed({}, { ...H, "anthropic-beta": "claude-code-20250219,oauth-2025-04-20" })
    expect(oauth.status).toBe(400)
    expect(oauth.json).toMatchObject(anthropicError("invalid_request_error",
      "Unexpected value(s) `oauth-2025-04-20` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header."))
  })

  it.each([...FIRST_PARTY_IDS])("serves the first-party id %s", async (model) => {
    const a = await keyed({ model })
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ model })
  })

  it.each(["anthropic.claude-opus-5-5", "us.anthropic.claude-opus-4-7", "claude-opus-4-6-v1", "claude-opus-4-5@20251101", "claude-opus-5-5-v1"])("refuses %s as the first-party API does", async (model) => {
    const a = await keyed({ model })
    expect(a.status).toBe(404)
    expect(a.json).toMatchObject(anthropicError("not_found_error", `model: ${model}`))
  })

  it("streams as Anthropic SSE and counts tokens", async () => {
    const sse = await keyed({ stream: true })
    expect(sse.headers.get("content-type")).toBe("text/event-stream")
    expect(sse.text).toContain("event: message_stop")
    const count = await keyed({ max_tokens: undefined }, H, `${PATH}/count_tokens`)
    expect(count.json).toEqual({ input_tokens: Math.ceil(JSON.stringify(hi).length / 4) })
  })
})

// ---- Microsoft Foundry

describe("Claude in Microsoft Foundry (/foundry)", () => {
  const PATH = "/foundry/my-resource/anthropic/v1/messages"
  const V = { "anthropic-version": "2023-06-01" }
  const body = (over: Json = {}) => ({ model: "claude-opus-5-5", max_tokens: 64, messages: hi, ...over })
  const KEY_DENIED = {
    error: {
      code: "401",
      message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."
    }
  }

  it("takes a key as api-key or x-api-key, or an Entra bearer token, and records the call", async () => {
    expect((await send(PATH, body(), { "api-key": "a-foundry-key", ...V })).status).toBe(200)
    expect((await send(PATH, body(), { "x-api-key": "a-foundry-key", ...V })).status).toBe(200)
    const entra = await send(PATH, body(), { authorization: "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi", ...V })
    expect(entra.status).toBe(200)
    expect(entra.json).toMatchObject({ type: "message", model: "claude-opus-5-5" })
    const call = await lastCall("foundry")
    expect(call.path).toBe("/anthropic/v1/messages")
    expect(call.headers["authorization"]).toBe("Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi")
  })

  it("refuses a bad key, a missing one and a bad Entra token in Azure's shapes", async () => {
    const bad = await send(PATH, body(), { "api-key": FOUNDRY_BAD_KEY, ...V })
    expect(bad.status).toBe(401)
    expect(bad.json).toEqual(KEY_DENIED)
    const none = await send(PATH, body(), V)
    expect(none.status).toBe(401)
    expect(none.json).toEqual(KEY_DENIED)
    const token = await send(PATH, body(), { authorization: `Bearer ${FOUNDRY_BAD_TOKEN}`, ...V })
    expect(token.status).toBe(401)
    expect(token.json).toEqual({ statusCode: 401, message: "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired." })
  })

  it("requires anthropic-version", async () => {
    const a = await send(PATH, body(), { "api-key": "a-foundry-key" })
    expect(a.status).toBe(400)
    expect(a.json).toMatchObject(anthropicError("invalid_request_error", "anthropic-version: header is required"))
  })

  it.each([...FIRST_PARTY_IDS])("serves the deployment named %s", async (model) => {
    expect((await send(PATH, body({ model }), { "api-key": "a-foundry-key", ...V })).status).toBe(200)
  })

  it.each(["my-claude-deployment", "anthropic.claude-opus-5-5", "claude-opus-4-5@20251101"])("refuses the deployment %s: not deployed", async (model) => {
    const a = await send(PATH, body({ model }), { "api-key": "a-foundry-key", ...V })
    expect(a.status).toBe(404)
    expect(a.json).toEqual({
      error: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again." }
    })
  })

  it("streams as Anthropic SSE; count_tokens is not served", async () => {
    const sse = await send(PATH, body({ stream: true }), { "api-key": "a-foundry-key", ...V })
    expect(sse.headers.get("content-type")).toBe("text/event-stream")
    expect(sse.text).toContain("event: message_stop")
    const count = await send(`${PATH}/count_tokens`, body(), { "api-key": "a-foundry-key", ...V })
    expect(count.status).toBe(404)
    expect(count.json).toEqual({ error: { code: "404", message: "Resource not found" } })
  })
})

// ---- Vertex

describe("Claude on Vertex AI (/vertex): the model in the path, locations, web search", () => {
  const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url")
  let token = ""
  beforeAll(async () => {
    const key = (await (await fetch(`${fake.url}/google/service-account.json`)).json()) as Record<string, string>
    const now = Math.floor(Date.now() / 1000)
    const unsigned = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ iss: key["client_email"], aud: key["token_uri"], scope: "https://www.googleapis.com/auth/cloud-platform", iat: now, exp: now + 3600 })}`
    const signature = createSign("RSA-SHA256").update(unsigned).sign(key["private_key"]!).toString("base64url")
    const form = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: `${unsigned}.${signature}` })
    token = ((await (await fetch(key["token_uri"]!, { method: "POST", body: form })).json()) as { access_token: string }).access_token
  })
  const models = (location: string) => `/vertex/v1/projects/fake-project/locations/${location}/publishers/anthropic/models`
  const vertex = (model: string, extra: Json = {}, headers: Record<string, string> = {}, location = "us-east5") =>
    send(`${models(location)}/${model}:rawPredict`, { anthropic_version: "vertex-2023-10-16", max_tokens: 64, messages: hi, ...extra }, { authorization: `Bearer ${token}`, ...headers })
  const notFound = (model: string, location = "us-east5") => ({
    error: { code: 404, message: `Publisher Model \`projects/fake-project/locations/${location}/publishers/anthropic/models/${model}\` not found.`, status: "NOT_FOUND" }
  })
  const bare = CLOUD_CLAUDE.filter((m) => m.vertex !== undefined && !m.vertex.includes("@")).map((m) => m.vertex!)
  const datedIds = CLOUD_CLAUDE.filter((m) => m.vertex?.includes("@")).map((m) => m.vertex!)

  it("has the bare ids from 4.6 on and the dated ones before", () => {
    expect(bare).toEqual(expect.arrayContaining(["claude-opus-5-5", "claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-7", "claude-fable-5-2"]))
    expect(datedIds.sort()).toEqual(["claude-haiku-4-5@20251001", "claude-opus-4-1@20250805", "claude-opus-4-5@20251101", "claude-opus-4@20250514", "claude-sonnet-4-5@20250929", "claude-sonnet-4@20250514"])
  })

  it.each([...bare, ...datedIds])("serves %s", async (model) => {
    const a = await vertex(model)
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ type: "message", model })
  })

  it.each([
    ["an @date on a bare id", "claude-opus-5-5@20260101"],
    ["an @date on Opus 4.6", "claude-opus-4-6@20260205"],
    ["an older id without its @date", "claude-sonnet-4-5"],
    ["a first-party dated id", "claude-sonnet-4-5-20250929"],
    ["a guessed suffix", "claude-opus-5-5-v1"],
    ["a Bedrock id", "claude-opus-4-6-v1"]
  ])("refuses %s (%s) with Vertex's 404", async (_, model) => {
    const a = await vertex(model)
    expect(a.status).toBe(404)
    expect(a.json).toEqual(notFound(model))
  })

  it.each(["global", "us", "eu", "europe-west1"])("serves the location %s", async (location) => {
    expect((await vertex("claude-opus-5-5", {}, {}, location)).status).toBe(200)
  })

  it("refuses a location that is none of those, and names the location in the 404", async () => {
    expect((await vertex("claude-opus-5-5", {}, {}, "the-moon")).status).toBe(404)
    expect((await vertex("claude-opus-5-5@20260101", {}, {}, "global")).json).toEqual(notFound("claude-opus-5-5@20260101", "global"))
  })

  it("counts tokens for a model it has, refuses one it has not", async () => {
    const count = (model: string) =>
      send(`${models("global")}/count-tokens:rawPredict`, { model, messages: hi }, { authorization: `Bearer ${token}` })
    const ok = await count("claude-opus-5-5")
    expect(ok.status).toBe(200)
    expect(ok.json).toEqual({ input_tokens: Math.ceil(JSON.stringify(hi).length / 4) })
    const missing = await count("claude-opus-5-5@20260101")
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual(notFound("claude-opus-5-5@20260101", "global"))
  })

  it("takes web search only with the web-search beta", async () => {
    const tools = [bash, { type: "web_search_20250305", name: "web_search", max_uses: 5 }]
    const refused = await vertex("claude-opus-5-5", { tools }, { "anthropic-beta": "interleaved-thinking-2025-05-14" })
    expect(refused.status).toBe(400)
    expect(refused.json).toMatchObject(anthropicError("invalid_request_error",
      "tools.1: Input tag 'web_search_20250305' found using 'type' does not match any of the expected tags: 'bash_20250124', 'custom', 'text_editor_20250124', 'text_editor_20250429', 'text_editor_20250728'"))
    const noHeader = await vertex("claude-opus-5-5", { tools })
    expect(noHeader.status).toBe(400)
    const served = await vertex("claude-opus-5-5", { tools }, { "anthropic-beta": "interleaved-thinking-2025-05-14,web-search-2025-03-05" })
    expect(served.status).toBe(200)
    const call = await lastCall("vertex")
    expect(call.path).toBe("/projects/fake-project/locations/us-east5/publishers/anthropic/models/claude-opus-5-5:rawPredict")
    expect(call.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14,web-search-2025-03-05")
  })

  it("keeps strict-rules.mjs's Vertex refusals (a beta Vertex does not take)", async () => {
    const a = await vertex("claude-opus-5-5", {}, { "anthropic-beta": "effort-2025-11-24" })
    expect(a.status).toBe(400)
    expect(a.json.error.message).toContain("`effort-2025-11-24`")
  })
})

describe("cloud rules", () => {
  it("each rule names the source where the real cloud answers that way", () => {
    const sources = [
      ...BEDROCK_MODEL_RULES.map((r) => r.source),
      ...MANTLE_RULES.map((r) => r.source),
      ...CLAUDE_AWS_RULES.map((r) => r.source),
      ...FOUNDRY_RULES.map((r) => r.source),
      ...VERTEX_TOOL_RULES.map((r) => r.source),
      ...Object.values(SIGV4_SOURCES),
      ...Object.values(FOUNDRY_AUTH_SOURCES),
      VERTEX_MODEL_SOURCE
    ]
    for (const source of sources) expect(source).toMatch(/https:\/\/\S+/)
  })
})
