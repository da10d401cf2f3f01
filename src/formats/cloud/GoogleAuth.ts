/**
 * Access tokens for Vertex AI from a Google service-account key, with WebCrypto only (Google's own
 * auth library does not run in Workers): an RS256-signed JWT is exchanged at the key's `token_uri`
 * by the JWT-bearer grant. Tokens are cached per isolate until shortly before they expire, and one
 * refresh runs at a time per key however many requests wait for it.
 */

export interface ServiceAccountKey {
  readonly client_email: string
  readonly private_key: string
  readonly token_uri?: string | undefined
  readonly private_key_id?: string | undefined
}

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
/** A token is renewed this long before it expires: a request that starts with it must not outlive it. */
const RENEW_BEFORE_MS = 5 * 60_000

/** Why no token: the key cannot sign, the token endpoint refused it, or it could not be reached. */
export class GoogleAuthError extends Error {
  readonly _tag = "GoogleAuthError"
  constructor(readonly kind: "key" | "refused" | "unavailable", message: string, readonly status?: number) {
    super(message)
  }
}

const base64Url = (bytes: Uint8Array): string => {
  let bin = ""
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!)
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}
const text = new TextEncoder()
const base64UrlJson = (value: unknown) => base64Url(text.encode(JSON.stringify(value)))

/** The DER bytes of a PKCS#8 PEM (environment variables often carry it with literal `\n`). */
const pemBody = (pem: string): Uint8Array => {
  const body = pem.replace(/\\n/g, "\n").replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "")
  const bin = atob(body)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** The signed assertion for `key`, issued at `nowMs`. */
export const signedAssertion = async (key: ServiceAccountKey, nowMs: number): Promise<string> => {
  let signingKey: CryptoKey
  try {
    signingKey = await crypto.subtle.importKey("pkcs8", pemBody(key.private_key), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"])
  } catch (cause) {
    throw new GoogleAuthError("key", `the service-account private key cannot sign (${cause instanceof Error ? cause.message : "not a PKCS#8 RSA key"})`)
  }
  const iat = Math.floor(nowMs / 1000)
  const header = { alg: "RS256", typ: "JWT", ...(key.private_key_id === undefined ? {} : { kid: key.private_key_id }) }
  const claims = { iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: key.token_uri ?? GOOGLE_TOKEN_URI, iat, exp: iat + 3600 }
  const unsigned = `${base64UrlJson(header)}.${base64UrlJson(claims)}`
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", signingKey, text.encode(unsigned))
  return `${unsigned}.${base64Url(new Uint8Array(signature))}`
}

interface Cached {
  readonly token: string
  readonly renewAt: number
}

export interface GoogleTokensOptions {
  readonly fetch?: typeof fetch
  readonly now?: () => number
}

/** A token cache (one per isolate in the proxy; tests make their own). */
export class GoogleTokens {
  private readonly cache = new Map<string, Cached>()
  private readonly inflight = new Map<string, Promise<Cached>>()
  private readonly fetch: typeof fetch
  private readonly now: () => number

  constructor(options: GoogleTokensOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init))
    this.now = options.now ?? Date.now
  }

  /** A valid access token for `key`: the cached one, the refresh in flight, or a new one. */
  token(key: ServiceAccountKey, signal?: AbortSignal): Promise<string> {
    const id = cacheKey(key)
    const cached = this.cache.get(id)
    if (cached !== undefined && this.now() < cached.renewAt) return Promise.resolve(cached.token)
    let pending = this.inflight.get(id)
    if (pending === undefined) {
      pending = this.refresh(key, signal).finally(() => this.inflight.delete(id))
      this.inflight.set(id, pending)
    }
    return pending.then((c) => c.token)
  }

  /** Forget the token of `key` (the API refused it: revoked, or the clock was wrong). */
  forget(key: ServiceAccountKey): void {
    this.cache.delete(cacheKey(key))
  }

  private async refresh(key: ServiceAccountKey, signal: AbortSignal | undefined): Promise<Cached> {
    const issued = this.now()
    const assertion = await signedAssertion(key, issued)
    let response: Response
    try {
      response = await this.fetch(key.token_uri ?? GOOGLE_TOKEN_URI, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=${encodeURIComponent("urn:ietf:params:oauth:grant-type:jwt-bearer")}&assertion=${assertion}`,
        ...(signal === undefined ? {} : { signal })
      })
    } catch (cause) {
      throw new GoogleAuthError("unavailable", `token endpoint unreachable: ${cause instanceof Error ? cause.message : String(cause)}`)
    }
    const body = await response.text()
    let json: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {}
    try {
      json = JSON.parse(body) as typeof json
    } catch {
      // not JSON: said below
    }
    if (!response.ok || typeof json.access_token !== "string") {
      const why = [json.error, json.error_description].filter((s) => typeof s === "string").join(": ") || body.slice(0, 200) || "no reason given"
      const kind = response.status >= 500 ? "unavailable" : "refused"
      throw new GoogleAuthError(kind, `token endpoint answered ${response.status}: ${why}`, response.status)
    }
    const lifetimeMs = (typeof json.expires_in === "number" ? json.expires_in : 3600) * 1000
    const cached = { token: json.access_token, renewAt: issued + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) }
    this.cache.set(cacheKey(key), cached)
    return cached
  }
}

const cacheKey = (key: ServiceAccountKey): string =>
  `${key.client_email}\n${key.private_key_id ?? ""}\n${key.token_uri ?? GOOGLE_TOKEN_URI}\n${key.private_key.length}:${key.private_key.slice(-48)}`

/** The isolate's cache. */
export const googleTokens = new GoogleTokens()
