/**
 * CORS for browser clients of /v1: only origins the user listed in `settings.allowedOrigins` get CORS
 * headers (`*` only if listed); any other origin gets none, so the browser refuses the answer.
 */
const ALLOWED_HEADERS = [
  "x-api-key",
  "anthropic-version",
  "anthropic-beta",
  "anthropic-dangerous-direct-browser-access",
  "x-failover-token",
  "x-failover-skip",
  "authorization",
  "content-type"
].join(", ")

const EXPOSED_HEADERS = ["x-failover-provider", "x-failover-attempts", "x-request-id", "request-id", "retry-after"].join(", ")

/** The Access-Control-Allow-Origin value for this origin, or undefined when it is not allowed. */
export const allowOrigin = (origin: string | null, allowed: ReadonlyArray<string>): string | undefined => {
  if (origin === null) return undefined
  if (allowed.includes(origin)) return origin
  return allowed.includes("*") ? "*" : undefined
}

export const responseHeaders = (origin: string | null, allowed: ReadonlyArray<string>): Record<string, string> => {
  const value = allowOrigin(origin, allowed)
  return value === undefined ? {} : {
    "access-control-allow-origin": value,
    "access-control-expose-headers": EXPOSED_HEADERS,
    vary: "origin"
  }
}

export const preflightHeaders = (origin: string | null, allowed: ReadonlyArray<string>): Record<string, string> => {
  const value = allowOrigin(origin, allowed)
  return value === undefined ? { vary: "origin" } : {
    "access-control-allow-origin": value,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-max-age": "86400",
    vary: "origin"
  }
}
