/**
 * The config document: one JSON value in KV. The schema is the single source of truth for what is
 * valid; cross-field rules (unique names, stored keys need access tokens, where upstreams may live)
 * are checked after decoding (Validation.ts) so every problem is reported with its path.
 */
import { Schema } from "effect"
import { isPrivateHost } from "./PrivateHosts.js"

export const Format = Schema.Literal("anthropic", "openai", "openai-responses", "gemini", "bedrock", "vertex", "claude-platform-aws")
export type Format = typeof Format.Type

/** The same Claude on a cloud: the Anthropic body, the cloud's own auth and endpoints. */
export type CloudFormat = "bedrock" | "vertex" | "claude-platform-aws"
export const isCloudFormat = (format: Format): format is CloudFormat => format === "bedrock" || format === "vertex" || format === "claude-platform-aws"

/** The AWS formats: SigV4 with `aws`, or an API key. */
export const isAwsFormat = (format: Format) => format === "bedrock" || format === "claude-platform-aws"

/** An HTTP field name (RFC 9110 token): anything else cannot be sent, or splits the request. */
const HeaderName = Schema.String.pipe(Schema.pattern(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, {
  message: () => "must be a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)"
}))
/** Text that reaches an upstream request's headers: a CR, LF or NUL would split or end the request. */
const HeaderSafe = Schema.String.pipe(Schema.filter((s) => /[\r\n\0]/.test(s) ? "must not contain CR, LF or NUL" : undefined))
/** A model name: it goes into request bodies and (Gemini) URL paths, so no control characters. */
const ModelName = Schema.String.pipe(Schema.filter((s) => /[\u0000-\u001f\u007f]/.test(s) ? "must not contain control characters" : undefined))

const HeaderMap = Schema.Record({ key: HeaderName, value: HeaderSafe })
const ModelMap = Schema.Record({ key: Schema.String, value: ModelName })

const HttpUrl = Schema.String.pipe(
  Schema.filter((s) => {
    try {
      const u = new URL(s)
      return u.protocol === "http:" || u.protocol === "https:" ? undefined : "must be an http(s) URL"
    } catch {
      return "must be an absolute URL"
    }
  })
)

/** A cloud region: it becomes part of a host name. */
const Region = Schema.String.pipe(Schema.pattern(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
  message: () => "must be a region name like us-east-1, us-east5 or global"
}))

/** AWS credentials for SigV4 (an IAM user's key, or temporary credentials with their session token). */
export const AwsCredentials = Schema.Struct({
  accessKeyId: HeaderSafe.pipe(Schema.pattern(/^[A-Z0-9]{16,128}$/, { message: () => "must be an AWS access key id (AKIA…/ASIA…)" })),
  secretAccessKey: Schema.String.pipe(Schema.minLength(1)),
  sessionToken: Schema.optional(HeaderSafe.pipe(Schema.minLength(1)))
}).annotations({ identifier: "AwsCredentials" })

/** PKCS#8 PEM, as Google puts it in a service-account key (environment variables often hold it with
 * literal `\n`, which is accepted). */
const PemPrivateKey = Schema.String.pipe(Schema.filter((s) =>
  /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/.test(s.replace(/\\n/g, "\n"))
    ? undefined
    : "must be the PKCS#8 PEM private key of the service-account key (-----BEGIN PRIVATE KEY----- …)"
))

/** A Google service-account key, the JSON as Google issues it. */
export const ServiceAccount = Schema.Struct(
  {
    client_email: Schema.String.pipe(Schema.pattern(/^[^@\s]+@[^@\s]+$/, { message: () => "must be the service account's email" })),
    private_key: PemPrivateKey,
    token_uri: Schema.optional(HttpUrl),
    private_key_id: Schema.optional(Schema.String),
    project_id: Schema.optional(Schema.String)
  },
  // Google's other fields (type, client_id, auth_uri, ...) are strings, kept as they are.
  Schema.Record({ key: Schema.String, value: Schema.String })
).annotations({ identifier: "ServiceAccount" })

/** A beta flag or body parameter name: it goes into headers and is compared, nothing more. */
const FlagName = HeaderSafe.pipe(Schema.pattern(/^[A-Za-z0-9_.:\-]{1,100}$/, { message: () => "must be a flag or parameter name (letters, digits, _ . : -)" }))

/**
 * A provider's own word on what its models take; each field wins over the built-in catalogue
 * (src/Capabilities/Catalogue.ts). `imageTypes: []` means no images at all.
 */
