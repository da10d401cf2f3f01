/**
 * The admin token check behind the API's security middleware: constant-time, so the comparison leaks
 * nothing about the token; no ADMIN_TOKEN configured means every request is refused.
 */
import { HttpServerRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { WorkerEnv } from "../Env.js"
import { AdminAuth, Unauthorized } from "./Api.js"

export const constantTimeEqual = (a: string, b: string): boolean => {
  const enc = new TextEncoder()
  const x = enc.encode(a)
  const y = enc.encode(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0)
  return diff === 0
}

/** Whether `Authorization: Bearer <token>` carries the configured admin token (never true without one). */
export const isAdmin = (authorization: string | undefined, adminToken: string | undefined): boolean => {
  if (adminToken === undefined || adminToken.length === 0 || authorization === undefined) return false
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim())
  return m !== null && constantTimeEqual(m[1]!, adminToken)
}

const refused = Unauthorized.of("admin endpoints need Authorization: Bearer <ADMIN_TOKEN>")

export const layer = Layer.effect(
  AdminAuth,
  Effect.map(WorkerEnv, (env) =>
    AdminAuth.of({
      // The scheme's own decoding does not check the "Bearer" prefix, so the header is read whole here.
      bearer: () =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
          isAdmin(request.headers["authorization"], env.ADMIN_TOKEN) ? Effect.void : Effect.fail(refused))
    }))
)
