/**
 * What the admin API sends and receives. Derived from the config document's own schemas, so a field
 * added there shows up here (and in the OpenAPI document) without a second definition. Error bodies
 * are Anthropic-shaped: `{ type: "error", error: { type, message } }`.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { AccessToken, ConfigDocument, PoolKey, ProviderConfig, Settings } from "../Config/Document.js"
import { type ConfigIssue } from "../Config/Validation.js"

// ---------------------------------------------------------------------------------------------- errors

const errorOf = <T extends string>(type: T) => Schema.Struct({ type: Schema.Literal(type), message: Schema.String })

/** One problem with a write: where (`providers[1].baseUrl`, "" for the whole body) and what. */
export const Issue = Schema.Struct({ path: Schema.String, message: Schema.String }).annotations({ identifier: "Issue" })
export type Issue = typeof Issue.Type

/** `["providers", 1, "baseUrl"]` -> `providers[1].baseUrl` */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc === "" ? String(p) : `${acc}.${String(p)}`),
    ""
  )

/**
 * Issues as the API reports them. An optional field with a wrong value also reports that it is not
 * `undefined`; that says nothing to a person, so it is dropped when the same path has a real problem.
 */
export const toIssues = (issues: ReadonlyArray<ConfigIssue>): Array<Issue> => {
  const all = issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
  const noise = (i: Issue) => i.message.startsWith("Expected undefined, actual")
  return all.filter((i) => !noise(i) || !all.some((j) => !noise(j) && j.path === i.path))
}

export class Unauthorized extends Schema.Class<Unauthorized>("AdminUnauthorized")(
  { type: Schema.Literal("error"), error: errorOf("authentication_error") },
  HttpApiSchema.annotations({ status: 401, description: "Missing or wrong `Authorization: Bearer <ADMIN_TOKEN>`" })
) {
  static readonly of = (message: string) => new Unauthorized({ type: "error", error: { type: "authentication_error", message } })
}

export class InvalidRequest extends Schema.Class<InvalidRequest>("AdminInvalidRequest")(
  { type: Schema.Literal("error"), error: errorOf("invalid_request_error"), issues: Schema.Array(Issue) },
  HttpApiSchema.annotations({ status: 400, description: "The write was rejected and nothing changed; each issue names its path" })
) {
  static readonly of = (issues: ReadonlyArray<Issue>) =>
    new InvalidRequest({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: `invalid request: ${issues.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; ")}`
      },
      issues
    })
}

export class NotFound extends Schema.Class<NotFound>("AdminNotFound")(
  { type: Schema.Literal("error"), error: errorOf("not_found_error") },
  HttpApiSchema.annotations({ status: 404, description: "No such provider or access token" })
) {
  static readonly of = (message: string) => new NotFound({ type: "error", error: { type: "not_found_error", message } })
}

export class Conflict extends Schema.Class<Conflict>("AdminConflict")(
  { type: Schema.Literal("error"), error: errorOf("invalid_request_error"), code: Schema.Literal("conflict") },
  HttpApiSchema.annotations({
    status: 409,
    description: "The change conflicts with the document as another write left it (a name now taken, a provider renamed meanwhile); nothing changed"
  })
) {
  static readonly of = (message: string) => new Conflict({ type: "error", error: { type: "invalid_request_error", message }, code: "conflict" })
}

export class PreconditionFailed extends Schema.Class<PreconditionFailed>("AdminPreconditionFailed")(
  { type: Schema.Literal("error"), error: errorOf("invalid_request_error"), code: Schema.Literal("precondition_failed") },
  HttpApiSchema.annotations({
    status: 412,
    description: "If-Match named a version of the configuration that is no longer current; nothing changed"
  })
) {
  static readonly of = () =>
    new PreconditionFailed({
      type: "error",
      error: { type: "invalid_request_error", message: "the configuration changed since it was read (If-Match does not match its ETag): read it again" },
      code: "precondition_failed"
    })
}

export class StoreFailure extends Schema.Class<StoreFailure>("AdminStoreFailure")(
  { type: Schema.Literal("error"), error: errorOf("api_error") },
  HttpApiSchema.annotations({
    status: 503,
    description: "The config store could not be read or written; a write that fails this way changed nothing"
  })
) {
  static readonly of = (message: string) => new StoreFailure({ type: "error", error: { type: "api_error", message } })
}

// ------------------------------------------------------------------------------------------- documents

