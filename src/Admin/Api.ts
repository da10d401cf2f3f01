/**
 * The admin API, defined once: the Worker serves it (Admin/Http.ts), `GET /admin/api/openapi.json`
 * documents it, and any Effect program can call it with a typed client:
 *
 * ```ts
 * const client = yield* HttpApiClient.make(AdminApi, {
 *   baseUrl: "https://claude-failover.example.workers.dev",
 *   transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(adminToken))
 * })
 * const { providers } = yield* client.providers.listProviders()
 * ```
 *
 * Nothing Worker-specific is imported here, so the definition runs anywhere Effect does.
 */
import {
  HttpApi,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpApiMiddleware,
  HttpApiSecurity,
  OpenApi
} from "@effect/platform"
import {
  DocumentInput,
  DocumentView,
  EnabledInput,
  EnvView,
  HealthList,
  Conflict,
  InvalidRequest,
  NotFound,
  Ok,
  ProviderInput,
  ProviderList,
  ProviderName,
  ProviderTestInput,
  PoolKeyInput,
  PoolKeyList,
  PoolKeyRef,
  PreconditionFailed,
  ProviderTestResult,
  Reorder,
  SettingsInput,
  StoreFailure,
  TokenCreate,
  TokenCreated,
  TokenList,
  TokenNote,
  TokenRef,
  Unauthorized,
  UsageView,
  RequestLogView
} from "./Schemas.js"

export * from "./Schemas.js"

/** `Authorization: Bearer <ADMIN_TOKEN>` on every endpoint; anything else is a 401. */
export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("claude-failover/AdminAuth", {
  failure: Unauthorized,
  security: {
    bearer: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(OpenApi.Description, "The Worker's ADMIN_TOKEN secret")
    )
  }
}) {}

export class ConfigGroup extends HttpApiGroup.make("config")
  .add(
    HttpApiEndpoint.get("getConfig", "/config")
      .addSuccess(DocumentView)
      .annotate(OpenApi.Summary, "The whole config document, secrets masked")
  )
  .add(
    HttpApiEndpoint.put("putConfig", "/config")
      .setPayload(DocumentInput)
      .addSuccess(Ok)
      .addError(InvalidRequest)
      .annotate(OpenApi.Summary, "Replace the whole document (breaker state restarts)")
  )
  .addError(Conflict)
  .addError(PreconditionFailed)
  .addError(StoreFailure)
  .annotate(
    OpenApi.Description,
    "The config document as one JSON value. Every read answers an `ETag` (GET /config also carries it as " +
      "`etag`); every write accepts `If-Match: <ETag>` and then applies only to that version (412 otherwise). " +
      "Without If-Match an item write applies to the latest version; one that conflicts with it answers 409."
  )
  .middleware(AdminAuth)
{}

