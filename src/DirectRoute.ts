/**
 * Direct translation routes: `/openai/<host>/<path>/v1/messages`, `/openai-responses/<host>/<path>/v1/messages`
 * and `/gemini/<host>/v1/messages`
 * turn the proxy into a stateless translator for a caller who has their own key for that provider.
 * Guarded: off unless `settings.directRoutes`, hosts from an allow-list, no private or loopback
 * hosts unless ALLOW_PRIVATE_UPSTREAMS, and a valid access token whenever tokens exist.
 */
import { isLocalOnlyUrl, type ProviderConfig } from "./Config/Document.js"

export type DirectFormat = "openai" | "openai-responses" | "gemini"

export interface DirectTarget {
  readonly format: DirectFormat
  /** host or host:port, as written in the path */
  readonly host: string
  /** the provider's base path below the host (openai, openai-responses), e.g. `/openai/v1` */
  readonly basePath: string
  /** what the client asked for below the base, e.g. `/v1/messages` */
  readonly path: string
}

export const parse = (path: string): DirectTarget | undefined => {
  const m = /^\/(openai-responses|openai|gemini)\/([^/]+)(\/.*)?$/.exec(path)
  if (m === null) return undefined
  const rest = m[3] ?? "/"
  const at = rest.lastIndexOf("/v1/")
  if (at === -1) return undefined
  return { format: m[1] as DirectFormat, host: decodeURIComponent(m[2]!).toLowerCase(), basePath: rest.slice(0, at), path: rest.slice(at) }
}

export type Refusal = { readonly status: number; readonly message: string }

export interface Guard {
  readonly enabled: boolean
  readonly hosts: ReadonlyArray<string>
  readonly allowPrivate: boolean
}

const hostnameOf = (host: string) => host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "")

/** The provider for this target, or why it is refused. */
export const provider = (target: DirectTarget, apiKey: string | undefined, guard: Guard): ProviderConfig | Refusal => {
  if (!guard.enabled) return { status: 404, message: "direct routes are off (settings.directRoutes)" }
  const allowed = guard.hosts.some((h) => h.toLowerCase() === target.host || h.toLowerCase() === hostnameOf(target.host))
  if (!allowed) return { status: 403, message: `host ${target.host} is not in settings.directHosts` }
  const local = isLocalOnlyUrl(`https://${target.host}`)
  if (local && !guard.allowPrivate) return { status: 403, message: "private and loopback hosts are refused" }
  if (apiKey === undefined || apiKey.length === 0) {
    return { status: 401, message: `send your ${target.format} key as x-api-key or Authorization: Bearer` }
  }
  // Built as a plain value: the name carries the host (with ':'), which stored names may not.
  const config: ProviderConfig = {
    name: `${target.format}:${target.host}`,
    format: target.format,
    // Only a local run reaches plain http, and only for private hosts.
    baseUrl: `${local ? "http" : "https"}://${target.host}${target.basePath}`,
    apiKey,
    enabled: true,
    retries: 0,
    timeoutMs: 60_000,
    nonStreamingTimeoutMs: 900_000
  }
  return config
}

export const isRefusal = (r: ProviderConfig | Refusal): r is Refusal => "status" in r && !("name" in r)

/** The caller's own key: x-api-key, else a Bearer token. */
export const callerKey = (headers: Headers): string | undefined => {
  const key = headers.get("x-api-key")
  if (key !== null && key.length > 0) return key
  const m = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")
  return m?.[1]
}
