// The fake upstream's Claude clouds, as strict as the real services (late 2026) on what a proxy can
// get wrong. Every rule below names the page or public report where the real cloud is seen answering
// that way (`source`), in the style of strict-rules.mjs.
//
//   /bedrock/<region>/model/<id>/(invoke|invoke-with-response-stream|count-tokens)
//       AWS Bedrock InvokeModel: SigV4 for service `bedrock` (checked by an independent signer,
//       @smithy/signature-v4) or a Bedrock API key; the model id in the path checked against the
//       catalogue below (inference profiles, on-demand foundation ids, ARNs); the body Bedrock takes
//       (anthropic_version, no model, its betas and fields only). Answers as real event-stream frames
//       (with the invocation metrics on message_stop).
//   /bedrock-mantle/<region>/anthropic/v1/messages[/count_tokens]
//       Bedrock's Anthropic Messages API: SigV4 for service `bedrock-mantle` or a Bedrock API key,
//       `anthropic-version` header, `model: anthropic.<id>`, no server tools. Answers as the anthropic
//       agent (SSE or JSON).
//   /aws-external-anthropic/<region>/v1/messages[/count_tokens]
//       Claude Platform on AWS: SigV4 for service `aws-external-anthropic` or a workspace API key, the
//       `anthropic-workspace-id` header, first-party model ids, no OAuth.
//   /foundry/<resource>/anthropic/v1/messages
//       Claude in Microsoft Foundry: an Azure key (`api-key` / `x-api-key`) or an Entra bearer token,
//       `model` a deployment name (the first-party ids are deployed under their own names).
//   /vertex/v1/projects/<p>/locations/<l>/publishers/anthropic/models/<model>:(rawPredict|streamRawPredict)
//       Google Vertex AI: service-account tokens from a token endpoint that verifies the RS256 JWT with
//       the public half of a key made at start-up (GET /google/service-account.json hands out the key);
//       the model id in the path (bare from 4.6 on, `name@date` before); the model-keyed refusals of
//       strict-rules.mjs and the web-search beta below. Answers as Anthropic SSE.
//
// Every call is recorded (GET /__calls/<id>, id = bedrock | bedrock-mantle | aws-external-anthropic |
// foundry | vertex | google-token) before any check, with the path after the route's first two
// segments, the headers (so the SigV4 credential scope) and the body.
import { Sha256 } from "@aws-crypto/sha256-js"
import { EventStreamCodec } from "@smithy/eventstream-codec"
import { SignatureV4 } from "@smithy/signature-v4"
import { fromUtf8, toUtf8 } from "@smithy/util-utf8"
import { createVerify, generateKeyPairSync, randomUUID } from "node:crypto"
import { refusalFor, sendRefusal, VERTEX_RULES } from "./strict-rules.mjs"

export const FAKE_AWS = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }
export const FAKE_BEDROCK_API_KEY = "bedrock-api-key-fake-0001"
/** A Claude Platform on AWS workspace API key, and a workspace id of the documented form. */
export const FAKE_CLAUDE_AWS_API_KEY = "sk-ant-api03-claude-aws-fake-0001"
export const FAKE_CLAUDE_AWS_WORKSPACE = "wrkspc_01FakeFakeFake0001"
/** The Foundry key and Entra token the fake refuses; any other non-empty one is taken. */
export const FOUNDRY_BAD_KEY = "bad-key"
export const FOUNDRY_BAD_TOKEN = "bad-token"

// ---- The Claude catalogue of the clouds

const BEDROCK_DOCS = "https://platform.claude.com/docs/en/build-with-claude/claude-in-amazon-bedrock ; https://platform.claude.com/docs/en/build-with-claude/claude-on-amazon-bedrock-legacy"
const VERTEX_DOCS = "https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai"
export const GEOS = ["global", "us", "eu", "jp", "au", "apac"]

/**
 * One entry per model: its first-party id, its Bedrock name (after `anthropic.`), the geographies
 * with an inference profile for it, whether the bare foundation id `anthropic.<name>` may be invoked
 * on demand, whether Bedrock's CountTokens takes it, and its Vertex id (none: not on Vertex).
 */
const current = (id, extra = {}) => ({ id, bedrock: id, vertex: id, geos: GEOS, onDemand: false, countTokens: false, ...extra })
const dated = (name, date, extra = {}) =>
  ({ id: `${name}-${date}`, bedrock: `${name}-${date}-v1:0`, vertex: `${name}@${date}`, geos: GEOS, onDemand: true, countTokens: true, ...extra })

