/**
 * "cloudflare:test" for the node project: the Worker tests run unchanged against the Node server.
 *
 * - `SELF.fetch("http://proxy/...")` sends the request to the Node server over HTTP with the URL's
 *   host in the Host header (and X-Forwarded-Proto for https), so the server sees the same URL as
 *   the Worker does under SELF.fetch (fetch itself would replace the Host header, hence node:http).
 * - `env.CONFIG.get("config")` reads the server's config file: it holds exactly the text the
 *   Worker stores in KV.
 */
import { request as httpRequest } from "node:http"
import { readFile, rm, writeFile } from "node:fs/promises"
import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import { inject } from "vitest"

const server = new URL(inject("nodeUrl"))
const configFile = inject("nodeConfigFile")

const NO_BODY_STATUS = new Set([101, 103, 204, 205, 304])

const fetchNode = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const request = new Request(input as string, init)
  const url = new URL(request.url)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  headers["host"] = url.host
  // The server speaks plain HTTP; an https URL arrives as through a TLS front.
  if (url.protocol === "https:") headers["x-forwarded-proto"] = "https"
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer())
  if (body !== undefined) headers["content-length"] = String(body.byteLength)
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      protocol: server.protocol,
      hostname: server.hostname,
      port: server.port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      signal: request.signal
    })
    outgoing.on("error", reject)
    outgoing.on("response", (incoming) => {
      const responseHeaders = new Headers()
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
        responseHeaders.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!)
      }
      const status = incoming.statusCode ?? 500
      const hasBody = request.method !== "HEAD" && !NO_BODY_STATUS.has(status)
      if (!hasBody) incoming.resume()
      resolve(
        new Response(hasBody ? (Readable.toWeb(incoming) as unknown as NodeReadableStream as unknown as ReadableStream) : null, {
          status,
          statusText: incoming.statusMessage ?? "",
          headers: responseHeaders
        })
      )
    })
    outgoing.end(body)
  })
}

export const SELF = { fetch: fetchNode }

const notFound = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT"

/** The part of the KV binding the tests use, over the server's config file. */
const CONFIG = {
  get: async (key: string): Promise<string | null> => {
    if (key !== "config") return null
    try {
      return await readFile(configFile, "utf8")
    } catch (error) {
      if (notFound(error)) return null
      throw error
    }
  },
  put: async (key: string, value: string): Promise<void> => {
    if (key !== "config") throw new Error(`only the "config" key lives in the config file, not "${key}"`)
    await writeFile(configFile, value, { mode: 0o600 })
  },
  delete: async (key: string): Promise<void> => {
    if (key === "config") await rm(configFile, { force: true })
  }
}

export const env = { CONFIG }

/** Each test starts with nothing stored, as isolated storage gives each Worker test. */
export const resetStorage = () => CONFIG.delete("config")
