// The fake upstream's AWS Bedrock and Google Vertex AI, as strict as the real services on what a
// proxy can get wrong: SigV4 signatures (checked by an independent signer, @smithy/signature-v4) or
// a Bedrock API key; service-account tokens from a token endpoint that verifies the RS256 JWT with
// the public half of a key made at start-up (GET /google/service-account.json hands out the key);
// the body each cloud takes (anthropic_version, no model, its betas and fields only). Answers are
// the agent's, with a thinking block when asked: Bedrock's as real event-stream frames (with the
// invocation metrics on message_stop), Vertex's as Anthropic SSE.
import { Sha256 } from "@aws-crypto/sha256-js"
import { EventStreamCodec } from "@smithy/eventstream-codec"
import { SignatureV4 } from "@smithy/signature-v4"
import { fromUtf8, toUtf8 } from "@smithy/util-utf8"
import { createVerify, generateKeyPairSync, randomUUID } from "node:crypto"

export const FAKE_AWS = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }
export const FAKE_BEDROCK_API_KEY = "bedrock-api-key-fake-0001"

const BEDROCK_FIELDS = new Set(["anthropic_version", "anthropic_beta", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "output_config", "context_management"])
const VERTEX_FIELDS = new Set([...BEDROCK_FIELDS, "metadata", "stream"].filter((f) => f !== "anthropic_beta"))
const KNOWN_BETAS = new Set(["interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14", "context-1m-2025-08-07", "context-management-2025-06-27", "effort-2025-11-24", "token-efficient-tools-2025-02-19", "output-128k-2025-02-19"])

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
const bodyProblem = (body, fields, version) => {
  if (body.anthropic_version !== version) return `anthropic_version must be ${version}`
  const extra = Object.keys(body).filter((k) => !fields.has(k))
  if (extra.length > 0) return `${extra[0]}: Extra inputs are not permitted`
  for (const beta of body.anthropic_beta ?? []) if (!KNOWN_BETAS.has(beta)) return `invalid beta flag: ${beta}`
  for (const t of body.tools ?? []) if ("defer_loading" in t) return "tools.defer_loading: Extra inputs are not permitted"
  return undefined
}

const bedrockSigner = new SignatureV4({ credentials: FAKE_AWS, region: "us-east-1", service: "bedrock", sha256: Sha256, applyChecksum: false })

/** The signature an independent signer computes for this request, with its own date. */
const expectedAuthorization = async (req, url, raw, region) => {
  const headers = {}
  const signedNames = (/SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? "")?.[1] ?? "").split(";")
  for (const name of signedNames) if (req.headers[name] !== undefined) headers[name] = req.headers[name]
  const signer = region === "us-east-1" ? bedrockSigner : new SignatureV4({ credentials: FAKE_AWS, region, service: "bedrock", sha256: Sha256, applyChecksum: false })
  const amzDate = req.headers["x-amz-date"] ?? ""
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`)
  const signed = await signer.sign(
    { method: req.method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers, body: raw },
    { signingDate: date }
  )
  return signed.headers.authorization ?? signed.headers.Authorization
}

/** /bedrock/<region>/model/<id>/(invoke|invoke-with-response-stream|count-tokens) */
export const bedrock = async (req, res, url, raw, { decide, record }) => {
  const m = /^\/bedrock\/([a-z0-9-]+)\/model\/([^/]+)\/(invoke|invoke-with-response-stream|count-tokens)$/.exec(url.pathname)
  if (m === null) return awsError(res, 404, "UnknownOperationException", "no such operation")
  record("bedrock")
  const [, region, encodedId, op] = m
  const auth = req.headers.authorization ?? ""
  if (auth.startsWith("Bearer ")) {
    if (auth !== `Bearer ${FAKE_BEDROCK_API_KEY}`) return awsError(res, 403, "AccessDeniedException", "Invalid API Key format")
  } else if (!auth.includes(`Credential=${FAKE_AWS.accessKeyId}/`)) {
    return awsError(res, 403, "UnrecognizedClientException", "The security token included in the request is invalid.")
  } else if (auth !== await expectedAuthorization(req, url, raw, region)) {
    return awsError(res, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.")
  }
  const id = decodeURIComponent(encodedId)
  let body = JSON.parse(raw.toString("utf8"))
  if (op === "count-tokens") {
    if (/^(global|us|eu)\./.test(id)) return awsError(res, 400, "ValidationException", "The provided model identifier is invalid.")
    body = JSON.parse(Buffer.from(body.input.invokeModel.body, "base64").toString("utf8"))
    const problem = bodyProblem(body, BEDROCK_FIELDS, "bedrock-2023-05-31")
    if (problem !== undefined) return awsError(res, 400, "ValidationException", problem)
    return json(res, 200, { inputTokens: Math.ceil(JSON.stringify(body.messages).length / 4) })
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

/** /vertex/v1/projects/<p>/locations/<r>/publishers/anthropic/models/<model>:(rawPredict|streamRawPredict) */
export const vertex = (req, res, url, raw, { decide, record }) => {
  const m = /^\/vertex\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/.exec(url.pathname)
  if (m === null) return json(res, 404, { error: { code: 404, message: "not found", status: "NOT_FOUND" } })
  record("vertex")
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "")
  if (!issuedTokens.has(token)) return json(res, 401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } })
  const body = JSON.parse(raw.toString("utf8"))
  const model = decodeURIComponent(m[3])
  if (model === "count-tokens") return json(res, 200, { input_tokens: Math.ceil(JSON.stringify(body.messages).length / 4) })
  if (body.anthropic_version !== "vertex-2023-10-16") return json(res, 404, { error: { code: 404, message: "Publisher model not found", status: "NOT_FOUND" } })
  const problem = bodyProblem(body, VERTEX_FIELDS, "vertex-2023-10-16")
  if (problem !== undefined) return json(res, 400, { error: { code: 400, message: problem, status: "INVALID_ARGUMENT" } })
  for (const beta of (req.headers["anthropic-beta"] ?? "").split(",").filter(Boolean)) {
    if (!KNOWN_BETAS.has(beta)) return json(res, 400, { error: { code: 400, message: `invalid beta flag: ${beta}`, status: "INVALID_ARGUMENT" } })
  }
  const { message, events } = answerEvents(body, model, decide, `EqVertexFakeSignature${randomUUID().slice(0, 8)}`)
  if (m[4] === "rawPredict") return json(res, 200, message)
  res.writeHead(200, { "content-type": "text/event-stream" })
  res.end(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""))
}
