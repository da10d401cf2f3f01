import { Sha256 } from "@aws-crypto/sha256-js"
import { describe, expect, it } from "@effect/vitest"
import { SignatureV4 } from "@smithy/signature-v4"
import { Schema } from "effect"
import { ProviderConfig } from "../../../src/Config/Document.js"
import * as Bedrock from "../../../src/formats/cloud/Bedrock.js"

const aws = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }
const provider = (over: Record<string, unknown> = {}) =>
  Schema.decodeUnknownSync(ProviderConfig)({ name: "bedrock", format: "bedrock", region: "eu-west-3", aws, ...over })

/** The Authorization header AWS's own signer (smithy, as the AWS SDKs use it) computes for the same request. */
const independent = async (url: string, headers: Record<string, string>, body: string, credentials: typeof aws & { sessionToken?: string }, region: string) => {
  const u = new URL(url)
  const names = (/SignedHeaders=([^,]+)/.exec(headers["authorization"] ?? "")?.[1] ?? "").split(";")
  const signed: Record<string, string> = {}
  for (const name of names) signed[name] = name === "host" ? u.host : headers[name]!
  const amz = headers["x-amz-date"]!
  const signer = new SignatureV4({ credentials, region, service: "bedrock", sha256: Sha256, applyChecksum: false })
  const out = await signer.sign(
    { method: "POST", protocol: u.protocol, hostname: u.hostname, path: u.pathname, query: {}, headers: signed, body },
    { signingDate: new Date(`${amz.slice(0, 4)}-${amz.slice(4, 6)}-${amz.slice(6, 8)}T${amz.slice(9, 11)}:${amz.slice(11, 13)}:${amz.slice(13, 15)}Z`) }
  )
  return out.headers["authorization"]
}

describe("Bedrock SigV4", () => {
  it("signs for service bedrock in the region, with the model id's colon double-encoded as AWS wants, as AWS's own signer does", async () => {
    const config = provider()
    const target = Bedrock.invokeTarget(config, "global.anthropic.claude-sonnet-4-5-20250929-v1:0", { anthropic_version: "bedrock-2023-05-31", messages: [{ role: "user", content: "h\u00e9" }] }, true)
    expect(target.url).toBe("https://bedrock-runtime.eu-west-3.amazonaws.com/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream")
    const headers = await Bedrock.signer(config)(target)
    expect(headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-3\/bedrock\/aws4_request, SignedHeaders=[a-z;-]*host[a-z;-]*, Signature=[0-9a-f]{64}$/)
    expect(headers["authorization"]).toBe(await independent(target.url, headers, target.body, aws, "eu-west-3"))
  })

  it("signs temporary credentials with their session token", async () => {
    const credentials = { ...aws, sessionToken: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN" }
    const config = provider({ aws: credentials })
    const target = Bedrock.countTarget(config, "us.anthropic.claude-opus-4-1-20250805-v1:0", { anthropic_version: "bedrock-2023-05-31", max_tokens: 1, messages: [] })
    expect(target.url).toBe("https://bedrock-runtime.eu-west-3.amazonaws.com/model/anthropic.claude-opus-4-1-20250805-v1%3A0/count-tokens")
    const headers = await Bedrock.signer(config)(target)
    expect(headers["x-amz-security-token"]).toBe(credentials.sessionToken)
    expect(headers["authorization"]).toBe(await independent(target.url, headers, target.body, credentials, "eu-west-3"))
  })

  it("a wrong secret gives another signature (what AWS answers InvalidSignatureException to)", async () => {
    const config = provider({ aws: { ...aws, secretAccessKey: "not-the-secret" } })
    const target = Bedrock.invokeTarget(config, "m", {}, false)
    const headers = await Bedrock.signer(config)(target)
    expect(headers["authorization"]).not.toBe(await independent(target.url, headers, target.body, aws, "eu-west-3"))
  })

  it("a Bedrock API key goes as a bearer token, unsigned", async () => {
    const headers = await Bedrock.signer(provider({ aws: undefined, apiKey: "ABSKbedrockkey" }))(Bedrock.invokeTarget(provider(), "m", {}, false))
    expect(headers["authorization"]).toBe("Bearer ABSKbedrockkey")
    expect(headers["x-amz-date"]).toBeUndefined()
  })

  it("reads errors by x-amzn-ErrorType", () => {
    const h = (t: string) => new Headers({ "x-amzn-errortype": `${t}:http://internal.amazon.com/coral/com.amazon.bedrock/` })
    expect(Bedrock.errorOf(400, h("ThrottlingException"), "{\"message\":\"Too many\"}")).toEqual({ status: 429, type: "rate_limit_error", message: "ThrottlingException: Too many" })
    expect(Bedrock.errorOf(503, h("ServiceUnavailableException"), "{\"message\":\"busy\"}").status).toBe(503)
    expect(Bedrock.errorOf(403, h("AccessDeniedException"), "{\"Message\":\"no\"}")).toEqual({ status: 403, type: "permission_error", message: "AccessDeniedException: no" })
    expect(Bedrock.errorOf(400, h("ValidationException"), "{\"message\":\"bad\"}")).toEqual({ status: 400, type: "invalid_request_error", message: "ValidationException: bad" })
    expect(Bedrock.errorOf(424, h("ModelErrorException"), "{\"message\":\"x\"}").status).toBe(500)
  })
})
