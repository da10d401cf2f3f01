/**
 * What lets the shared app run on Node's HTTP server unchanged: it is written against the web
 * `Request`/`Response` the Worker runtime gives it, so every request is handed to the routes as a
 * web Request, and every answer is made something Node's server can send.
 *
 * - Request: the Node request becomes a web `Request` (same method, URL from the Host header and
 *   X-Forwarded-Proto, headers, streamed body), which the proxy and the admin API read exactly as
 *   in the Worker.
 * - Streamed bodies: a web `ReadableStream` body becomes a Node `Readable` (chunk for chunk, no
 *   re-chunking); cancelling it when the client goes away cancels the upstream body.
 * - `content-encoding`: every body the app sends was read through `fetch`, which already decoded
 *   gzip/deflate/br. The Worker runtime re-encodes such a body; Node's server sends it as it is,
 *   so the header that no longer describes it is dropped.
 * - A defect still answers an Anthropic-shaped 500, as in the Worker entry.
 */
import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import { Headers as HttpHeaders, HttpBody, HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import { Cause, Effect } from "effect"
import { errorBody } from "../formats/anthropic/Messages.js"

const BODILESS = new Set(["GET", "HEAD"])
const DECODED_BY_FETCH = new Set(["gzip", "x-gzip", "deflate", "br"])

/**
 * The scheme the client used: this server speaks plain HTTP, so "https" only behind a TLS front that
 * says so. It shapes the URL the admin page shows for Claude Code, and nothing else.
 */
const schemeOf = (forwarded: string | Array<string> | undefined) => {
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim().toLowerCase()
  return first === "https" ? "https" : "http"
}

/** The incoming Node request as a web Request. */
export const toWebRequest = (request: HttpServerRequest.HttpServerRequest): Request => {
  const source = request.source
  if (source instanceof Request) return source
  const incoming = NodeHttpServerRequest.toIncomingMessage(request)
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined || name.startsWith(":")) continue
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else headers.set(name, value)
  }
  const url = new URL(request.url, `${schemeOf(incoming.headers["x-forwarded-proto"])}://${incoming.headers.host ?? "localhost"}`)
  const method = request.method
  const body = BODILESS.has(method) ? null : (Readable.toWeb(incoming) as unknown as ReadableStream<Uint8Array>)
  return new Request(url, { method, headers, body, duplex: "half" } as RequestInit)
}

const decodedByFetch = (contentEncoding: string) =>
  contentEncoding.split(",").every((coding) => DECODED_BY_FETCH.has(coding.trim().toLowerCase()))

/** An answer of the app as Node's server can send it. */
export const toNodeResponse = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  const encoding = response.headers["content-encoding"]
  const dropEncoding = encoding !== undefined && decodedByFetch(encoding)
  const source = response.body
  const stream = source._tag === "Raw" && source.body instanceof ReadableStream ? source.body : undefined
  if (!dropEncoding && stream === undefined) return response
  const headers = dropEncoding ? HttpHeaders.remove(response.headers, "content-encoding") : response.headers
  const body = stream === undefined
    ? source
    : HttpBody.raw(Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>), {
      contentType: source.contentType,
      contentLength: source.contentLength
    })
  const shell = HttpServerResponse.empty({ status: response.status, statusText: response.statusText, headers, cookies: response.cookies })
  return HttpServerResponse.setBody(shell, body)
}

const internalError = () =>
  HttpServerResponse.text(JSON.stringify(errorBody("api_error", "internal error")), {
    status: 500,
    contentType: "application/json"
  })

/** A global router middleware: web Request in, Node-sendable answer out. */
export const layer = HttpLayerRouter.middleware(
  (app) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const web = HttpServerRequest.fromWeb(toWebRequest(request))
      return yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, web)
    }).pipe(
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.failCause(cause)
          : Effect.logError("unhandled", cause).pipe(Effect.as(internalError()))
      ),
      Effect.map(toNodeResponse)
    ),
  { global: true }
)
