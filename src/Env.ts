/**
 * The Worker's bindings and the per-request ExecutionContext, as services. The bindings are the same
 * object for the whole isolate; the ExecutionContext differs per request and arrives through the web
 * handler's context argument.
 */
import { Context } from "effect"

export interface Bindings {
  /** KV namespace holding the config document */
  readonly CONFIG?: KVNamespace | undefined
  readonly ADMIN_TOKEN?: string | undefined
  /** the whole configuration as a JSON document; when set it is the configuration (read-only) */
  readonly FAILOVER_CONFIG?: string | undefined
  /** with no document stored: the primary's base URL (PRIMARY_BASE_URL is the same) */
  readonly CLAUDE_API_BASE?: string | undefined
  readonly PRIMARY_BASE_URL?: string | undefined
  /** with no document stored: a key the primary uses instead of the caller's (needs ACCESS_TOKENS) */
  readonly CLAUDE_API_KEY?: string | undefined
  /** with no document stored: access tokens, comma-separated */
  readonly ACCESS_TOKENS?: string | undefined
  /** with no document stored: browser origins allowed to call /v1, comma-separated */
  readonly PROXY_ALLOWED_ORIGINS?: string | undefined
  /** with no document stored: the primary's time to response headers */
  readonly PROXY_TIMEOUT_MS?: string | undefined
  /** "debug" | "info" | "warning" | "error" | "none" (default "info") */
  readonly LOG_LEVEL?: string | undefined
  /** "true" lets a deployed Worker use http:// and private/loopback upstreams */
  readonly ALLOW_PRIVATE_UPSTREAMS?: string | undefined
  /** how long a config snapshot is reused inside one isolate (default 5000 ms) */
  readonly CONFIG_CACHE_MS?: string | undefined
  /** how often an isolate reports successes and usage to the SHARED Durable Object (default 5000) */
  readonly SHARED_FLUSH_MS?: string | undefined
  /** Durable Objects counting per-token quotas */
  readonly QUOTA?: DurableObjectNamespace | undefined
  /** the Durable Object holding provider health and usage shared by every isolate */
  readonly SHARED?: DurableObjectNamespace | undefined
  /** the Durable Object that owns the config document (its one writer; KV holds a copy) */
  readonly CONFIG_OWNER?: DurableObjectNamespace | undefined
}

export class WorkerEnv extends Context.Tag("claude-failover/WorkerEnv")<WorkerEnv, Bindings>() {}

export class WorkerCtx extends Context.Tag("claude-failover/WorkerCtx")<WorkerCtx, ExecutionContext>() {}
