import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { SELF } from "cloudflare:test"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { AdminApi } from "../../src/Admin/Api.js"
import { anthropicMessage, messagesBody, post, primaryAndBackup, TOKEN } from "./helpers.js"

const WorkerFetch = FetchHttpClient.layer.pipe(
  Layer.provide(Layer.succeed(FetchHttpClient.Fetch, (input, init) => SELF.fetch(input instanceof URL ? input.href : input, init)))
)
const readLog = () =>
  Effect.runPromise(Effect.provide(
    Effect.flatMap(
      HttpApiClient.make(AdminApi, { baseUrl: "http://proxy", transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken("test-admin-token")) }),
      (client) => client.usage.getRequestLog()
    ),
    WorkerFetch
  ))

describe("the request log", () => {
  it("names both providers and the reason of a failover, read through the typed client", async () => {
    await primaryAndBackup(
      [{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }],
      [{ json: { ...anthropicMessage("from backup"), usage: { input_tokens: 12, output_tokens: 3 } } }],
      { tokenNote: "laptop" }
    )
    const before = Date.now()
    const r = await post("/v1/messages", messagesBody({ model: "claude-opus-4-6" }), { "x-failover-token": TOKEN })
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    const requestId = r.headers.get("x-request-id")!
    await r.text()
    let entry
    for (let i = 0; i < 50 && entry === undefined; i++) {
      entry = (await readLog()).entries.find((e) => e.requestId === requestId)
      if (entry === undefined) await new Promise((res) => setTimeout(res, 50))
    }
    expect(entry).toMatchObject({
      method: "POST",
      path: "/v1/messages",
      model: "claude-opus-4-6",
      stream: false,
      provider: "backup",
      status: 200,
      failedOver: true,
      token: "laptop",
      attempts: [{ provider: "primary", outcome: "529", tries: 1 }, { provider: "backup", outcome: "200", tries: 1 }]
    })
    expect(entry!.at).toBeGreaterThanOrEqual(before - 5)
    expect(entry!.latencyMs).toBeGreaterThanOrEqual(entry!.ttfbMs)
    // no bodies, no secrets
    const raw = JSON.stringify(await readLog())
    expect(raw).not.toContain("from backup")
    expect(raw).not.toContain("sk-backup-secret")
    expect(raw).not.toContain("sk-ant-client-key")
  })
})