/**
 * The whole document as JSON (no value constraints: secrets arrive masked, and the full rules run
 * after the masked values are replaced with the stored ones).
 */
const DocumentJson = Schema.encodedSchema(ConfigDocument)

export const DocumentView = Schema.extend(DocumentJson, Schema.Struct({
  /** false while nothing is stored and the built-in default is in force */
  stored: Schema.Boolean,
  /** this version's ETag (also the response's ETag header): send it back as If-Match */
  etag: Schema.String,
  /** where the configuration in force comes from: FAILOVER_CONFIG (read-only), stored, variables or default */
  source: Schema.Literal("FAILOVER_CONFIG", "stored", "variables", "default")
})).annotations({ identifier: "ConfigDocumentView", description: "The config document, every key and token masked" })

export const DocumentInput = Schema.extend(DocumentJson, Schema.Struct({
  stored: Schema.optional(Schema.Boolean),
  etag: Schema.optional(Schema.String),
  source: Schema.optional(Schema.String)
}))
  .annotations({
    identifier: "ConfigDocumentInput",
    description: "A whole config document; masked values sent back keep the stored secrets; `stored`, `etag` and `source` are ignored (send If-Match)",
    // A typed client sends unknown keys on as they are: the API names each one as a problem, where a
    // client that dropped them would store the document without what the user meant (a misspelt key).
    parseOptions: { onExcessProperty: "preserve" }
  })

export const Ok = Schema.Struct({ ok: Schema.Literal(true) }).annotations({ identifier: "Ok" })

// ------------------------------------------------------------------------------------------- providers

/** A provider as JSON with the document's value rules; `apiKey` is masked on reads. */
export const ProviderInput = Schema.encodedBoundSchema(ProviderConfig).annotations({
  identifier: "ProviderInput",
  description: "A provider; on update a masked apiKey (as read) keeps the stored key"
})
export type ProviderInput = typeof ProviderInput.Type

export const ProviderList = Schema.Struct({ providers: Schema.Array(ProviderInput) }).annotations({
  identifier: "ProviderList",
  description: "Providers in chain order, keys masked"
})

export const ProviderName = Schema.Struct({ name: Schema.String })

export const Reorder = Schema.Struct({
  names: Schema.Array(Schema.String).annotations({ description: "every provider name once, in the new chain order" })
}).annotations({ identifier: "Reorder" })

export const EnabledInput = Schema.Struct({ enabled: Schema.Boolean }).annotations({ identifier: "Enabled" })

export const ProviderTestInput = Schema.Struct({
  apiKey: Schema.optional(Schema.String.pipe(Schema.minLength(1))).annotations({
    description: "only for a provider without a stored key (it forwards the caller's own): sent as x-api-key, never stored"
  })
}).annotations({ identifier: "ProviderTestInput" })

export const ProviderTestResult = Schema.Struct({
  provider: Schema.String,
  ok: Schema.Boolean,
  /** the upstream's HTTP status; null when none arrived (network error, timeout) */
  status: Schema.NullOr(Schema.Int),
  latencyMs: Schema.Number,
  /** the model the upstream was asked for, after the provider's model map */
  model: Schema.String,
  error: Schema.optional(Schema.Struct({
    type: Schema.String,
    message: Schema.String,
    body: Schema.optional(Schema.String)
  }))
}).annotations({ identifier: "ProviderTestResult" })
export type ProviderTestResult = typeof ProviderTestResult.Type

// -------------------------------------------------------------------------------------------- pool keys

/** One key of a pool as JSON; its secret is masked on reads, and a masked value sent back keeps it. */
export const PoolKeyInput = Schema.encodedBoundSchema(PoolKey).annotations({
  identifier: "PoolKeyInput",
  description: "A key of a provider's pool: `key` (an API key) or `aws` (an access-key pair, AWS formats), with an optional weight and note"
})

export const PoolKeyView = Schema.extend(Schema.encodedSchema(PoolKey), Schema.Struct({
  index: Schema.Int,
  id: Schema.String.annotations({ description: "a stable id: `kid_` and 12 hex digits of a SHA-256 of the key (reveals nothing of it)" })
})).annotations({ identifier: "PoolKeyView", description: "A pooled key, masked" })

export const PoolKeyList = Schema.Struct({ keys: Schema.Array(PoolKeyView) }).annotations({ identifier: "PoolKeyList" })