export class ProvidersGroup extends HttpApiGroup.make("providers")
  .add(
    HttpApiEndpoint.get("listProviders", "/providers")
      .addSuccess(ProviderList)
      .annotate(OpenApi.Summary, "Providers in chain order, keys masked")
  )
  .add(
    HttpApiEndpoint.post("addProvider", "/providers")
      .setPayload(ProviderInput)
      .addSuccess(ProviderList, { status: 201 })
      .addError(InvalidRequest)
      .annotate(OpenApi.Summary, "Append a provider to the chain")
  )
  .add(
    HttpApiEndpoint.post("reorderProviders", "/providers/reorder")
      .setPayload(Reorder)
      .addSuccess(ProviderList)
      .addError(InvalidRequest)
      .annotate(OpenApi.Summary, "Put the chain in a new order (every name once)")
  )
  .add(
    HttpApiEndpoint.put("updateProvider", "/providers/:name")
      .setPath(ProviderName)
      .setPayload(ProviderInput)
      .addSuccess(ProviderList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Replace one provider (it may be renamed); a masked apiKey keeps the stored key")
  )
  .add(
    HttpApiEndpoint.del("deleteProvider", "/providers/:name")
      .setPath(ProviderName)
      .addSuccess(ProviderList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Remove a provider from the chain")
  )
  .add(
    HttpApiEndpoint.put("setProviderEnabled", "/providers/:name/enabled")
      .setPath(ProviderName)
      .setPayload(EnabledInput)
      .addSuccess(ProviderList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Enable or disable a provider")
  )
  .add(
    HttpApiEndpoint.post("testProvider", "/providers/:name/test")
      .setPath(ProviderName)
      .setPayload(ProviderTestInput)
      .addSuccess(ProviderTestResult)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(
        OpenApi.Description,
        "Sends one tiny non-streaming Messages request (max_tokens 1) through this provider alone and reports " +
          "status, latency and the error body. Breaker state and usage counters are not touched. A provider " +
          "without a stored key forwards the caller's own credential, so it needs `apiKey` in the body."
      )
  )
  .addError(Conflict)
  .addError(PreconditionFailed)
  .addError(StoreFailure)
  .middleware(AdminAuth)
{}

export class KeysGroup extends HttpApiGroup.make("keys")
  .add(
    HttpApiEndpoint.get("listKeys", "/providers/:name/keys")
      .setPath(ProviderName)
      .addSuccess(PoolKeyList)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "A provider's key pool, masked (a provider with one apiKey lists none)")
  )
  .add(
    HttpApiEndpoint.post("addKey", "/providers/:name/keys")
      .setPath(ProviderName)
      .setPayload(PoolKeyInput)
      .addSuccess(PoolKeyList, { status: 201 })
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Add a key to the pool; a provider with one apiKey (or aws pair) becomes a pool of it and the new key")
  )
  .add(
    HttpApiEndpoint.put("updateKey", "/providers/:name/keys/:ref")
      .setPath(PoolKeyRef)
      .setPayload(PoolKeyInput)
      .addSuccess(PoolKeyList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Replace one key (a masked secret keeps the stored one); its cooldown or set-aside ends")
  )
  .add(
    HttpApiEndpoint.del("deleteKey", "/providers/:name/keys/:ref")
      .setPath(PoolKeyRef)
      .addSuccess(PoolKeyList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Remove one key from the pool (a pool keeps at least one)")
  )
  .addError(Conflict)
  .addError(PreconditionFailed)
  .addError(StoreFailure)
  .middleware(AdminAuth)
{}

export class TokensGroup extends HttpApiGroup.make("tokens")
  .add(
    HttpApiEndpoint.get("listTokens", "/tokens")
      .addSuccess(TokenList)
      .annotate(OpenApi.Summary, "Access tokens, masked")
  )
  .add(
    HttpApiEndpoint.post("createToken", "/tokens")
      .setPayload(TokenCreate)
      .addSuccess(TokenCreated, { status: 201 })
      .addError(InvalidRequest)
      .annotate(OpenApi.Summary, "Generate an access token; the answer is the only time it is shown in plain")
  )
  .add(
    HttpApiEndpoint.del("deleteToken", "/tokens/:ref")
      .setPath(TokenRef)
      .addSuccess(TokenList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Revoke an access token")
  )
  .add(
    HttpApiEndpoint.put("setTokenNote", "/tokens/:ref/note")
      .setPath(TokenRef)
      .setPayload(TokenNote)
      .addSuccess(TokenList)
      .addError(InvalidRequest)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Set or remove an access token's note")
  )
  .addError(Conflict)
  .addError(PreconditionFailed)
  .addError(StoreFailure)
  .middleware(AdminAuth)
{}

export class SettingsGroup extends HttpApiGroup.make("settings")
  .add(HttpApiEndpoint.get("getSettings", "/settings").addSuccess(SettingsInput))
  .add(
    HttpApiEndpoint.put("putSettings", "/settings")
      .setPayload(SettingsInput)
      .addSuccess(SettingsInput)
      .addError(InvalidRequest)
  )
  .addError(Conflict)
  .addError(PreconditionFailed)
  .addError(StoreFailure)
  .middleware(AdminAuth)
{}

export class HealthGroup extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("getHealth", "/health")
      .addSuccess(HealthList)
      .annotate(OpenApi.Summary, "Circuit state, last error, last success and counts per provider (this isolate)")
  )
  .add(
    HttpApiEndpoint.post("resetHealth", "/health/reset")
      .addSuccess(HealthList)
      .annotate(OpenApi.Summary, "Close every breaker")
  )
  .add(
    HttpApiEndpoint.post("resetProviderHealth", "/health/:name/reset")
      .setPath(ProviderName)
      .addSuccess(HealthList)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Close one provider's breaker")
  )
  .add(
    HttpApiEndpoint.post("resetKeyHealth", "/health/:name/keys/:ref/reset")
      .setPath(PoolKeyRef)
      .addSuccess(HealthList)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "End one pooled key's cooldown or set-aside (after a 401, once the key is fixed upstream)")
  )
  .addError(StoreFailure)
  .middleware(AdminAuth)
{}

export class EnvGroup extends HttpApiGroup.make("env")
  .add(
    HttpApiEndpoint.get("getEnv", "/env")
      .addSuccess(EnvView)
      .annotate(OpenApi.Summary, "Claude Code settings for this deployment (shell and settings.json)")
  )
  .addError(StoreFailure)
  .middleware(AdminAuth)
{}

export class UsageGroup extends HttpApiGroup.make("usage")
  .add(
    HttpApiEndpoint.get("getUsage", "/usage")
      .addSuccess(UsageView)
      .annotate(OpenApi.Summary, "Requests, failovers and errors per provider and per token since this isolate started")
  )
  .add(
    HttpApiEndpoint.get("getRequestLog", "/log")
      .addSuccess(RequestLogView)
      .annotate(OpenApi.Summary, "The last 200 requests of the deployment: what each provider did, who answered, how fast (no bodies, no secrets)")
  )
  .middleware(AdminAuth)
{}

export const PREFIX = "/admin/api"
export const OPENAPI_PATH = `${PREFIX}/openapi.json` as const

export class AdminApi extends HttpApi.make("admin")
  .add(ConfigGroup)
  .add(ProvidersGroup)
  .add(KeysGroup)
  .add(TokensGroup)
  .add(SettingsGroup)
  .add(HealthGroup)
  .add(EnvGroup)
  .add(UsageGroup)
  .prefix(PREFIX)
  .annotate(OpenApi.Title, "claude-failover admin API")
  .annotate(OpenApi.Version, "1.0.0")
  .annotate(
    OpenApi.Description,
    "Configure the failover chain, access tokens and settings; see provider health and usage. Every key and " +
      "token is masked on reads; every write is validated as a whole document and changes nothing when rejected."
  )
{}
