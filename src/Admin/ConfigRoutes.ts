/**
 * `GET/PUT /admin/api/config`: the whole document, secrets masked on the way out and kept when a
 * masked value comes back. A rejected document is never stored; the answer lists each problem's path.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either } from "effect"
import { type ConfigIssue, validate } from "../Config/Document.js"
import { maskDocument, unmaskDocument } from "../Config/Masking.js"
import { ConfigStore } from "../Config/Store.js"
import { WorkerEnv } from "../Env.js"
import { Health } from "../Health/Health.js"
import { errorBody } from "../formats/anthropic/Messages.js"
import { isAdmin } from "./Auth.js"

const json = (status: number, body: unknown) =>
  HttpServerResponse.text(JSON.stringify(body), { status, contentType: "application/json" })

const unauthorized = json(401, errorBody("authentication_error", "admin endpoints need Authorization: Bearer <ADMIN_TOKEN>"))

export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc === "" ? String(p) : `${acc}.${String(p)}`), "")

export const invalidConfig = (issues: ReadonlyArray<ConfigIssue>) =>
  json(400, {
    ...errorBody(
      "invalid_request_error",
      `invalid config: ${issues.map((i) => `${formatPath(i.path) || "(document)"}: ${i.message}`).join("; ")}`
    ),
    issues: issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
  })

const authorized = <A, E, R>(handler: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const env = yield* WorkerEnv
    if (!isAdmin(request.headers["authorization"], env.ADMIN_TOKEN)) return unauthorized
    return yield* handler
  })

export const getConfig = authorized(Effect.gen(function*() {
  const store = yield* ConfigStore
  return yield* store.read.pipe(
    Effect.match({
      onFailure: (e) => json(500, errorBody("api_error", e.message)),
      onSuccess: ({ document, stored }) => json(200, { ...maskDocument(document), stored })
    })
  )
})).pipe(Effect.withSpan("Admin.getConfig"))

export const putConfig = authorized(Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const env = yield* WorkerEnv
  const store = yield* ConfigStore
  const text = yield* Effect.orElseSucceed(request.text, () => "")
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch {
    return invalidConfig([{ path: [], message: "body is not valid JSON" }])
  }
  if (typeof input === "object" && input !== null && "stored" in input) {
    // GET adds `stored`; accept it back so GET -> PUT round-trips
    const { stored: _, ...rest } = input as Record<string, unknown>
    input = rest
  }
  const current = yield* Effect.either(store.read)
  if (Either.isLeft(current)) return json(503, errorBody("api_error", current.left.message))
  const { document, problems } = unmaskDocument(input, current.right.document)
  if (problems.length > 0) return invalidConfig(problems)
  const checked = validate(document, { allowPrivateUpstreams: env.ALLOW_PRIVATE_UPSTREAMS === "true" })
  if (Either.isLeft(checked)) return invalidConfig(checked.left)
  const health = yield* Health
  return yield* store.write(checked.right).pipe(
    // A new document is a fresh start: old breaker state may describe a provider that changed.
    Effect.zipLeft(health.reset()),
    Effect.match({
      onFailure: (e) => json(500, errorBody("api_error", e.message)),
      onSuccess: () => json(200, { ok: true })
    })
  )
})).pipe(Effect.withSpan("Admin.putConfig"))
