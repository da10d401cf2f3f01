/**
 * The clouds that speak Anthropic's own Messages API: Bedrock's Messages endpoint (bedrock-mantle:
 * `{baseUrl}/anthropic/v1/messages`, model `anthropic.<id>`, SigV4 for service `bedrock-mantle` or a
 * Bedrock API key as a bearer token) and Claude Platform on AWS (`{baseUrl}/v1/messages`, first-party
 * ids, SigV4 for service `aws-external-anthropic` or an API key as `x-api-key`, and the required
 * `anthropic-workspace-id`). The body is the first-party one with the platform's model; answers are
 * plain SSE or JSON, errors Anthropic-shaped.
 */
import { baseUrlOf, type ProviderConfig } from "../../Config/Document.js"
import { awsSigner, type CloudTarget } from "./Bedrock.js"

export type MessagesPlatform = "bedrock-messages" | "claude-platform-aws"

const ANTHROPIC_VERSION = "2023-06-01"

const pathOf = (platform: MessagesPlatform) => (platform === "bedrock-messages" ? "/anthropic/v1/messages" : "/v1/messages")

const headersFor = (config: ProviderConfig, platform: MessagesPlatform, betas: ReadonlyArray<string>, stream: boolean): Record<string, string> => ({
  "content-type": "application/json",
  accept: stream ? "text/event-stream" : "application/json",
  "anthropic-version": ANTHROPIC_VERSION,
  ...(betas.length > 0 ? { "anthropic-beta": betas.join(",") } : {}),
  ...(platform === "claude-platform-aws" && config.workspaceId !== undefined ? { "anthropic-workspace-id": config.workspaceId } : {})
})

export const invokeTarget = (
  config: ProviderConfig,
  platform: MessagesPlatform,
  model: string,
  body: Record<string, unknown>,
  stream: boolean,
  betas: ReadonlyArray<string>
): CloudTarget => ({
  url: `${baseUrlOf(config).replace(/\/+$/, "")}${pathOf(platform)}`,
  headers: headersFor(config, platform, betas, stream),
  body: JSON.stringify({ ...body, model, stream })
})

export const countTarget = (
  config: ProviderConfig,
  platform: MessagesPlatform,
  model: string,
  body: Record<string, unknown>,
  betas: ReadonlyArray<string>
): CloudTarget => ({
  url: `${baseUrlOf(config).replace(/\/+$/, "")}${pathOf(platform)}/count_tokens`,
  headers: headersFor(config, platform, betas, false),
  body: JSON.stringify({ ...body, model })
})

/** The SigV4 service each platform signs for. */
export const SERVICE: Readonly<Record<MessagesPlatform, string>> = {
  "bedrock-messages": "bedrock-mantle",
  "claude-platform-aws": "aws-external-anthropic"
}

/** SigV4 for the platform's service with `aws`, else the API key the way the platform takes it. */
export const signer = (config: ProviderConfig, platform: MessagesPlatform): ((target: CloudTarget) => Promise<Record<string, string>>) => {
  const key = config.apiKey ?? ""
  return awsSigner(config, SERVICE[platform], platform === "bedrock-messages" ? { authorization: `Bearer ${key}` } : { "x-api-key": key })
}
