/**
 * AWS Bedrock's InvokeModel for Claude: where a request goes, how it is signed (SigV4 for service
 * `bedrock` with aws4fetch, or a Bedrock API key as a bearer token), and what its errors mean.
 */
import { AwsClient } from "aws4fetch"
import { baseUrlOf, type ProviderConfig } from "../../Config/Document.js"
import type { ErrorType } from "../anthropic/Messages.js"
import { bedrockErrorType } from "./BedrockStream.js"
import { bedrockFoundationId } from "./CloudModels.js"

export interface CloudTarget {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string
}

const modelPath = (config: ProviderConfig, id: string) => `${baseUrlOf(config).replace(/\/+$/, "")}/model/${encodeURIComponent(id)}`

export const invokeTarget = (config: ProviderConfig, model: string, body: unknown, stream: boolean): CloudTarget => ({
  url: `${modelPath(config, model)}/${stream ? "invoke-with-response-stream" : "invoke"}`,
  headers: { "content-type": "application/json", accept: stream ? "application/vnd.amazon.eventstream" : "application/json" },
  body: JSON.stringify(body)
})

/** CountTokens takes the InvokeModel body, base64-encoded, and the foundation model's id. */
export const countTarget = (config: ProviderConfig, model: string, body: unknown): CloudTarget => {
  const bytes = new TextEncoder().encode(JSON.stringify(body))
  let bin = ""
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return {
    url: `${modelPath(config, bedrockFoundationId(model))}/count-tokens`,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ input: { invokeModel: { body: btoa(bin) } } })
  }
}

/** `{inputTokens}` -> Anthropic's count_tokens answer. */
export const countAnswer = (json: unknown): { input_tokens: number } | undefined => {
  const n = typeof json === "object" && json !== null ? (json as { inputTokens?: unknown }).inputTokens : undefined
  return typeof n === "number" ? { input_tokens: n } : undefined
}

/** A signer per provider: aws4fetch keeps derived signing keys between requests. Never retries
 * (its default retries for ~25 s on 429/5xx, which is the chain's decision to make). */
export const signer = (config: ProviderConfig): ((target: CloudTarget) => Promise<Record<string, string>>) => {
  const key = config.apiKey ?? ""
  return awsSigner(config, "bedrock", { authorization: `Bearer ${key}` })
}

/** SigV4 for `service` with the provider's `aws` credentials, else the API key headers given. */
export const awsSigner = (
  config: ProviderConfig,
  service: string,
  keyHeaders: Record<string, string>
): ((target: CloudTarget) => Promise<Record<string, string>>) => {
  if (config.aws === undefined) return (target) => Promise.resolve({ ...target.headers, ...keyHeaders })
  const client = new AwsClient({
    accessKeyId: config.aws.accessKeyId,
    secretAccessKey: config.aws.secretAccessKey,
    ...(config.aws.sessionToken === undefined ? {} : { sessionToken: config.aws.sessionToken }),
    service,
    region: config.region ?? "us-east-1",
    retries: 0
  })
  return async (target) => {
    const signed = await client.sign(target.url, { method: "POST", headers: target.headers, body: target.body })
    const headers: Record<string, string> = {}
    signed.headers.forEach((value, name) => {
      headers[name] = value
    })
    return headers
  }
}

export interface CloudError {
  /** the status the chain classifies (Bedrock's kind decides it, not only the HTTP status) */
  readonly status: number
  readonly type: ErrorType
  readonly message: string
}

const STATUS_OF: Partial<Record<ErrorType, number>> = {
  rate_limit_error: 429,
  overloaded_error: 503,
  // ModelTimeoutException: the model took too long; another provider may not (a 504 fails over).
  timeout_error: 504,
  invalid_request_error: 400,
  permission_error: 403,
  authentication_error: 403,
  not_found_error: 404
}

/** An error answer: its kind from `x-amzn-ErrorType` (the text before `:`), its words from `{message}`. */
export const errorOf = (status: number, headers: Headers, bodyText: string): CloudError => {
  const kind = (headers.get("x-amzn-errortype") ?? "").split(":")[0] ?? ""
  let message = bodyText.trim().slice(0, 2000)
  try {
    const json = JSON.parse(bodyText) as { message?: unknown; Message?: unknown }
    const m = json.message ?? json.Message
    if (typeof m === "string") message = m
  } catch {
    // the body as text
  }
  if (kind === "") return { status, type: status >= 500 ? "api_error" : "invalid_request_error", message: message || `Bedrock answered ${status}` }
  const type = bedrockErrorType(kind)
  return { status: STATUS_OF[type] ?? (status >= 500 ? status : 500), type, message: `${kind}: ${message}` }
}