export const CLOUD_CLAUDE = [
  // Opus 4.7 and later: profiles only (`anthropic.claude-opus-4-7` is refused on demand), no suffix.
  current("claude-fable-5-2"),
  current("claude-fable-5-1"),
  current("claude-opus-5-5"),
  current("claude-sonnet-5-5"),
  current("claude-haiku-5-5"),
  current("claude-opus-5"),
  current("claude-sonnet-5"),
  current("claude-fable-5"),
  current("claude-opus-4-8"),
  current("claude-opus-4-7"),
  // The 4.6 exceptions: Sonnet 4.6 without a suffix, Opus 4.6 with `-v1`; both on demand too.
  current("claude-sonnet-4-6", { onDemand: true, countTokens: true }),
  current("claude-opus-4-6", { bedrock: "claude-opus-4-6-v1", onDemand: true, countTokens: true }),
  // 4.5 and older: dated, `-v1:0` on Bedrock, `@date` on Vertex. The bare ids of these four are refused
  // on demand in public reports (Laisky/one-api#77 Sonnet 4, #245 Sonnet and Haiku 4.5).
  dated("claude-opus-4-5", "20251101"),
  dated("claude-haiku-4-5", "20251001", { onDemand: false }),
  dated("claude-sonnet-4-5", "20250929", { onDemand: false }),
  dated("claude-sonnet-4", "20250514", { onDemand: false }),
  dated("claude-opus-4-1", "20250805", { geos: ["us"] }),
  dated("claude-opus-4", "20250514", { geos: ["us"] }),
  // us profiles only, not on Vertex any more; 3.7 Sonnet on demand refused (cline/cline#1952, #2482)
  dated("claude-3-7-sonnet", "20250219", { geos: ["us"], onDemand: false, vertex: undefined }),
  dated("claude-3-5-haiku", "20241022", { geos: ["us"], vertex: undefined })
]

/** The aliases the first-party API (and so Claude Platform on AWS and Foundry deployments) take. */
const FIRST_PARTY_ALIASES = {
  "claude-opus-4-5": "claude-opus-4-5-20251101",
  "claude-haiku-4-5": "claude-haiku-4-5-20251001",
  "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
  "claude-opus-4-1": "claude-opus-4-1-20250805",
  "claude-opus-4-0": "claude-opus-4-20250514",
  "claude-sonnet-4-0": "claude-sonnet-4-20250514",
  "claude-3-7-sonnet-latest": "claude-3-7-sonnet-20250219",
  "claude-3-5-haiku-latest": "claude-3-5-haiku-20241022"
}
export const FIRST_PARTY_IDS = new Set([...CLOUD_CLAUDE.map((c) => c.id), ...Object.keys(FIRST_PARTY_ALIASES)])
const byBedrockName = new Map(CLOUD_CLAUDE.map((c) => [c.bedrock, c]))
/** bedrock-mantle: `anthropic.` + the Bedrock name, the first-party id or an alias (`anthropic.claude-opus-4-6` and `-v1` both). */
export const MANTLE_MODELS = new Set([...CLOUD_CLAUDE.map((c) => c.bedrock), ...FIRST_PARTY_IDS].map((n) => `anthropic.${n}`))
export const VERTEX_MODELS = new Set(CLOUD_CLAUDE.flatMap((c) => (c.vertex === undefined ? [] : [c.vertex])))

const ON_DEMAND_REFUSED = (id) =>
  `Invocation of model ID ${id} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`
const INVALID_MODEL = "The provided model identifier is invalid."
const NO_COUNT = "The provided model doesn't support counting tokens."

/**
 * Bedrock's refusals of the model id in the path, each with its source; the first that applies answers
 * 400 ValidationException with that message.
 */
