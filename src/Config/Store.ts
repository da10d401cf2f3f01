/**
 * Where the config document lives, and the per-isolate snapshot of it. The request path reads the
 * snapshot from memory; the store is read at most once per `CONFIG_CACHE_MS` per isolate and never
 * written on the request path. A read failure (or a document someone broke by hand) keeps the last
 * good snapshot.
 *
 * Writes are compare-and-swap: a write names the text it was made from and is stored only if that is
 * still what is stored, so two admin writes at once never silently overwrite each other (the loser
 * is told, and the admin API applies its change again to the new document). On a Worker the
 * document's single writer is a Durable Object (`ConfigOwner`); on Node, writes to the file are
 * serialised in the process.
 */
import { Clock, Context, Effect, Either, Layer } from "effect"
import { WorkerEnv } from "../Env.js"
import {
  type ConfigDocument,
  type ConfigDocumentEncoded,
  defaultDocument,
  encode,
  type ProviderConfig
} from "./Document.js"
import { validate } from "./Validation.js"
import { compileModels, type ModelMapper } from "./Models.js"
import { type ConfigSource, type EnvLike, managedDocument, variablesDocument } from "./Sources.js"

export const CONFIG_KEY = "config"

/** The storage under the document: a Durable Object (or KV) in the Worker, a file on Node, memory in tests. */
export interface ConfigBackend {
  readonly load: () => Promise<string | null>
  /** Stores `text` if what is stored is still `expected` (null: nothing yet); false, storing nothing, if not. */
  readonly swap: (expected: string | null, text: string) => Promise<boolean>
}

export interface ProviderSnapshot {
  readonly config: ProviderConfig
  readonly mapModel: ModelMapper
}

export interface Snapshot {
  readonly document: ConfigDocument
  /** false while no document is stored (FAILOVER_CONFIG, the variables or the built-in default is in force) */
  readonly stored: boolean
  /** where the document in force comes from */
  readonly source: ConfigSource
  /** set when the configuration given is not valid (FAILOVER_CONFIG, the variables): every request answers it */
  readonly problem?: string | undefined
  readonly providers: ReadonlyArray<ProviderSnapshot>
  readonly tokens: ReadonlySet<string>
}

export class ConfigStoreError extends Error {
  readonly _tag = "ConfigStoreError"
}

export class ConfigStore extends Context.Tag("claude-failover/ConfigStore")<ConfigStore, {
  /** the current snapshot (cached per isolate) */
  readonly snapshot: Effect.Effect<Snapshot>
  /** the stored document, fresh from the backend (admin reads), and its text as stored (null: none) */
  readonly read: Effect.Effect<
    { readonly document: ConfigDocumentEncoded; readonly stored: boolean; readonly text: string | null; readonly source: ConfigSource },
    ConfigStoreError
  >
  /** the configuration comes from FAILOVER_CONFIG: the admin API only reads it */
  readonly managed: boolean
  /**
   * Store an already validated document if the stored text is still `expected`, and refresh this
   * isolate's snapshot; false (nothing stored) when another write came first.
   */
  readonly write: (document: ConfigDocument, expected: string | null) => Effect.Effect<boolean, ConfigStoreError>
}>() {}

const toSnapshot = (document: ConfigDocument, source: ConfigSource, problem?: string): Snapshot => ({
  document,
  stored: source === "stored",
  source,
  problem,
  providers: document.providers.map((config) => ({ config, mapModel: compileModels(config.models) })),
  tokens: new Set(document.accessTokens.map((t) => t.token))
})

export interface StoreOptions {
  readonly cacheMs: number
  /** the variables: FAILOVER_CONFIG, the familiar ones, and whatever `env:NAME` references name */
  readonly env: EnvLike
}