export const PoolKeyRef = Schema.Struct({
  name: Schema.String,
  ref: Schema.String.annotations({ description: "the key's id (`kid_…`) or its position in the pool, from 0" })
})

// ----------------------------------------------------------------------------------------------- tokens

const TokenJson = Schema.encodedSchema(AccessToken)

export const TokenRef = Schema.Struct({
  ref: Schema.String.annotations({
    description: "the token's id (`tid_…`, from the list; it stays right when other tokens come and go) or its position in the list, from 0"
  })
})

const TokenIds = Schema.Struct({
  index: Schema.Int,
  id: Schema.String.annotations({ description: "a stable id: `tid_` and 12 hex digits of the token's SHA-256 (reveals nothing of it)" })
})

export const TokenView = Schema.extend(TokenJson, TokenIds).annotations({
  identifier: "AccessTokenView",
  description: "An access token, masked"
})

export const TokenList = Schema.Struct({ tokens: Schema.Array(TokenView) }).annotations({ identifier: "AccessTokenList" })

export const TokenCreate = Schema.encodedBoundSchema(AccessToken).pipe(Schema.omit("token")).annotations({
  identifier: "AccessTokenCreate",
  description: "The new token's note (and quotas); the token itself is generated"
})

export const TokenCreated = Schema.extend(TokenJson, TokenIds).annotations({
  identifier: "AccessTokenCreated",
  description: "The new token in plain: shown this once, never again"
})

export const TokenNote = Schema.Struct({
  note: Schema.optional(Schema.String).annotations({ description: "absent or empty removes the note" })
}).annotations({ identifier: "AccessTokenNote" })

// --------------------------------------------------------------------------------------------- settings

export const SettingsInput = Schema.encodedBoundSchema(Settings).annotations({ identifier: "SettingsInput" })

// ----------------------------------------------------------------------------------------------- health

/** One key of a pool: its state and the last 24 hours. */
export const KeyHealthView = Schema.Struct({
  id: Schema.String.annotations({ description: "the key's stable id (`kid_…`, from a hash of it; reveals nothing)" }),
  key: Schema.String.annotations({ description: "the key, masked" }),
  note: Schema.optional(Schema.String),
  weight: Schema.Number,
  state: Schema.Literal("available", "cooling", "set-aside").annotations({
    description: "cooling: after a 429, until `until`; set-aside: it answered 401/403, until a health reset or a new value"
  }),
  until: Schema.optional(Schema.Number.annotations({ description: "epoch ms a cooling key may be tried again" })),
  status: Schema.optional(Schema.Int.annotations({ description: "what set it aside or cooled it: 429, 401 or 403" })),
  since: Schema.optional(Schema.Number.annotations({ description: "epoch ms it was set aside" })),
  last24h: Schema.Struct({ requests: Schema.Number, errors: Schema.Number, inputTokens: Schema.Number, outputTokens: Schema.Number })
}).annotations({ identifier: "KeyHealth" })

export const ProviderHealthView = Schema.Struct({
  name: Schema.String,
  enabled: Schema.Boolean,
  state: Schema.Literal("closed", "open", "half-open"),
  consecutiveFailures: Schema.Int,
  /** epoch ms until which the provider is skipped; 0 when closed */
  openUntil: Schema.Number,
  lastError: Schema.optional(Schema.Struct({
    at: Schema.Number,
    tag: Schema.String,
    status: Schema.optional(Schema.Number),
    message: Schema.String
  })),
  lastSuccessAt: Schema.optional(Schema.Number),
  requests: Schema.Int,
  successes: Schema.Int,
  failures: Schema.Int,
  credentialCooldowns: Schema.optional(Schema.Struct({
    count: Schema.Int.annotations({ description: "callers' credentials this provider is skipped for after a 429 (or a refused login)" }),
    soonestReset: Schema.Number.annotations({ description: "epoch ms when the first of them may try again" })
  })),
  keys: Schema.optional(Schema.Array(KeyHealthView).annotations({ description: "a key pool's keys, in config order" })),
  learned: Schema.optional(Schema.Array(Schema.Struct({
    model: Schema.String,
    params: Schema.Array(Schema.String).annotations({ description: "request parameters this provider refused for the model by name; left out since" }),
    betas: Schema.Array(Schema.String).annotations({ description: "anthropic-beta values it refused; left out since" })
  })).annotations({ description: "what this provider's 400s taught; a health reset forgets it" }))
}).annotations({ identifier: "ProviderHealth" })