export const BEDROCK_MODEL_RULES = [
  {
    ops: ["invoke", "invoke-with-response-stream"],
    // 4.7+ (and 3.7 / Sonnet 4 / 4.5 / Haiku 4.5) are served through inference profiles only
    source: "https://github.com/cline/cline/issues/1952 ; https://github.com/Laisky/one-api/issues/245 ; https://github.com/stackblitz-labs/bolt.diy/issues/1102 ; " + BEDROCK_DOCS,
    check: (id) => {
      const known = /^anthropic\.(.+)$/.exec(id)
      const model = known === null ? undefined : byBedrockName.get(known[1])
      return model !== undefined && !model.onDemand ? ON_DEMAND_REFUSED(id) : undefined
    }
  },
  {
    ops: ["invoke", "invoke-with-response-stream"],
    // an id the catalogue does not have: a guessed suffix (`claude-opus-5-5-v1`), a geography without
    // a profile for it (`global.` for Opus 4.1), a friendly name without `anthropic.`
    source: "https://github.com/RooCodeInc/Roo-Code/issues/9182 ; https://github.com/tailcallhq/forgecode/issues/2644 ; https://github.com/komputer-ai/komputer-ai/pull/141 ; " + BEDROCK_DOCS,
    check: (id) => {
      if (id.startsWith("arn:aws:bedrock:")) return undefined
      const m = /^(?:([a-z]+)\.)?anthropic\.(.+)$/.exec(id)
      const model = m === null ? undefined : byBedrockName.get(m[2])
      if (model === undefined) return INVALID_MODEL
      return m[1] === undefined || model.geos.includes(m[1]) ? undefined : INVALID_MODEL
    }
  },
  {
    ops: ["count-tokens"],
    // CountTokens takes the foundation model id; profile ids and the profile-only models (4.7 on) are
    // refused: those are counted on bedrock-mantle's count_tokens instead
    source: "https://docs.aws.amazon.com/bedrock/latest/userguide/count-tokens.html ; https://alchemy.run/providers/aws/bedrock/counttokens",
    check: (id) => {
      if (id.startsWith("arn:aws:bedrock:")) return undefined
      if (/^[a-z]+\.anthropic\./.test(id)) return NO_COUNT
      const m = /^anthropic\.(.+)$/.exec(id)
      const model = m === null ? undefined : byBedrockName.get(m[1])
      if (model === undefined) return INVALID_MODEL
      return model.countTokens ? undefined : NO_COUNT
    }
  }
]

// ---- Shared pieces

const BEDROCK_FIELDS = new Set(["anthropic_version", "anthropic_beta", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "output_config", "context_management"])
const VERTEX_FIELDS = new Set([...BEDROCK_FIELDS, "metadata", "stream"].filter((f) => f !== "anthropic_beta"))
// Tool search on the clouds is `tool-search-tool-2025-10-19` (first party: advanced-tool-use-2025-11-20) and
// compaction needs `compact-2026-01-12`: https://platform.claude.com/docs/en/agents-and-tools/tool-use/tool-search-tool
// and https://platform.claude.com/docs/en/build-with-claude/compaction (Bedrock and Vertex sections).
const KNOWN_BETAS = new Set(["interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14", "context-1m-2025-08-07", "context-management-2025-06-27", "effort-2025-11-24", "token-efficient-tools-2025-02-19", "output-128k-2025-02-19", "tool-search-tool-2025-10-19", "compact-2026-01-12"])
// Vertex also takes the web-search beta (its web search needs it, VERTEX_TOOL_RULES)
const VERTEX_BETAS = new Set([...KNOWN_BETAS, "web-search-2025-03-05"])

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const frame = (headers, body) =>
  codec.encode({ headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { type: "string", value: v }])), body: fromUtf8(JSON.stringify(body)) })
export const chunkFrame = (event) =>
  frame({ ":message-type": "event", ":event-type": "chunk", ":content-type": "application/json" }, { bytes: Buffer.from(JSON.stringify(event)).toString("base64") })
