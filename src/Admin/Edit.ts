/**
 * The one write path every admin endpoint takes (`update`): start from the stored document, change
 * it, replace masked values with the stored secrets, validate the whole result with the document's
 * own rules, and store it only if nothing else was stored meanwhile; if something was, read the new
 * document and apply the change again, so two writes at once are both kept. A rejected write stores
 * nothing and answers with each problem's path.
 */
import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, Encoding, Option, ParseResult, Schema } from "effect"
import {
  type ConfigDocument,
  type ConfigDocumentEncoded,
  encode
} from "../Config/Document.js"
import { type ConfigIssue, validate } from "../Config/Validation.js"
import { maskDocument, unmaskDocument } from "../Config/Masking.js"
import { ConfigStore } from "../Config/Store.js"
import { WorkerEnv } from "../Env.js"
import type { ConfigSource } from "../Config/Sources.js"
import { Conflict, InvalidRequest, PreconditionFailed, StoreFailure, toIssues } from "./Schemas.js"

export const invalid = (issues: ReadonlyArray<ConfigIssue>) => Effect.fail(InvalidRequest.of(toIssues(issues)))

export interface Current {
  /** as stored, secrets in the clear: never sent out as it is */
  readonly document: ConfigDocumentEncoded
  readonly decoded: ConfigDocument
  /** false while nothing is stored and the built-in default is in force */
  readonly stored: boolean
  /** the document's text as stored (null: nothing stored): what a write must find to replace it */
  readonly text: string | null
  /** this version's ETag: 16 hex digits of the stored text's SHA-256, quoted */
  readonly etag: string
  /** where the document in force comes from */
  readonly source: ConfigSource
}

/** The ETag of a stored text (`"none"` while nothing is stored). */
export const etagOf = (text: string | null): Effect.Effect<string> =>
  text === null
    ? Effect.succeed("\"none\"")
    : Effect.map(
      Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
      (digest) => `"${Encoding.encodeHex(new Uint8Array(digest)).slice(0, 16)}"`
    )

/** Sends `etag` as the answer's ETag header. */
export const answerEtag = (etag: string): Effect.Effect<void> =>
  HttpApp.appendPreResponseHandler((_request, response) => Effect.succeed(HttpServerResponse.setHeader(response, "etag", etag)))

/** The If-Match header of the request being served, if there is one. */
const ifMatch: Effect.Effect<string | undefined> = Effect.map(
  Effect.serviceOption(HttpServerRequest.HttpServerRequest),
  Option.match({ onNone: () => undefined, onSome: (request) => request.headers["if-match"] })
)

/** The stored document, fresh from the store (or the built-in default). */
export const readCurrent: Effect.Effect<Current, StoreFailure, ConfigStore> = Effect.gen(function*() {
  const store = yield* ConfigStore
  const { document, source, stored, text } = yield* Effect.mapError(store.read, (e) => StoreFailure.of(e.message))
  const decoded = validate(document, { allowPrivateUpstreams: true })
  if (Either.isLeft(decoded)) return yield* Effect.fail(StoreFailure.of("the stored config is invalid"))
  return { document, decoded: decoded.right, stored, text, etag: yield* etagOf(text), source }
})

/** The document as every read shows it: keys and tokens masked. */
export const masked = (document: ConfigDocumentEncoded): ConfigDocumentEncoded => maskDocument(document)

/**
 * Validate a candidate whole document (masked values allowed: they stand for the stored secrets) and
 * store it if `current` is still what is stored. Returns the stored document, encoded with its
 * defaults, or undefined when another write came first (nothing stored).
 */
const commit = (
  candidate: unknown,
  current: Current
): Effect.Effect<ConfigDocumentEncoded | undefined, InvalidRequest | StoreFailure, ConfigStore | WorkerEnv> =>
  Effect.gen(function*() {
    const env = yield* WorkerEnv
    const store = yield* ConfigStore
    const { document, problems } = unmaskDocument(candidate, current.document)
    if (problems.length > 0) return yield* invalid(problems)
    const checked = validate(document, { allowPrivateUpstreams: env.ALLOW_PRIVATE_UPSTREAMS === "true" })
    if (Either.isLeft(checked)) return yield* invalid(checked.left)
    const stored = yield* Effect.mapError(store.write(checked.right, current.text), (e) => StoreFailure.of(e.message))
    return stored ? encode(checked.right) : undefined
  }).pipe(Effect.withSpan("Admin.commit"))

/** How often a write is applied again to a newer document before it gives up (a storm of writes). */
const ROUNDS = 20

/**
 * A change to the stored document, applied to its latest version: `change` gets the current document
 * (and which attempt this is, 0 first) and gives the candidate; if another write is stored between the
 * read and this one, the change is made again on the new document (where it may now fail, e.g. a name
 * another write took). With `If-Match`, the write applies only to that version: 412 if the document
 * is another one, or becomes another one before it is stored. The answer carries the new ETag.
 */
export const update = <E, R>(
  change: (current: Current, attempt: number) => Effect.Effect<unknown, E, R>
): Effect.Effect<ConfigDocumentEncoded, E | Conflict | InvalidRequest | PreconditionFailed | StoreFailure, R | ConfigStore | WorkerEnv> =>
  Effect.gen(function*() {
    if ((yield* ConfigStore).managed) return yield* Effect.fail(Conflict.of("configuration is managed by FAILOVER_CONFIG"))
    const expected = yield* ifMatch
    for (let attempt = 0; attempt < ROUNDS; attempt++) {
      const current = yield* readCurrent
      if (expected !== undefined && expected !== "*" && expected !== current.etag) return yield* Effect.fail(PreconditionFailed.of())
      const stored = yield* commit(yield* change(current, attempt), current)
      if (stored !== undefined) {
        yield* answerEtag(yield* etagOf(JSON.stringify(stored)))
        return stored
      }
      if (expected !== undefined) return yield* Effect.fail(PreconditionFailed.of())
    }
    return yield* Effect.fail(StoreFailure.of("the config changed under every attempt to write it; try again"))
  })

/**
 * A request body decoded with an endpoint's payload schema. Problems come back with their paths,
 * under `prefix` when the payload is one part of the document (e.g. `providers[2]`).
 */
export const decodeBody = <A, I>(
  schema: Schema.Schema<A, I>,
  request: HttpServerRequest.HttpServerRequest,
  prefix: ReadonlyArray<PropertyKey> = []
): Effect.Effect<A, InvalidRequest> =>
  Effect.gen(function*() {
    const text = yield* Effect.orElseSucceed(request.text, () => "")
    let json: unknown
    try {
      json = text.trim() === "" ? {} : JSON.parse(text)
    } catch {
      return yield* invalid([{ path: [], message: "body is not valid JSON" }])
    }
    return yield* Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(json).pipe(
      Effect.catchTag("ParseError", (error) =>
        invalid(
          ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => ({ path: [...prefix, ...i.path], message: i.message }))
        ))
    )
  })

/** The raw body as JSON (the whole-document write keeps its own, historical checks). */
export const readJson = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<unknown, InvalidRequest> =>
  Effect.gen(function*() {
    const text = yield* Effect.orElseSucceed(request.text, () => "")
    try {
      return JSON.parse(text) as unknown
    } catch {
      return yield* invalid([{ path: [], message: "body is not valid JSON" }])
    }
  })
