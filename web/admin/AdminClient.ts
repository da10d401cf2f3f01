/**
 * The page's way to the admin API: the typed client derived from `AdminApi` (src/Admin/Api.ts), so
 * a change to the API's shapes is a type error here. Calls run as promises for the DOM's event
 * handlers; a failure becomes an `ApiError` with the HTTP status and the API's error body.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Option, ParseResult } from "effect"
import {
  AdminApi,
  Conflict,
  InvalidRequest,
  type Issue,
  NotFound,
  PreconditionFailed,
  StoreFailure,
  toIssues,
  Unauthorized
} from "../../src/Admin/Api.js"

const TOKEN_KEY = "claude-failover-admin-token"
export const adminToken = () => sessionStorage.getItem(TOKEN_KEY) ?? ""
export const setAdminToken = (token: string) => sessionStorage.setItem(TOKEN_KEY, token)
export const clearAdminToken = () => sessionStorage.removeItem(TOKEN_KEY)

/** What a failed call says: its status (0: no answer) and the API's body (`error.message`, `issues`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly issues: ReadonlyArray<Issue>,
    message: string
  ) {
    super(message)
  }
}

const makeClient = (token: string, ifMatch: string | undefined) =>
  HttpApiClient.make(AdminApi, {
    baseUrl: location.origin,
    transformClient: HttpClient.mapRequest((request) => {
      const authorized = HttpClientRequest.bearerToken(request, token)
      return ifMatch === undefined ? authorized : HttpClientRequest.setHeader(authorized, "if-match", ifMatch)
    })
  })

export type Client = Effect.Effect.Success<ReturnType<typeof makeClient>>

// One runtime for the page's calls. Never from the HTTP cache, and never with the browser's cookies:
// the Bearer header is the credential.
const runtime = ManagedRuntime.make(FetchHttpClient.layer.pipe(
  Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { cache: "no-store", credentials: "omit" }))
))

/** Problems found before sending: the same schemas the API checks with, the same paths. */
export const invalid = (error: ParseResult.ParseError) => {
  const issues = toIssues(ParseResult.ArrayFormatter.formatErrorSync(error))
  return new ApiError(400, issues, `invalid request: ${issues.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; ")}`)
}

const fromFailure = (failure: unknown): ApiError => {
  // The client encodes every payload with the endpoint's schema: what it refuses is never sent.
  if (ParseResult.isParseError(failure)) return invalid(failure)
  if (failure instanceof InvalidRequest) return new ApiError(400, failure.issues, failure.error.message)
  if (failure instanceof Unauthorized) return new ApiError(401, [], failure.error.message)
  if (failure instanceof NotFound) return new ApiError(404, [], failure.error.message)
  if (failure instanceof Conflict) return new ApiError(409, [], failure.error.message)
  if (failure instanceof PreconditionFailed) return new ApiError(412, [], failure.error.message)
  if (failure instanceof StoreFailure) return new ApiError(503, [], failure.error.message)
  const message = failure instanceof Error ? failure.message : String(failure)
  return new ApiError(0, [], message || "request failed")
}

/** Called with a 401 to the token still in use (a late refusal of an old token signs nobody out). */
let onRefused: (message: string) => void = () => {}
export const whenRefused = (f: (message: string) => void) => (onRefused = f)

/**
 * One call: `api((c) => c.providers.listProviders())`. With `ifMatch` the write applies only to that
 * version of the config document (412 otherwise).
 */
export const api = async <A, E>(
  f: (client: Client) => Effect.Effect<A, E, never>,
  ifMatch?: string
): Promise<A> => {
  const token = adminToken()
  const exit = await runtime.runPromiseExit(Effect.flatMap(makeClient(token, ifMatch), f))
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Option.getOrElse(Cause.failureOption(exit.cause), () => Cause.squash(exit.cause))
  const error = fromFailure(failure)
  if (error.status === 401 && adminToken() === token) onRefused("The admin token was refused. Sign in again.")
  return Promise.reject(error)
}

export const errorMessage = (e: unknown) => (e instanceof Error && e.message ? e.message : "request failed")
