/**
 * Which request headers reach which upstream. A client-credential provider gets what the client sent
 * (minus hop-by-hop and our own headers); a provider with a stored key gets the protocol's headers
 * only: every `anthropic-*` header as an open list (Claude Code's gateway protocol: new ones must pass
 * unchanged), the content headers and the user agent, so a client credential can never reach a third
 * party. The subscription's OAuth beta never travels with a stored API key.
 */
import type { ProviderConfig } from "./Config/Document.js"

const NEVER_FORWARDED = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "accept-encoding",
  "x-failover-token",
  "x-failover-skip",
  "x-real-ip",
  "cdn-loop",
  "true-client-ip"
])

const NEVER_FORWARDED_PREFIXES = ["cf-", "x-forwarded-", "proxy-"]

/** Headers a keyed provider may see besides `anthropic-*`: nothing that identifies or authenticates the caller. */
const KEYED_ALLOW = new Set(["accept", "content-type", "user-agent"])

/** An `anthropic-*` name that could carry a secret is not part of the open list. */
const CREDENTIAL_LIKE = /key|token|auth|secret|cookie/

/** The beta a subscription's OAuth token needs; with a stored API key it would be refused (or misread). */
export const OAUTH_BETA = "oauth-2025-04-20"

/** Secret-bearing headers: redacted in logs, never copied from the client to a keyed provider. */
export const SECRET_HEADERS = [
  "authorization",
  "x-api-key",
  "x-failover-token",
  "x-goog-api-key",
  "api-key",
  "cookie",
  "set-cookie",
  "proxy-authorization"
]

/** Strip ("*" = all) or rename anthropic-beta flags a provider does not take. */
const applyBetaPolicy = (headers: Headers, config: ProviderConfig) => {
  const policy = config.betas
  const value = headers.get("anthropic-beta")
  if (policy === undefined || value === null) return
  const strip = new Set(policy.strip ?? [])
  const flags = strip.has("*") ? [] : value.split(",").map((f) => f.trim()).filter((f) => f.length > 0 && !strip.has(f))
  const renamed = flags.map((f) => policy.rename?.[f] ?? f)
  if (renamed.length === 0) headers.delete("anthropic-beta")
  else headers.set("anthropic-beta", renamed.join(","))
}

/**
 * The provider's own `headers` win. A value may say `{apiKey}` so that a secret lives only in `apiKey`
 * (which the admin API masks), e.g. `"authorization": "Bearer {apiKey}"`; a provider that sets its own
 * `authorization` gets no `x-api-key` from us.
 */
const applyProviderHeaders = (headers: Headers, config: ProviderConfig) => {
  applyBetaPolicy(headers, config)
  if (config.headers === undefined) return headers
  for (const [k, v] of Object.entries(config.headers)) {
    if (k.toLowerCase() === "authorization" && !Object.keys(config.headers).some((h) => h.toLowerCase() === "x-api-key")) {
      headers.delete("x-api-key")
    }
    headers.set(k, config.apiKey === undefined ? v : v.replaceAll("{apiKey}", config.apiKey))
  }
  return headers
}

export const forwardedHeaders = (incoming: Headers, config: ProviderConfig): Headers => {
  const out = new Headers()
  incoming.forEach((value, name) => {
    if (NEVER_FORWARDED.has(name) || NEVER_FORWARDED_PREFIXES.some((p) => name.startsWith(p))) return
    out.set(name, value)
  })
  return applyProviderHeaders(out, config)
}

/** `anthropic-beta` without the OAuth beta (undefined when nothing is left). */
const withoutOAuthBeta = (value: string): string | undefined => {
  if (!value.includes(OAUTH_BETA)) return value
  const flags = value.split(",").map((f) => f.trim()).filter((f) => f.length > 0 && f !== OAUTH_BETA)
  return flags.length === 0 ? undefined : flags.join(",")
}

export const keyedAnthropicHeaders = (incoming: Headers, config: ProviderConfig): Headers => {
  const out = new Headers()
  incoming.forEach((value, name) => {
    if (KEYED_ALLOW.has(name)) out.set(name, value)
    else if (name.startsWith("anthropic-") && !CREDENTIAL_LIKE.test(name)) {
      const kept = name === "anthropic-beta" ? withoutOAuthBeta(value) : value
      if (kept !== undefined) out.set(name, kept)
    }
  })
  if (!out.has("anthropic-version")) out.set("anthropic-version", "2023-06-01")
  if (!out.has("content-type")) out.set("content-type", "application/json")
  if (config.apiKey !== undefined) out.set("x-api-key", config.apiKey)
  return applyProviderHeaders(out, config)
}

/** The upstream headers worth repeating to the client with an error (no cookies, no secrets). */
export const safeAnswerHeaders = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    if (
      name === "content-type" || name === "retry-after" || name === "retry-after-ms" || name === "request-id" ||
      name === "x-should-retry" || name.startsWith("anthropic-ratelimit-") || name.startsWith("x-ratelimit-reset-")
    ) out[name] = value
  })
  return out
}

/** Whether the client sent a credential of its own (only then is a client-credential provider worth trying). */
export const hasClientCredential = (headers: Headers): boolean =>
  headers.has("x-api-key") || headers.has("authorization")
