/**
 * "Does this provider work?": one tiny real request (non-streaming, max_tokens 1) through one
 * provider alone, outside the chain. Breaker state and usage counters are left alone: a test says
 * nothing about how the provider serves real traffic.
 */
import { MessageBody } from "../formats/anthropic/MessageBody.js"
import { Clock, Duration, Effect, Either } from "effect"
import { type ProviderConfig, usesStoredCredential } from "../Config/Document.js"
import { compileModels } from "../Config/Models.js"
import { type ProviderError, Timeout } from "../Errors.js"
import { adapterFor } from "../formats/Adapters.js"
import type { MessagesRequest } from "../formats/anthropic/Messages.js"
import * as Provider from "../Provider.js"
import { InvalidRequest, type ProviderTestResult } from "./Schemas.js"

/** What the test asks for; the provider's model map applies to it as to any request. */
export const TEST_MODEL = "claude-haiku-4-5"
export const TEST_TIMEOUT_MS = 30_000
const MAX_BODY = 16 * 1024

const readText = (body: Provider.UpstreamReply["body"]): Effect.Effect<string> =>
  Effect.promise(async () => {
    if (body === null) return ""
    try {
      const text = typeof body === "string" ? body : await new Response(body).text()
      return text.length > MAX_BODY ? text.slice(0, MAX_BODY) : text
    } catch {
      return ""
    }
  })

/** The `error.type` of an Anthropic-shaped error body, if the body is one. */
const anthropicErrorType = (text: string): string | undefined => {
  try {
    const json: unknown = JSON.parse(text)
    if (typeof json !== "object" || json === null || !("error" in json)) return undefined
    const error: unknown = json.error
    return typeof error === "object" && error !== null && "type" in error && typeof error.type === "string"
      ? error.type
      : undefined
  } catch {
    return undefined
  }
}

const fromError = (e: ProviderError): Pick<ProviderTestResult, "status" | "error"> => {
  const answer = "answer" in e ? e.answer : undefined
  return {
    status: answer?.status ?? ("status" in e ? e.status : null),
    error: { type: e._tag, message: e.message, ...(answer === undefined ? {} : { body: answer.body }) }
  }
}

/**
 * Run the test. A provider without a stored key forwards the caller's own credential, so the caller
 * must give one (`apiKey`, sent as x-api-key and never stored); for any other provider it is ignored.
 */
export const run = (
  config: ProviderConfig,
  apiKey: string | undefined
): Effect.Effect<ProviderTestResult, InvalidRequest> =>
  Effect.gen(function*() {
    const clientCredential = !usesStoredCredential(config)
    if (clientCredential && apiKey === undefined) {
      return yield* Effect.fail(InvalidRequest.of([{
        path: "apiKey",
        message: "this provider forwards the caller's own credential: give an apiKey to test it with (it is not stored)"
      }]))
    }
    const mapModel = compileModels(config.models)
    const provider = Provider.make(config, { mapModel, adapter: adapterFor(config.format) })
    const json: MessagesRequest = { model: TEST_MODEL, max_tokens: 1, messages: [{ role: "user", content: "ping" }] }
    const headers = new Headers({
      "content-type": "application/json",
      accept: "application/json",
      "anthropic-version": "2023-06-01",
      "user-agent": "claude-failover-admin-test"
    })
    if (clientCredential && apiKey !== undefined) headers.set("x-api-key", apiKey)
    const body = new TextEncoder().encode(JSON.stringify(json))
    const request: Provider.UpstreamRequest = {
      requestId: `req_cfo_test_${crypto.randomUUID().replaceAll("-", "")}`,
      method: "POST",
      path: "/v1/messages",
      search: "",
      headers,
      body,
      message: new MessageBody(body, json),
      stream: false
    }
    const start = yield* Clock.currentTimeMillis
    const outcome = yield* provider.send(request).pipe(
      Effect.flatMap((reply) => Effect.map(readText(reply.body), (text) => ({ status: reply.status, text }))),
      Effect.timeoutFail({
        duration: Duration.millis(TEST_TIMEOUT_MS),
        onTimeout: () => new Timeout({ provider: config.name, afterMs: TEST_TIMEOUT_MS })
      }),
      Effect.either
    )
    const latencyMs = (yield* Clock.currentTimeMillis) - start
    const base = { provider: config.name, latencyMs, model: mapModel(TEST_MODEL) }
    if (Either.isLeft(outcome)) return { ...base, ok: false, ...fromError(outcome.left) }
    const { status, text } = outcome.right
    if (status >= 200 && status < 300) return { ...base, ok: true, status }
    return {
      ...base,
      ok: false,
      status,
      error: { type: anthropicErrorType(text) ?? "http_error", message: `upstream answered ${status}`, body: text }
    }
  }).pipe(
    Effect.tap((r) => Effect.annotateCurrentSpan({ ok: r.ok, status: r.status ?? 0, latencyMs: r.latencyMs })),
    Effect.withSpan("Admin.testProvider", { attributes: { provider: config.name } })
  )
