/**
 * Google Vertex AI's Claude endpoints: `rawPredict` / `streamRawPredict` under the project and region,
 * a bearer token from the service account (GoogleAuth), Google-shaped errors.
 */
import { baseUrlOf, type ProviderConfig } from "../../Config/Document.js"
import { errorTypeForStatus } from "../anthropic/Messages.js"
import type { CloudError, CloudTarget } from "./Bedrock.js"

const modelsPath = (config: ProviderConfig) =>
  `${baseUrlOf(config).replace(/\/+$/, "")}/v1/projects/${encodeURIComponent(config.project ?? "")}/locations/${encodeURIComponent(config.region ?? "")}/publishers/anthropic/models`

/** One path segment; `@` (as in `claude-sonnet-4-5@20250929`) is allowed there and written as Google does. */
const segment = (model: string) => encodeURIComponent(model).replace(/%40/g, "@")

export const invokeTarget = (config: ProviderConfig, model: string, body: unknown, stream: boolean, betas: ReadonlyArray<string>): CloudTarget => ({
  url: `${modelsPath(config)}/${segment(model)}:${stream ? "streamRawPredict" : "rawPredict"}`,
  headers: { "content-type": "application/json", ...(betas.length > 0 ? { "anthropic-beta": betas.join(",") } : {}) },
  body: JSON.stringify(body)
})

/** count-tokens is its own model name; the body names the model. */
export const countTarget = (config: ProviderConfig, model: string, body: Record<string, unknown>, betas: ReadonlyArray<string>): CloudTarget => ({
  url: `${modelsPath(config)}/count-tokens:rawPredict`,
  headers: { "content-type": "application/json", ...(betas.length > 0 ? { "anthropic-beta": betas.join(",") } : {}) },
  body: JSON.stringify({ ...body, model })
})

/** Vertex answers count-tokens in Anthropic's shape. */
export const countAnswer = (json: unknown): { input_tokens: number } | undefined => {
  const n = typeof json === "object" && json !== null ? (json as { input_tokens?: unknown }).input_tokens : undefined
  return typeof n === "number" ? { input_tokens: n } : undefined
}

/** `{"error":{"code","message","status"}}`, sometimes inside an array; or Anthropic's own error shape. */
export const errorOf = (status: number, bodyText: string): CloudError => {
  let message = bodyText.trim().slice(0, 2000)
  try {
    const parsed = JSON.parse(bodyText) as unknown
    const root = (Array.isArray(parsed) ? parsed[0] : parsed) as { error?: { message?: unknown; status?: unknown } } | undefined
    const m = root?.error?.message
    if (typeof m === "string") message = typeof root?.error?.status === "string" ? `${root.error.status}: ${m}` : m
  } catch {
    // the body as text
  }
  return { status, type: errorTypeForStatus(status), message: message || `Vertex AI answered ${status}` }
}
