/**
 * Where the config document lives, and the per-isolate snapshot of it. The request path reads the
 * snapshot from memory; KV is read at most once per `CONFIG_CACHE_MS` per isolate and never written
 * on the request path. A KV failure (or a document someone broke by hand) keeps the last good snapshot.
 */
import { Clock, Context, Effect, Either, Layer } from "effect"
import { WorkerEnv } from "../Env.js"
import {
  type ConfigDocument,
  type ConfigDocumentEncoded,
  defaultDocument,
  encode,
  type ProviderConfig,
  validate
} from "./Document.js"
import { compileModels, type ModelMapper } from "./Models.js"

export const CONFIG_KEY = "config"

/** The storage under the document: KV in the Worker, a file on Node, a Map in tests. */
export interface ConfigBackend {
  readonly load: () => Promise<string | null>
  readonly save: (text: string) => Promise<void>
}

export interface ProviderSnapshot {
  readonly config: ProviderConfig
  readonly mapModel: ModelMapper
}

export interface Snapshot {
  readonly document: ConfigDocument
  /** false while KV holds no document (the built-in default is in force) */
  readonly stored: boolean
  readonly providers: ReadonlyArray<ProviderSnapshot>
  readonly tokens: ReadonlySet<string>
}

export class ConfigStoreError extends Error {
  readonly _tag = "ConfigStoreError"
}

export class ConfigStore extends Context.Tag("claude-failover/ConfigStore")<ConfigStore, {
  /** the current snapshot (cached per isolate) */
  readonly snapshot: Effect.Effect<Snapshot>
  /** the stored document, fresh from the backend (admin reads) */
  readonly read: Effect.Effect<{ readonly document: ConfigDocumentEncoded; readonly stored: boolean }, ConfigStoreError>
  /** store an already validated document and refresh this isolate's snapshot */
  readonly write: (document: ConfigDocument) => Effect.Effect<void, ConfigStoreError>
}>() {}

const toSnapshot = (document: ConfigDocument, stored: boolean): Snapshot => ({
  document,
  stored,
  providers: document.providers.map((config) => ({ config, mapModel: compileModels(config.models) })),
  tokens: new Set(document.accessTokens.map((t) => t.token))
})

export interface StoreOptions {
  readonly cacheMs: number
  readonly primaryBaseUrl: string | undefined
}

export const make = (backend: ConfigBackend, options: StoreOptions): ConfigStore["Type"] => {
  const fallback = toSnapshot(defaultDocument(options.primaryBaseUrl), false)
  // Per-isolate state: plain variables, not a shared Deferred (see ARCHITECTURE pitfall 1).
  let current: Snapshot | undefined
  let loadedAt = Number.NEGATIVE_INFINITY

  const parse = (text: string | null): Either.Either<Snapshot, string> => {
    if (text === null) return Either.right(fallback)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return Either.left("stored config is not JSON")
    }
    // Stored documents were validated on write; re-check shape only (hosts were allowed then).
    return Either.match(validate(json, { allowPrivateUpstreams: true }), {
      onLeft: (issues) => Either.left(`stored config is invalid: ${issues.map((i) => i.message).join("; ")}`),
      onRight: (doc) => Either.right(toSnapshot(doc, true))
    })
  }

  const load = Effect.tryPromise({
    try: () => backend.load(),
    catch: (cause) => new ConfigStoreError(`config read failed: ${String(cause)}`)
  })

  const snapshot: Effect.Effect<Snapshot> = Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    if (current !== undefined && now - loadedAt < options.cacheMs) return current
    // Only a KV read is worth a span (and a log line); a cache hit is a memory read.
    const result = yield* Effect.either(load.pipe(Effect.withSpan("ConfigStore.load")))
    if (Either.isLeft(result)) {
      yield* Effect.logWarning(result.left.message)
      return current ?? fallback
    }
    const parsed = parse(result.right)
    if (Either.isLeft(parsed)) {
      yield* Effect.logError(parsed.left)
      return current ?? fallback
    }
    current = parsed.right
    loadedAt = now
    return current
  })

  const read = Effect.flatMap(load, (text) => {
    const parsed = parse(text)
    return Either.isLeft(parsed)
      ? Effect.fail(new ConfigStoreError(parsed.left))
      : Effect.succeed({ document: encode(parsed.right.document), stored: parsed.right.stored })
  })

  const write = (document: ConfigDocument) =>
    Effect.tryPromise({
      try: () => backend.save(JSON.stringify(encode(document))),
      catch: (cause) => new ConfigStoreError(`config write failed: ${String(cause)}`)
    }).pipe(
      Effect.zipRight(Clock.currentTimeMillis),
      Effect.map((now) => {
        current = toSnapshot(document, true)
        loadedAt = now
      }),
      Effect.withSpan("ConfigStore.write")
    )

  return { snapshot, read, write }
}

export const kvBackend = (kv: KVNamespace | undefined): ConfigBackend => ({
  load: () => (kv === undefined ? Promise.resolve(null) : kv.get(CONFIG_KEY, "text")),
  save: (text) => (kv === undefined ? Promise.reject(new Error("no CONFIG KV binding")) : kv.put(CONFIG_KEY, text))
})

export const memoryBackend = (initial: string | null = null): ConfigBackend & { text: string | null } => {
  const state = {
    text: initial,
    load: () => Promise.resolve(state.text),
    save: (text: string) => {
      state.text = text
      return Promise.resolve()
    }
  }
  return state
}

/** The Worker's store: the CONFIG KV binding, cache time and primary URL from the environment. */
export const layerKv = Layer.effect(
  ConfigStore,
  Effect.map(WorkerEnv, (env) =>
    make(kvBackend(env.CONFIG), {
      cacheMs: env.CONFIG_CACHE_MS === undefined ? 5_000 : Number(env.CONFIG_CACHE_MS),
      primaryBaseUrl: env.PRIMARY_BASE_URL
    }))
)