export const exceptionFrame = (name, message) => frame({ ":message-type": "exception", ":exception-type": name, ":content-type": "application/json" }, { message })

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers })
  res.end(JSON.stringify(body))
}
const awsError = (res, status, type, message) => json(res, status, { message }, { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` })
/** The first-party API's error body (Claude Platform on AWS, bedrock-mantle and Foundry speak it). */
const anthropicError = (res, status, type, message) => json(res, status, { type: "error", error: { type, message }, request_id: `req_fake_${randomUUID().slice(0, 8)}` })
const googleError = (res, status, statusName, message) => json(res, status, { error: { code: status, message, status: statusName } })

const headerList = (value) => String(value ?? "").split(",").map((b) => b.trim()).filter(Boolean)
const parseJson = (raw) => {
  try {
    return JSON.parse(raw.toString("utf8"))
  } catch {
    return undefined
  }
}
const countOf = (body) => Math.ceil(JSON.stringify(body.messages ?? []).length / 4)

/** The Anthropic events of the agent's answer; a thinking block first when thinking is on. */
const answerEvents = (body, model, decide, signature) => {
  const d = decide(body)
  const thinking = body.thinking?.type === "enabled" || body.thinking?.type === "adaptive"
  const blocks = []
  if (thinking) blocks.push({ type: "thinking", thinking: "Deciding what to do.", signature })
  blocks.push(d.kind === "tool" ? { type: "tool_use", id: `toolu_fake_${randomUUID().slice(0, 8)}`, name: d.name, input: d.input } : { type: "text", text: d.text })
  const stop = d.kind === "tool" ? "tool_use" : "end_turn"
  const usage = { input_tokens: 90, output_tokens: 25, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 }
  const message = { id: `msg_fake_${randomUUID().slice(0, 8)}`, type: "message", role: "assistant", model, content: blocks, stop_reason: stop, stop_sequence: null, usage }
  const events = [{ type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }]
  blocks.forEach((b, index) => {
    if (b.type === "thinking") {
      events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } })
      events.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: b.thinking } })
      events.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: b.signature } })
    } else if (b.type === "tool_use") {
      events.push({ type: "content_block_start", index, content_block: { ...b, input: {} } })
      events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(b.input) } })
    } else {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } })
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: b.text } })
    }
    events.push({ type: "content_block_stop", index })
  })
  events.push({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 25 } })
  events.push({ type: "message_stop" })
  return { message, events }
}

/** Why the body is not one this cloud takes, or undefined. */
const bodyProblem = (body, fields, version, betas = KNOWN_BETAS, headerBetas = []) => {
  if (body.anthropic_version !== version) return `anthropic_version must be ${version}`
  const extra = Object.keys(body).filter((k) => !fields.has(k))
  if (extra.length > 0) return `${extra[0]}: Extra inputs are not permitted`
  for (const beta of body.anthropic_beta ?? []) if (!betas.has(beta)) return `invalid beta flag: ${beta}`
  // defer_loading is tool search's own field: taken with the tool-search beta, refused without it
  // (https://platform.claude.com/docs/en/agents-and-tools/tool-use/tool-search-tool, Bedrock and Vertex).
  const toolSearch = [...(body.anthropic_beta ?? []), ...headerBetas].includes("tool-search-tool-2025-10-19")
  if (!toolSearch) for (const t of body.tools ?? []) if ("defer_loading" in t) return "tools.defer_loading: Extra inputs are not permitted"
  return undefined
}

// ---- AWS Signature Version 4

const signers = new Map()
const signerFor = (region, service) => {
  const key = `${region}/${service}`
  if (!signers.has(key)) signers.set(key, new SignatureV4({ credentials: FAKE_AWS, region, service, sha256: Sha256, applyChecksum: false }))
  return signers.get(key)
}

/** The signature an independent signer computes for this request, with its own date. */
const expectedAuthorization = async (req, url, raw, region, service) => {
  const headers = {}
  const signedNames = (/SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? "")?.[1] ?? "").split(";")
  for (const name of signedNames) if (req.headers[name] !== undefined) headers[name] = req.headers[name]
  const amzDate = req.headers["x-amz-date"] ?? ""
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`)
  const signed = await signerFor(region, service).sign(
    { method: req.method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers, body: raw },
    { signingDate: date }
  )
  return signed.headers.authorization ?? signed.headers.Authorization
}

/**
 * AWS's refusal of a SigV4-signed request as [status, x-amzn-ErrorType, message], or undefined: the
 * credential's scope must name this service and region before the signature is compared.
 */
