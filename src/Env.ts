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
  /** overrides the default primary's base URL when KV holds no config */
  readonly PRIMARY_BASE_URL?: string | undefined
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