export const CapabilityOverrides = Schema.Struct({
  maxOutput: Schema.optional(Schema.Int.pipe(Schema.positive())),
  tokenField: Schema.optional(Schema.Literal("max_tokens", "max_completion_tokens")),
  contextWindow: Schema.optional(Schema.Int.pipe(Schema.positive())),
  thinking: Schema.optional(Schema.Union(
    Schema.Literal("none", "effort"),
    Schema.Struct({ min: Schema.Int.pipe(Schema.nonNegative()), max: Schema.Int.pipe(Schema.positive()) })
  )),
  sampling: Schema.optional(Schema.Boolean),
  maxTools: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  systemAnywhere: Schema.optional(Schema.Boolean),
  imageTypes: Schema.optional(Schema.Array(Schema.String.pipe(Schema.pattern(/^image\/[a-z0-9.+-]+$/, { message: () => "must be an image media type like image/png" })))),
  pdf: Schema.optional(Schema.Boolean),
  refusedBetas: Schema.optional(Schema.Array(FlagName)),
  refusedParams: Schema.optional(Schema.Array(FlagName)),
  /** Anthropic server tools it serves, by kind (`web_search`, `web_fetch`, `code_execution`, ...), or ["all"] */
  serverTools: Schema.optional(Schema.Array(Schema.String.pipe(Schema.pattern(/^[a-z_]{1,40}$/, { message: () => "must be a server tool kind like web_search, or all" })))),
  /** whether its web search honours blocked_domains */
  blockedDomains: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "Capabilities" })

/**
 * One key of a provider's pool: an API key, or (Bedrock, Claude Platform on AWS) an AWS key pair.
 * Requests are spread over the pool by conversation, in proportion to `weight` (src/Pool/).
 */
export const PoolKey = Schema.Struct({
  key: Schema.optional(HeaderSafe.pipe(Schema.minLength(1))),
  aws: Schema.optional(AwsCredentials),
  /** its share of conversations relative to the pool's other keys (default 1) */
  weight: Schema.optional(Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(1000))),
  /** who or what the key is (shown beside its masked id) */
  note: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
}).annotations({ identifier: "PoolKey" })
export type PoolKey = typeof PoolKey.Type

export const ProviderConfig = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: () => "must be 1-64 letters, digits, '.', '_' or '-'"
  })),
  format: Format,
  /** required but for bedrock and vertex, whose endpoint follows from the region */
  baseUrl: Schema.optional(HttpUrl),
  /** bedrock, vertex, claude-platform-aws: the cloud region (`global`, `us` or `eu` for Vertex's multi-region endpoints) */
  region: Schema.optional(Region),
  /** bedrock: `invoke` (InvokeModel, the default: it serves every model) or `messages` (Bedrock's Messages API) */
  api: Schema.optional(Schema.Literal("invoke", "messages")),
  /** bedrock InvokeModel: the inference profile's geography (default: the region's) */
  inferenceProfile: Schema.optional(Schema.Literal("global", "us", "eu", "jp", "au", "apac")),
  /** claude-platform-aws: the workspace every request names (`anthropic-workspace-id`) */
  workspaceId: Schema.optional(HeaderSafe.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,128}$/, { message: () => "must be a workspace id like wrkspc_01…" }))),
  /** vertex: the Google Cloud project id */
  project: Schema.optional(Schema.String.pipe(Schema.pattern(/^[a-z][a-z0-9.:-]{3,61}[a-z0-9]$/, { message: () => "must be a Google Cloud project id" }))),
  /** bedrock: SigV4 credentials (or a Bedrock API key in `apiKey`) */
  aws: Schema.optional(AwsCredentials),
  /** vertex: the service-account key that signs for access tokens */
  serviceAccount: Schema.optional(ServiceAccount),
  /** stored key; without one an anthropic-format provider forwards the caller's own credential */
  apiKey: Schema.optional(HeaderSafe.pipe(Schema.minLength(1))),
  /** a pool of stored keys instead of one `apiKey`: each conversation keeps one key while it is healthy */
  keys: Schema.optional(Schema.Array(PoolKey).pipe(Schema.minItems(1), Schema.maxItems(64))),
  /** model map: exact key first, then `*` globs in document order; no match keeps the model */
  models: Schema.optional(ModelMap),
  headers: Schema.optional(HeaderMap),
  enabled: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  retries: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 10)), { default: () => 1 }),
  /** time to response headers for streaming requests */
  timeoutMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(100, 600_000)), { default: () => 60_000 }),
  /** time to response headers for non-streaming requests (they arrive only when generation ends) */
  nonStreamingTimeoutMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(100, 3_600_000)), {
    default: () => 900_000
  }),
  /** the output-token limit (same as capabilities.maxOutput, kept for older documents) */
  maxTokens: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /** openai: the field carrying it (same as capabilities.tokenField, kept for older documents) */
  tokenField: Schema.optional(Schema.Literal("max_tokens", "max_completion_tokens")),
  /** what this provider's models take, where the built-in catalogue does not know or knows wrong */
  capabilities: Schema.optional(CapabilityOverrides),
  /** openai: `echo` thinking as reasoning_content; openai-responses: reasoning `summary` to ask for */
  reasoning: Schema.optional(Schema.Struct({
    echo: Schema.optional(Schema.Boolean),
    summary: Schema.optional(Schema.Literal("auto", "concise", "detailed"))
  })),
  /** anthropic-beta policy: flags to strip ("*" for all) and flags to rename, before the provider sees them */
  betas: Schema.optional(Schema.Struct({
    strip: Schema.optional(Schema.Array(Schema.String)),
    rename: Schema.optional(Schema.Record({ key: Schema.String, value: HeaderSafe }))
  }))
}).annotations({ identifier: "Provider" })
export type ProviderConfig = typeof ProviderConfig.Type