export const HealthList = Schema.Struct({
  scope: Schema.Literal("isolate", "deployment").annotations({
    description: "deployment: shared by every isolate through a Durable Object; isolate: this isolate's memory only"
  }),
  providers: Schema.Array(ProviderHealthView)
}).annotations({ identifier: "HealthList" })

// ---------------------------------------------------------------------------------------- env and usage

export const EnvVariant = Schema.Struct({
  id: Schema.Literal("url-token", "header-token", "own-credential"),
  title: Schema.String,
  shell: Schema.String,
  settingsJson: Schema.String
}).annotations({ identifier: "EnvVariant" })

export const EnvView = Schema.Struct({
  baseUrl: Schema.String,
  /** stands for an access token in the snippets; tokens are never shown in plain after creation */
  tokenPlaceholder: Schema.String,
  /** whether some enabled provider serves only requests that carry an access token */
  needsToken: Schema.Boolean,
  variants: Schema.Array(EnvVariant)
}).annotations({ identifier: "ClaudeCodeEnv" })

const Counters = Schema.Struct({
  requests: Schema.Number,
  failovers: Schema.Number,
  errors: Schema.Number,
  inputTokens: Schema.Number,
  outputTokens: Schema.Number
}).annotations({ identifier: "UsageCounters" })

export const UsageView = Schema.Struct({
  scope: Schema.Literal("isolate"),
  /** epoch ms the counters start from (this isolate's start) */
  since: Schema.Number,
  sinceIso: Schema.String,
  note: Schema.String,
  providers: Schema.Record({ key: Schema.String, value: Counters }),
  /** by token note, else the masked token */
  tokens: Schema.Record({ key: Schema.String, value: Counters }),
  /** the last 24 h by the hour, keys "provider:<name>", "token:<label>" and "key:<provider>/<key id>" */
  hourly: Schema.Struct({
    scope: Schema.Literal("isolate", "deployment"),
    hours: Schema.Array(Schema.Number),
    keys: Schema.Record({ key: Schema.String, value: Schema.Array(Counters) }),
    totals: Schema.Record({ key: Schema.String, value: Counters })
  })
}).annotations({ identifier: "Usage" })

export const LoggedAttempt = Schema.Struct({
  provider: Schema.String,
  outcome: Schema.String.annotations({ description: "a status (429), an error kind (timeout, network-error, bad-response), or skipped(cooldown) / skipped(breaker) / skipped(<unmet need, e.g. 150 tools > 128>)" }),
  tries: Schema.Int,
  cooldownUntil: Schema.optional(Schema.Number.annotations({ description: "epoch ms a credential cooldown started here lasts until" })),
  message: Schema.optional(Schema.String.annotations({ description: "what a refusing provider said (a fallback's 4xx), shortened" })),
  key: Schema.optional(Schema.String.annotations({ description: "the pooled key called, masked (`sk-...c1a9`)" })),
  setAside: Schema.optional(Schema.Boolean.annotations({ description: "that key answered 401/403 and is set aside until an operator resets it" }))
}).annotations({ identifier: "LoggedAttempt" })

export const LogEntryView = Schema.Struct({
  at: Schema.Number,
  requestId: Schema.String,
  method: Schema.String,
  path: Schema.String,
  model: Schema.optional(Schema.String),
  stream: Schema.Boolean,
  provider: Schema.String.annotations({ description: "who answered, or the last provider that failed" }),
  status: Schema.Int,
  attempts: Schema.Array(LoggedAttempt).annotations({ description: "what each provider did, in chain order" }),
  failedOver: Schema.Boolean,
  latencyMs: Schema.Number.annotations({ description: "until the answer was complete (a stream: its end)" }),
  ttfbMs: Schema.Number.annotations({ description: "until the answer's head was ready (a stream: its first content)" }),
  inputTokens: Schema.optional(Schema.Number),
  outputTokens: Schema.optional(Schema.Number),
  token: Schema.optional(Schema.String.annotations({ description: "the access token's note, or its mask" }))
}).annotations({ identifier: "LogEntry" })

export const RequestLogView = Schema.Struct({
  scope: Schema.Literal("isolate", "deployment"),
  entries: Schema.Array(LogEntryView).annotations({ description: "the last 200 requests, newest first" })
}).annotations({ identifier: "RequestLog" })