export const SIGV4_SOURCES = {
  // {"message":"Credential should be scoped to correct service: 'batch'. "}
  service: "https://github.com/cllunsford/aws-signing-proxy/issues/25",
  // InvalidSignatureException 403 "Credential should be scoped to a valid region"
  region: "https://github.com/aws/aws-sdk-js-v3/issues/5576 ; https://github.com/joona/aws-es-curl/issues/15",
  // "The request signature we calculated does not match the signature you provided"; an unsigned
  // request: "Missing Authentication Token"
  signature: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html"
}
const sigV4Problem = async (req, url, raw, region, service) => {
  const auth = req.headers.authorization ?? ""
  const scope = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth)
  if (scope === null || scope[1] !== FAKE_AWS.accessKeyId) return [403, "UnrecognizedClientException", "The security token included in the request is invalid."]
  if (scope[4] !== service) return [403, "InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `]
  if (scope[3] !== region) return [403, "InvalidSignatureException", "Credential should be scoped to a valid region. "]
  if (auth !== await expectedAuthorization(req, url, raw, region, service)) {
    return [403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided."]
  }
  return undefined
}
const isSigV4 = (req) => String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")

// ---- AWS Bedrock InvokeModel (bedrock-runtime)

/** /bedrock/<region>/model/<id>/(invoke|invoke-with-response-stream|count-tokens) */
export const bedrock = async (req, res, url, raw, { decide, record }) => {
  const m = /^\/bedrock\/([a-z0-9-]+)\/model\/([^/]+)\/(invoke|invoke-with-response-stream|count-tokens)$/.exec(url.pathname)
  if (m === null) return awsError(res, 404, "UnknownOperationException", "no such operation")
  record("bedrock")
  const [, region, encodedId, op] = m
  const auth = req.headers.authorization ?? ""
  if (auth.startsWith("Bearer ")) {
    if (auth !== `Bearer ${FAKE_BEDROCK_API_KEY}`) return awsError(res, 403, "AccessDeniedException", "Invalid API Key format")
  } else {
    const problem = await sigV4Problem(req, url, raw, region, "bedrock")
    if (problem !== undefined) return awsError(res, ...problem)
  }
  const id = decodeURIComponent(encodedId)
  for (const rule of BEDROCK_MODEL_RULES) {
    const message = rule.ops.includes(op) ? rule.check(id) : undefined
    if (message !== undefined) return awsError(res, 400, "ValidationException", message)
  }
  let body = JSON.parse(raw.toString("utf8"))
  if (op === "count-tokens") {
    body = JSON.parse(Buffer.from(body.input.invokeModel.body, "base64").toString("utf8"))
    const problem = bodyProblem(body, BEDROCK_FIELDS, "bedrock-2023-05-31")
    if (problem !== undefined) return awsError(res, 400, "ValidationException", problem)
    return json(res, 200, { inputTokens: countOf(body) })
  }
  const problem = bodyProblem(body, BEDROCK_FIELDS, "bedrock-2023-05-31")
  if (problem !== undefined) return awsError(res, 400, "ValidationException", problem)
  const { message, events } = answerEvents(body, id, decide, `EqBedrockFakeSignature${randomUUID().slice(0, 8)}`)
  if (op === "invoke") return json(res, 200, message, { "x-amzn-bedrock-input-token-count": "90" })
  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-bedrock-content-type": "application/json" })
  for (const event of events) {
    const withMetrics = event.type === "message_stop"
      ? { ...event, "amazon-bedrock-invocationMetrics": { inputTokenCount: 90, outputTokenCount: 25, invocationLatency: 120, firstByteLatency: 40 } }
      : event
    res.write(chunkFrame(withMetrics))
  }
  res.end()
}

// ---- The Anthropic Messages API on the clouds (bedrock-mantle, Claude Platform on AWS, Foundry)

const SERVER_TOOL = /^(web_search|web_fetch|code_execution)_\d+$/
const CLIENT_TOOL_TAGS = "'bash_20250124', 'custom', 'text_editor_20250124', 'text_editor_20250429', 'text_editor_20250728'"
/** The tagged-union refusal of a tool type the endpoint does not offer (as Vertex answers it, ax-llm/ax#457). */
const toolTagRefusal = (i, type) => `tools.${i}: Input tag '${type}' found using 'type' does not match any of the expected tags: ${CLIENT_TOOL_TAGS}`

/**
 * The rules of each Messages-API cloud, in order; `check(req, body, ctx)` returns [status, type, message]
 * (answered in the first-party error shape) or undefined. ctx: { auth: "sigv4" | "api-key" | "entra", count }.
 */
const versionRequired = (source) => ({
  source,
  check: (req) => (req.headers["anthropic-version"] === undefined ? [400, "invalid_request_error", "anthropic-version: header is required"] : undefined)
})

export const MANTLE_RULES = [
  versionRequired("https://docs.aws.amazon.com/bedrock/latest/userguide/inference-messages-api.html (bedrock-mantle: set anthropic-version: 2023-06-01 as an HTTP header)"),
  {
    // the wire id must be `anthropic.<id>`: without it, 404 "The model '...' does not exist"
    source: "https://git.helu.ca/r/pallas/commit/75d529cf168e9c584301e225acf7e7a8fed5e824 ; https://docs.getbifrost.ai/providers/supported-providers/bedrock-mantle ; https://docs.aws.amazon.com/bedrock/latest/userguide/inference-messages-api.html",
    check: (_, body) => (MANTLE_MODELS.has(body.model) ? undefined : [404, "not_found_error", `The model '${String(body.model)}' does not exist`])
  },
  {
    // Anthropic's server tools (web search/fetch, code execution) are not offered on bedrock-mantle
    source: "https://git.helu.ca/r/pallas/commit/fe94f6a9a85e7bcc64df5a44c10c74d9291b37ea (Mantle rejects web tools) ; https://docs.aws.amazon.com/bedrock/latest/userguide/tool-use.html (Anthropic tool types: computer_*, bash_*, text_editor_*, memory_*)",
    check: (_, body) => {
      const i = (Array.isArray(body.tools) ? body.tools : []).findIndex((t) => SERVER_TOOL.test(String(t?.type ?? "")))
      return i === -1 ? undefined : [400, "invalid_request_error", toolTagRefusal(i, body.tools[i].type)]
    }
  }
]

const CLAUDE_AWS_DOCS = "https://docs.aws.amazon.com/claude-platform/latest/userguide/making-requests.html"
export const CLAUDE_AWS_RULES = [
  versionRequired(CLAUDE_AWS_DOCS),
  {
    // "a required anthropic-workspace-id header that identifies which workspace the request targets"
    source: CLAUDE_AWS_DOCS + " ; https://docs.aws.amazon.com/claude-platform/latest/userguide/prerequisites.html (wrkspc_01AbCdEf23GhIj)",
    check: (req) => (req.headers["anthropic-workspace-id"] === undefined ? [400, "invalid_request_error", "anthropic-workspace-id header is required"] : undefined)
  },
  {
    // the first-party wording for a header that is not a workspace id
    source: "https://platform.claude.com/docs/en/manage-claude/authentication (quoted in https://github.com/praetorian-inc/titus/pull/341)",
    check: (req) => (/^wrkspc_[A-Za-z0-9]+$/.test(String(req.headers["anthropic-workspace-id"]))
      ? undefined
      : [400, "invalid_request_error", "anthropic-workspace-id header must be a valid workspace ID."])
  },
  {
    // the gateway does not support OAuth: the subscription beta has no place there
    source: "https://github.com/anthropics/anthropic-cli/pull/61 ; " + CLAUDE_AWS_DOCS,
    check: (req) => (headerList(req.headers["anthropic-beta"]).includes("oauth-2025-04-20")
      ? [400, "invalid_request_error", "Unexpected value(s) `oauth-2025-04-20` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header."]
      : undefined)
  },
  {
    // first-party model ids; an unknown one is the first-party 404 "model: <id>"
    source: CLAUDE_AWS_DOCS + " (model: claude-sonnet-4-6) ; https://github.com/777genius/agent-teams-ai/issues/106 (first-party model IDs, not Bedrock's)",
    check: (_, body) => (FIRST_PARTY_IDS.has(body.model) ? undefined : [404, "not_found_error", `model: ${String(body.model)}`])
  }
]

const FOUNDRY_DOCS = "https://platform.claude.com/docs/en/build-with-claude/claude-in-microsoft-foundry"
export const FOUNDRY_RULES = [
  versionRequired("https://github.com/BerriAI/litellm/blob/main/tests/e2e/claude_code/passthrough/test_azure.py (Foundry: 400 \"anthropic-version: header is required\")"),
  {
    // `model` is the deployment name; the first-party ids are deployed under their own names here
    source: FOUNDRY_DOCS + " ; https://github.com/NousResearch/hermes-agent/issues/47812 ; https://github.com/chatboxai/chatbox/issues/861",
    check: (_, body) => (FIRST_PARTY_IDS.has(body.model)
      ? undefined
      : [404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."])
  }
]

/** Runs a Messages-API cloud's rules and answers with the anthropic agent (or the token count). */
const messagesApi = (req, res, raw, rules, { answer, count, azure = false }) => {
  const body = parseJson(raw)
  if (body === undefined || typeof body !== "object" || body === null) return anthropicError(res, 400, "invalid_request_error", "The request body is not valid JSON.")
  for (const rule of rules) {
    const refusal = rule.check(req, body)
    if (refusal === undefined) continue
    const [status, type, message] = refusal
    // Azure's own refusals (the deployment lookup) come in Azure's shape
    return azure && type === "DeploymentNotFound" ? json(res, status, { error: { code: type, message } }) : anthropicError(res, status, type, message)
  }
  if (count) return json(res, 200, { input_tokens: countOf(body) })
  return answer(body, res)
}

/** /bedrock-mantle/<region>/anthropic/v1/messages[/count_tokens] */
export const bedrockMantle = async (req, res, url, raw, { record, answer }) => {
  const m = /^\/bedrock-mantle\/([a-z0-9-]+)\/anthropic\/v1\/messages(\/count_tokens)?$/.exec(url.pathname)
  if (m === null || req.method !== "POST") return anthropicError(res, 404, "not_found_error", "Not found")
  record("bedrock-mantle")
  const [, region, count] = m
  if (isSigV4(req)) {
    const problem = await sigV4Problem(req, url, raw, region, "bedrock-mantle")
    if (problem !== undefined) return awsError(res, ...problem)
  } else {
    const key = String(req.headers.authorization ?? "").replace(/^Bearer /, "") || String(req.headers["x-api-key"] ?? "")
    // neither signed nor keyed: SIGV4_SOURCES.signature; a wrong key as bedrock-runtime answers it
    if (key === "") return awsError(res, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    if (key !== FAKE_BEDROCK_API_KEY) return awsError(res, 403, "AccessDeniedException", "Invalid API Key format")
  }
  return messagesApi(req, res, raw, MANTLE_RULES, { answer, count: count !== undefined })
}

/** /aws-external-anthropic/<region>/v1/messages[/count_tokens] */
export const claudePlatformAws = async (req, res, url, raw, { record, answer }) => {
  const m = /^\/aws-external-anthropic\/([a-z0-9-]+)\/v1\/messages(\/count_tokens)?$/.exec(url.pathname)
  if (m === null || req.method !== "POST") return anthropicError(res, 404, "not_found_error", "Not found")
  record("aws-external-anthropic")
  const [, region, count] = m
  if (isSigV4(req)) {
    const problem = await sigV4Problem(req, url, raw, region, "aws-external-anthropic")
    if (problem !== undefined) return awsError(res, ...problem)
  } else {
    // the workspace API key, as x-api-key or (the AWS SDK's way) a bearer token
    const key = String(req.headers["x-api-key"] ?? "") || String(req.headers.authorization ?? "").replace(/^Bearer /, "")
    if (key === "") return anthropicError(res, 401, "authentication_error", "x-api-key header is required")
    if (key !== FAKE_CLAUDE_AWS_API_KEY) return anthropicError(res, 401, "authentication_error", "invalid x-api-key")
  }
  return messagesApi(req, res, raw, CLAUDE_AWS_RULES, { answer, count: count !== undefined })
}

export const FOUNDRY_AUTH_SOURCES = {
  key: "https://github.com/microsoft/semantic-kernel/issues/10337 ; https://github.com/microsoft/microsoft-foundry-for-vscode/issues/172",
  entra: "https://github.com/Azure-Samples/azure-search-openai-demo/issues/458",
  // paths the Foundry resource does not serve (count_tokens too: not documented for Foundry)
  notFound: "https://github.com/MicrosoftDocs/azure-docs/issues/19232 ; " + FOUNDRY_DOCS
}

/** /foundry/<resource>/anthropic/v1/messages */
export const foundry = (req, res, url, raw, { record, answer }) => {
  if (!/^\/foundry\/[a-z0-9-]+\//.test(url.pathname)) return json(res, 404, { error: { code: "404", message: "Resource not found" } })
  record("foundry")
  const key = String(req.headers["api-key"] ?? req.headers["x-api-key"] ?? "")
  const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1]
  if (key === "" && token !== undefined) {
    if (token === FOUNDRY_BAD_TOKEN) {
      return json(res, 401, { statusCode: 401, message: "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired." })
    }
  } else if (key === "" || key === FOUNDRY_BAD_KEY) {
    return json(res, 401, {
      error: {
        code: "401",
        message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."
      }
    })
  }
  if (!/^\/foundry\/[a-z0-9-]+\/anthropic\/v1\/messages$/.test(url.pathname) || req.method !== "POST") {
    return json(res, 404, { error: { code: "404", message: "Resource not found" } })
  }
  return messagesApi(req, res, raw, FOUNDRY_RULES, { answer, count: false, azure: true })
}

// ---- Google

const googleKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
const issuedTokens = new Set()

/** The service-account key Google would issue, with its token endpoint on this server. */
export const serviceAccountJson = (base) => ({
  type: "service_account",
  project_id: "fake-project",
  private_key_id: "fakekeyid0001",
  private_key: googleKey.privateKey.export({ type: "pkcs8", format: "pem" }),
  client_email: "failover@fake-project.iam.gserviceaccount.com",
  client_id: "100000000000000000001",
  auth_uri: "https://accounts.google.com/o/oauth2/auth",
  token_uri: `${base}/google/token`,
  universe_domain: "googleapis.com"
})

const b64url = (s) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64")

/** POST /google/token: the JWT-bearer grant, verified like Google does. */
export const googleToken = (req, res, url, raw, { record, base }) => {
  record("google-token")
  const form = new URLSearchParams(raw.toString("utf8"))
  if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return json(res, 400, { error: "unsupported_grant_type" })
  const [h, c, s] = (form.get("assertion") ?? "").split(".")
  const verifier = createVerify("RSA-SHA256")
  verifier.update(`${h}.${c}`)
  if (s === undefined || !verifier.verify(googleKey.publicKey, b64url(s))) return json(res, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." })
  const header = JSON.parse(b64url(h).toString("utf8"))
  const claims = JSON.parse(b64url(c).toString("utf8"))
  const now = Math.floor(Date.now() / 1000)
  if (header.alg !== "RS256" || claims.iss !== serviceAccountJson(base).client_email || claims.aud !== `${base}/google/token` ||
    claims.scope !== "https://www.googleapis.com/auth/cloud-platform" || claims.exp - claims.iat > 3600 || claims.exp < now) {
    return json(res, 400, { error: "invalid_grant", error_description: "Invalid JWT: claims" })
  }
  const token = `ya29.fake-${randomUUID()}`
  issuedTokens.add(token)
  return json(res, 200, { access_token: token, expires_in: 3599, token_type: "Bearer" })
}

/**
 * The Claude ids Vertex serves: bare from 4.6 on (an `@date` there is not found), `name@date` before.
 * Only `claude-*` names are checked: a model of another name stays lenient (strict-rules.mjs's
 * "unknown model" contract); the real Vertex answers them with the same 404.
 */
export const VERTEX_MODEL_SOURCE =
  VERTEX_DOCS + " ; https://docs.cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude ; https://github.com/anyme123/Any-code/issues/5 ; https://github.com/google/adk-python/issues/833 ; https://github.com/anomalyco/models.dev/issues/809"
const vertexModelProblem = (model, project, location) =>
  /^claude-/i.test(model) && !VERTEX_MODELS.has(model)
    ? `Publisher Model \`projects/${project}/locations/${location}/publishers/anthropic/models/${model}\` not found.`
    : undefined

/** `global`, the multi-regions `us` and `eu`, or one region (count-tokens lists "global us eu asia-southeast1"). */
const VERTEX_LOCATION = /^(global|us|eu|[a-z]+-[a-z]+\d+)$/

/** What Vertex refuses in the tools (strict-rules.mjs's shape: models, source, check). */
export const VERTEX_TOOL_RULES = [
  {
    models: ["claude-*"],
    // web search needs the beta header; without it the tool's type is not one Vertex knows
    source: "https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/web-search ; https://github.com/ax-llm/ax/pull/457",
    check: (body, { headers }) => {
      const tools = Array.isArray(body.tools) ? body.tools : []
      const i = tools.findIndex((t) => /^web_search_\d+$/.test(String(t?.type ?? "")))
      if (i === -1 || headerList(headers["anthropic-beta"]).includes("web-search-2025-03-05")) return undefined
      return { status: 400, body: { type: "error", error: { type: "invalid_request_error", message: toolTagRefusal(i, tools[i].type) }, request_id: "req_vrtx_fake" } }
    }
  }
]

/** /vertex/v1/projects/<p>/locations/<r>/publishers/anthropic/models/<model>:(rawPredict|streamRawPredict) */
export const vertex = (req, res, url, raw, { decide, record }) => {
  const m = /^\/vertex\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/.exec(url.pathname)
  if (m === null || !VERTEX_LOCATION.test(decodeURIComponent(m[2]))) return googleError(res, 404, "NOT_FOUND", "not found")
  record("vertex")
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "")
  if (!issuedTokens.has(token)) return googleError(res, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
  const body = JSON.parse(raw.toString("utf8"))
  const [project, location] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])]
  const model = decodeURIComponent(m[3])
  if (model === "count-tokens") {
    // the body names the model here
    const notFound = typeof body.model === "string" ? vertexModelProblem(body.model, project, location) : undefined
    if (notFound !== undefined) return googleError(res, 404, "NOT_FOUND", notFound)
    return json(res, 200, { input_tokens: countOf(body) })
  }
  const notFound = vertexModelProblem(model, project, location)
  if (notFound !== undefined) return googleError(res, 404, "NOT_FOUND", notFound)
  if (body.anthropic_version !== "vertex-2023-10-16") return googleError(res, 404, "NOT_FOUND", "Publisher model not found")
  // what Vertex refuses for Claude models (betas it does not take, ...): strict-rules.mjs
  const refusal = refusalFor(VERTEX_RULES, model, body, { headers: req.headers }) ?? refusalFor(VERTEX_TOOL_RULES, model, body, { headers: req.headers })
  if (refusal !== undefined) return sendRefusal(res, refusal)
  const problem = bodyProblem(body, VERTEX_FIELDS, "vertex-2023-10-16", VERTEX_BETAS, headerList(req.headers["anthropic-beta"]))
  if (problem !== undefined) return googleError(res, 400, "INVALID_ARGUMENT", problem)
  for (const beta of headerList(req.headers["anthropic-beta"])) {
    if (!VERTEX_BETAS.has(beta)) return googleError(res, 400, "INVALID_ARGUMENT", `invalid beta flag: ${beta}`)
  }
  const { message, events } = answerEvents(body, model, decide, `EqVertexFakeSignature${randomUUID().slice(0, 8)}`)
  if (m[4] === "rawPredict") return json(res, 200, message)
  res.writeHead(200, { "content-type": "text/event-stream" })
  res.end(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""))
}