export const AccessToken = Schema.Struct({
  token: Schema.String.pipe(Schema.minLength(16, { message: () => "must be at least 16 characters" })),
  note: Schema.optional(Schema.String),
  /** quota: requests per clock minute, counted across isolates (429 over it, no upstream called) */
  requestsPerMinute: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /** quota: requests per UTC day */
  requestsPerDay: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "AccessToken" })
export type AccessToken = typeof AccessToken.Type

/** Hosts the direct translation routes may reach unless the user lists others. */
export const DEFAULT_DIRECT_HOSTS = [
  "api.openai.com",
  "openrouter.ai",
  "api.groq.com",
  "api.deepseek.com",
  "api.together.xyz",
  "api.mistral.ai",
  "api.fireworks.ai",
  "api.x.ai",
  "api.cerebras.ai",
  "generativelanguage.googleapis.com"
]

/** Circuit breaker: after `threshold` consecutive failures a provider rests for `baseMs`, then longer. */
export const Cooldown = Schema.Struct({
  threshold: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100)), { default: () => 3 }),
  baseMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 3_600_000)), { default: () => 30_000 }),
  maxMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 86_400_000)), { default: () => 300_000 })
}).annotations({ identifier: "Cooldown" })
export type Cooldown = typeof Cooldown.Type

/**
 * Streaming, timed like Claude Code itself (it aborts a stream after 300 s of silence and a request
 * after API_TIMEOUT_MS, 600 s by default). Before the first content event the gate tells a live upstream
 * (it keeps sending, e.g. pings during a long prefill) from a dead one (nothing at all): the live one is
 * waited for up to `firstEventTimeoutMs`, the silent one is given up after `firstEventIdleMs`, early
 * enough for a fallback to answer. After the commit a gap longer than `idleTimeoutMs` ends the stream.
 * The client's own 200 with pings starts only after `keepAliveMs`, so every failure before it keeps
 * its real status and headers.
 */
export const StreamSettings = Schema.Struct({
  firstEventTimeoutMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(100, 600_000)), { default: () => 300_000 }),
  firstEventIdleMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(100, 600_000)), { default: () => 45_000 }),
  idleTimeoutMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(100, 3_600_000)), { default: () => 300_000 }),
  keepAliveMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(100, 590_000)), { default: () => 240_000 })
}).annotations({ identifier: "StreamSettings" })
export type StreamSettings = typeof StreamSettings.Type

export const Settings = Schema.Struct({
  /** longest Retry-After the chain waits for before moving on to the next provider */
  maxRetryAfterMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 60_000)), { default: () => 2_000 }),
  /** first retry delay; doubles per retry, jittered */
  retryBaseDelayMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 10_000)), { default: () => 200 }),
  cooldown: Schema.optionalWith(Cooldown, { default: () => Cooldown.make({}) }),
  /** how many keys of a pool one request may try before the chain moves on to the next provider */
  keysPerRequest: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 64)), { default: () => 3 }),
  /** longest a caller's credential is skipped on a provider that answered it 429 (0: never) */
  credentialCooldownMaxMs: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 7 * 86_400_000)), { default: () => 6 * 3_600_000 }),
  stream: Schema.optionalWith(StreamSettings, { default: () => StreamSettings.make({}) }),
  /** remove the volatile `cch=...;` from Claude Code's attribution block, for third-party
   * Anthropic-format providers only (an Anthropic-run endpoint removes the whole block itself) */
  stripBillingCch: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** `/openai/<host>/<path>` and `/gemini/<host>` stateless translation with the caller's own key */
  directRoutes: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** hosts (host or host:port) the direct routes may reach */
  directHosts: Schema.optionalWith(Schema.Array(Schema.String.pipe(Schema.minLength(1))), {
    default: () => DEFAULT_DIRECT_HOSTS
  }),
  /** exact browser origins allowed to call /v1 (CORS); "*" only if listed */
  allowedOrigins: Schema.optionalWith(
    Schema.Array(Schema.String.pipe(Schema.filter((s) => s === "*" || /^https?:\/\/[^/]+$/.test(s) || "must be an origin like https://app.example.com, or *"))),
    { default: () => [] }
  )
}).annotations({ identifier: "Settings" })
export type Settings = typeof Settings.Type