export const make = (backend: ConfigBackend, options: StoreOptions): ConfigStore["Type"] => {
  const allowPrivate = options.env["ALLOW_PRIVATE_UPSTREAMS"] === "true"
  // The variables do not change while an isolate lives: each source is worked out once.
  const fromVariables = variablesDocument(options.env)
  const fallback = fromVariables === undefined
    ? toSnapshot(defaultDocument(undefined), "default")
    : Either.match(fromVariables, {
      onLeft: (problem) => toSnapshot(defaultDocument(undefined), "variables", problem),
      onRight: (document) => toSnapshot(document, "variables")
    })
  const fromManaged = managedDocument(options.env, allowPrivate)
  const managed = fromManaged === undefined ? undefined : Either.match(fromManaged, {
    onLeft: (problem) => toSnapshot(fallback.document, "FAILOVER_CONFIG", problem),
    onRight: (document) => toSnapshot(document, "FAILOVER_CONFIG")
  })
  let told = false
  /** The problem with the given configuration, logged once per isolate (it names no secret). */
  const tell = (snapshot: Snapshot) =>
    snapshot.problem === undefined || told ? Effect.void : Effect.zipRight(Effect.sync(() => (told = true)), Effect.logError(snapshot.problem))
  // Per-isolate state: plain variables, not a shared Deferred (see docs/design.md, "Layers are built once, synchronously").
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
      onRight: (doc) => Either.right(toSnapshot(doc, "stored"))
    })
  }

  const load = Effect.tryPromise({
    try: () => backend.load(),
    catch: (cause) => new ConfigStoreError(`config read failed: ${String(cause)}`)
  })

  const snapshot: Effect.Effect<Snapshot> = Effect.gen(function*() {
    if (managed !== undefined) {
      yield* tell(managed)
      return managed
    }
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
    yield* tell(current)
    return current
  })

  const read = managed !== undefined
    ? managed.problem === undefined
      ? Effect.succeed({ document: encode(managed.document), stored: false, text: null, source: managed.source })
      : Effect.fail(new ConfigStoreError(managed.problem))
    : Effect.flatMap(load, (text) => {
      const parsed = parse(text)
      return Either.isLeft(parsed)
        ? Effect.fail(new ConfigStoreError(parsed.left))
        : Effect.succeed({ document: encode(parsed.right.document), stored: parsed.right.stored, text, source: parsed.right.source })
    })

  const write = (document: ConfigDocument, expected: string | null) =>
    Effect.tryPromise({
      try: () => backend.swap(expected, JSON.stringify(encode(document))),
      catch: (cause) => new ConfigStoreError(`config write failed: ${String(cause)}`)
    }).pipe(
      Effect.tap((stored) =>
        stored
          ? Effect.map(Clock.currentTimeMillis, (now) => {
            current = toSnapshot(document, "stored")
            loadedAt = now
          })
          : Effect.void
      ),
      Effect.withSpan("ConfigStore.write")
    )

  return { snapshot, read, write, managed: managed !== undefined }
}

/**
 * KV alone: what the Worker used before the Durable Object owned the document. KV cannot compare
 * and swap, so two writes at once can still race here; it is used only without CONFIG_OWNER.
 */
export const kvBackend = (kv: KVNamespace | undefined): ConfigBackend => ({
  load: () => (kv === undefined ? Promise.resolve(null) : kv.get(CONFIG_KEY, "text")),
  swap: async (expected, text) => {
    if (kv === undefined) throw new Error("no CONFIG KV binding")
    if ((await kv.get(CONFIG_KEY, "text")) !== expected) return false
    await kv.put(CONFIG_KEY, text)
    return true
  }
})

/** The Durable Object that owns the document: one writer, each write durable before it answers. */
export interface ConfigOwnerStub {
  read(): Promise<string | null>
  swap(expected: string | null, text: string): Promise<boolean>
}

export const ownerBackend = (stub: () => ConfigOwnerStub): ConfigBackend => ({
  load: () => stub().read(),
  swap: (expected, text) => stub().swap(expected, text)
})

export const memoryBackend = (initial: string | null = null): ConfigBackend & { text: string | null } => {
  const state = {
    text: initial,
    load: () => Promise.resolve(state.text),
    swap: (expected: string | null, text: string) => {
      if (state.text !== expected) return Promise.resolve(false)
      state.text = text
      return Promise.resolve(true)
    }
  }
  return state
}

/**
 * The Worker's store: the CONFIG_OWNER Durable Object when bound (it keeps KV's copy up to date and
 * adopts a document KV already holds), else KV; cache time, FAILOVER_CONFIG and the familiar
 * variables from the environment.
 */
export const layerKv = Layer.effect(
  ConfigStore,
  Effect.map(WorkerEnv, (env) => {
    const owner = env.CONFIG_OWNER
    // The stub is looked up per call: a stub belongs to the request that made it.
    const backend = owner === undefined
      ? kvBackend(env.CONFIG)
      : ownerBackend(() => owner.get(owner.idFromName("config")) as unknown as ConfigOwnerStub)
    return make(backend, {
      cacheMs: env.CONFIG_CACHE_MS === undefined ? 5_000 : Number(env.CONFIG_CACHE_MS),
      env: env as unknown as EnvLike
    })
  })
)
