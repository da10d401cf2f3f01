/**
 * Where the configuration in force comes from, first found wins:
 *
 *   1. FAILOVER_CONFIG: a whole document in a variable or secret. Then it is the configuration, and
 *      the admin API only reads it.
 *   2. the stored document (written through the admin API or page);
 *   3. the familiar variables (CLAUDE_API_BASE or PRIMARY_BASE_URL, CLAUDE_API_KEY with ACCESS_TOKENS,
 *      PROXY_ALLOWED_ORIGINS, PROXY_TIMEOUT_MS), which describe a one-provider document;
 *   4. the built-in default: the caller's own credential, straight to Anthropic.
 *
 * Any secret in a document (a provider's apiKey, AWS secret, service-account private key or header
 * value, an access token) may be written
 * `"env:NAME"`: it is read from the variable NAME when the document is loaded, so the document can
 * live in wrangler.toml while the keys stay in `wrangler secret put`.
 */
import { Either, ParseResult, Schema } from "effect"
import { ConfigDocument } from "./Document.js"
import { type ConfigIssue, validate } from "./Validation.js"
import { mapSecrets } from "./ProviderSecrets.js"

export type ConfigSource = "FAILOVER_CONFIG" | "stored" | "variables" | "default"

export type EnvLike = Readonly<Record<string, unknown>>

const text = (env: EnvLike, name: string): string | undefined => {
  const v = env[name]
  return typeof v === "string" && v.trim() !== "" ? v : undefined
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

const REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/

/** The document with every `"env:NAME"` secret replaced by NAME's value; a variable that is not set is an issue. */
export const resolveRefs = (json: unknown, env: EnvLike): { readonly value: unknown; readonly issues: ReadonlyArray<ConfigIssue> } => {
  const issues: Array<ConfigIssue> = []
  const resolve = (value: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
    if (typeof value !== "string") return value
    const m = REF.exec(value)
    if (m === null) return value
    const found = text(env, m[1]!)
    if (found === undefined) issues.push({ path, message: `${value}: the variable ${m[1]} is not set` })
    return found ?? value
  }
  if (!isObject(json)) return { value: json, issues }
  const providers = Array.isArray(json["providers"])
    ? json["providers"].map((p, i) => {
      if (!isObject(p)) return p
      const headers = isObject(p["headers"])
        ? Object.fromEntries(Object.entries(p["headers"]).map(([k, v]) => [k, resolve(v, ["providers", i, "headers", k])]))
        : p["headers"]
      return { ...mapSecrets(p, (value, path) => resolve(value, ["providers", i, ...path]) as string), ...(headers === undefined ? {} : { headers }) }
    })
    : json["providers"]
  const accessTokens = Array.isArray(json["accessTokens"])
    ? json["accessTokens"].map((t, i) => (isObject(t) ? { ...t, token: resolve(t["token"], ["accessTokens", i, "token"]) } : t))
    : json["accessTokens"]
  return {
    value: { ...json, ...(providers === undefined ? {} : { providers }), ...(accessTokens === undefined ? {} : { accessTokens }) },
    issues
  }
}

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc === "" ? String(p) : `${acc}.${String(p)}`), "")

/**
 * FAILOVER_CONFIG's document, validated with the admin API's rules; undefined when the variable is
 * not set; a problem (the variable's name, the first problem's path and message; never a secret)
 * when it is not a valid document.
 */
export const managedDocument = (env: EnvLike, allowPrivateUpstreams: boolean): Either.Either<ConfigDocument, string> | undefined => {
  const raw = text(env, "FAILOVER_CONFIG")
  if (raw === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return Either.left("FAILOVER_CONFIG is not valid JSON")
  }
  const { issues, value } = resolveRefs(json, env)
  const first = issues[0]
  if (first !== undefined) return Either.left(`FAILOVER_CONFIG: ${pathText(first.path)}: ${first.message}`)
  return Either.mapLeft(validate(value, { allowPrivateUpstreams }), (problems) => {
    const p = problems[0]!
    return `FAILOVER_CONFIG: ${pathText(p.path) || "(document)"}: ${p.message}`
  })
}

const list = (value: string | undefined): Array<string> =>
  (value ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0)

const decodeDocument = Schema.decodeUnknownEither(ConfigDocument, { errors: "first", onExcessProperty: "error" })

/**
 * The one-provider document the familiar variables describe (those of claude-worker-proxy among
 * them), or undefined when none is set. With CLAUDE_API_KEY the primary uses that key instead of the
 * caller's, so, as every stored key, it serves only requests with an access token (ACCESS_TOKENS);
 * without one such requests get the usual 401, never an open relay.
 */
export const variablesDocument = (env: EnvLike): Either.Either<ConfigDocument, string> | undefined => {
  const base = text(env, "CLAUDE_API_BASE") ?? text(env, "PRIMARY_BASE_URL")
  const key = text(env, "CLAUDE_API_KEY")
  const tokens = list(text(env, "ACCESS_TOKENS"))
  const origins = list(text(env, "PROXY_ALLOWED_ORIGINS"))
  const timeout = text(env, "PROXY_TIMEOUT_MS")
  if (base === undefined && key === undefined && tokens.length === 0 && origins.length === 0 && timeout === undefined) return undefined
  const document = {
    providers: [{
      name: "anthropic",
      format: "anthropic",
      baseUrl: base ?? "https://api.anthropic.com",
      ...(key === undefined ? {} : { apiKey: key }),
      ...(timeout === undefined ? {} : { timeoutMs: Number(timeout) })
    }],
    accessTokens: tokens.map((token) => ({ token })),
    settings: origins.length === 0 ? {} : { allowedOrigins: origins }
  }
  return Either.mapLeft(decodeDocument(document), (error) => {
    const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
    const path = first?.path ?? []
    const variable = path[0] === "accessTokens" ? "ACCESS_TOKENS" : path[0] === "settings" ? "PROXY_ALLOWED_ORIGINS"
      : path[2] === "timeoutMs" ? "PROXY_TIMEOUT_MS" : path[2] === "apiKey" ? "CLAUDE_API_KEY" : "CLAUDE_API_BASE"
    // Secrets are never repeated: only the variable's name and what is wrong with its shape.
    const secret = variable === "ACCESS_TOKENS" || variable === "CLAUDE_API_KEY"
    return `${variable} is not valid: ${secret ? "each token must be at least 16 characters, the key not empty" : first?.message ?? "invalid"}`
  })
}