export const ConfigDocument = Schema.Struct({
  providers: Schema.Array(ProviderConfig).pipe(Schema.minItems(1)),
  accessTokens: Schema.optionalWith(Schema.Array(AccessToken), { default: () => [] }),
  settings: Schema.optionalWith(Settings, { default: () => Settings.make({}) })
}).annotations({ identifier: "ConfigDocument" })
export type ConfigDocument = typeof ConfigDocument.Type
export type ConfigDocumentEncoded = typeof ConfigDocument.Encoded

/** Where a provider's requests go: its baseUrl, or for the clouds the region's endpoint. */
export const baseUrlOf = (p: Pick<ProviderConfig, "format" | "baseUrl" | "region"> & { readonly api?: "invoke" | "messages" | undefined }): string => {
  if (p.baseUrl !== undefined) return p.baseUrl
  const region = p.region ?? ""
  if (p.format === "bedrock") return p.api === "messages" ? `https://bedrock-mantle.${region}.api.aws` : `https://bedrock-runtime.${region}.amazonaws.com`
  if (p.format === "claude-platform-aws") return `https://aws-external-anthropic.${region}.api.aws`
  if (p.format === "vertex") {
    if (region === "global") return "https://aiplatform.googleapis.com"
    // The multi-region endpoints have hosts of their own.
    if (region === "us" || region === "eu") return `https://aiplatform.${region}.rep.googleapis.com`
    return `https://${region}-aiplatform.googleapis.com`
  }
  return ""
}

/** Hosts where Anthropic itself serves the Messages API: the first-party API, Claude Platform on AWS,
 * Bedrock's Messages endpoint and Microsoft Foundry. Claude Code's attribution block must reach them
 * unchanged (they remove it themselves when it is the first system block, as sent). */
const ANTHROPIC_RUN_HOSTS = [
  /(^|\.)anthropic\.com$/,
  /^aws-external-anthropic\.[a-z0-9-]+\.api\.aws$/,
  /^bedrock-mantle\.[a-z0-9-]+\.api\.aws$/,
  /^bedrock-runtime\.[a-z0-9-]+\.amazonaws\.com$/,
  /\.services\.ai\.azure\.com$/
]

/** Whether the provider is Anthropic's own service (directly or on a cloud), not a third party's. */
export const isAnthropicRun = (p: Pick<ProviderConfig, "format" | "baseUrl" | "region">): boolean => {
  if (isCloudFormat(p.format)) return true
  if (p.format !== "anthropic") return false
  try {
    const host = new URL(baseUrlOf(p)).hostname.toLowerCase()
    return ANTHROPIC_RUN_HOSTS.some((re) => re.test(host))
  } catch {
    return false
  }
}

/** A provider that uses credentials we store (or our own resources): only for access-token holders. */
export const usesStoredCredential = (p: ProviderConfig): boolean => p.format !== "anthropic" || p.apiKey !== undefined || p.keys !== undefined

/** Whether the provider holds a pool of keys. */
export const isPooled = (p: Pick<ProviderConfig, "keys">): p is { readonly keys: ReadonlyArray<PoolKey> } => p.keys !== undefined && p.keys.length > 0

/** http:// or a private/loopback host: fine for `npm start`, refused by a deployed Worker by default. */
export const isLocalOnlyUrl = (url: string): boolean => {
  const u = new URL(url)
  return u.protocol === "http:" || isPrivateHost(u.hostname)
}

/** The document used while KV holds none: the caller's own credential, straight to Anthropic. */
export const defaultDocument = (primaryBaseUrl: string | undefined): ConfigDocument =>
  ConfigDocument.make({
    providers: [
      ProviderConfig.make({
        name: "anthropic",
        format: "anthropic",
        baseUrl: primaryBaseUrl ?? "https://api.anthropic.com",
        enabled: true,
        retries: 1,
        timeoutMs: 60_000,
        nonStreamingTimeoutMs: 900_000
      })
    ],
    accessTokens: [],
    settings: Settings.make({})
  })

/** The document as stored: defaults filled in, so what GET returns is what runs. */
export const encode = Schema.encodeSync(ConfigDocument)
