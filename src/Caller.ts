/**
 * Who is calling: an access token (valid or not), a credential of their own, the providers they ask
 * to skip; and how they are known in counters (a token's note or mask) and in cooldowns (their
 * credential's id, a keyed hash).
 */
import { Effect } from "effect"
import { usesStoredCredential } from "./Config/Document.js"
import { mask } from "./Config/Masking.js"
import * as DirectRoute from "./DirectRoute.js"
import { WorkerEnv } from "./Env.js"
import { CredentialIds } from "./Health/CredentialCooldowns.js"
import type * as Provider from "./Provider.js"

export interface Caller {
  readonly validToken: boolean
  readonly clientCredential: boolean
  /** providers the caller asked to skip (x-failover-skip, honoured only with a valid token) */
  readonly skip: ReadonlySet<string>
}

/** How a token appears in usage counters: its note, else its masked form (never the token). */
export const tokenLabelOf = (token: string, entry: { readonly note?: string | undefined } | undefined) => entry?.note ?? mask(token)

/** Credential ids per admin secret (one per isolate in practice). */
let credentialIds: CredentialIds | undefined

/** The id of the caller's own credential, when a provider that forwards it may serve the request.
 * (Plain combinators: this runs on every request that carries a credential.) */
export const credentialOf = (headers: Headers, chain: ReadonlyArray<Provider.Provider["Type"]>): Effect.Effect<string | undefined, never, WorkerEnv> => {
  if (!chain.some((p) => !usesStoredCredential(p.config))) return Effect.succeed(undefined)
  const credential = DirectRoute.callerKey(headers)
  if (credential === undefined) return Effect.succeed(undefined)
  return Effect.flatMap(WorkerEnv, (env) => {
    const secret = env.ADMIN_TOKEN ?? ""
    if (credentialIds === undefined || credentialIds.secret !== secret) credentialIds = new CredentialIds(secret)
    const id = credentialIds.id(credential)
    return typeof id === "string" ? Effect.succeed(id) : Effect.promise(() => id)
  })
}

/**
 * An access token in the usual credential headers: what `ANTHROPIC_API_KEY` (`x-api-key`),
 * `ANTHROPIC_AUTH_TOKEN` and `apiKeyHelper` (`authorization: Bearer`) send. A value equal to a
 * configured token is ours: it is taken as the access token and removed from the headers, so it never
 * reaches an upstream; any other value stays the caller's own credential. The headers are copied only
 * when one matches.
 */
export const tokenInCredentialHeaders = (
  headers: Headers,
  tokens: ReadonlySet<string>
): { readonly token: string | undefined; readonly headers: Headers } => {
  if (tokens.size === 0) return { token: undefined, headers }
  const key = headers.get("x-api-key")
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1]?.trim()
  const keyIsToken = key !== null && tokens.has(key)
  const bearerIsToken = bearer !== undefined && tokens.has(bearer)
  if (!keyIsToken && !bearerIsToken) return { token: undefined, headers }
  const cleaned = new Headers(headers)
  if (keyIsToken) cleaned.delete("x-api-key")
  if (bearerIsToken) cleaned.delete("authorization")
  return { token: keyIsToken ? key : bearer, headers: cleaned }
}

export const skipList = (value: string | null): ReadonlySet<string> =>
  new Set((value ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0))
