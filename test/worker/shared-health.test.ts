import { env, SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import type { LogEntry } from "../../src/Health/RequestLog.js"
import type { SharedState } from "../../src/Shared/SharedState.js"
import { ADMIN, anthropicMessage, anthropicStream, messagesBody, post, putConfig, scenario, TOKEN } from "./helpers.js"

const sharedStub = () => env.SHARED.get(env.SHARED.idFromName("deployment")) as unknown as DurableObjectStub<SharedState>
const cooldown = { threshold: 3, baseMs: 60_000, maxMs: 300_000 }
const failure = (at: number) => ({
  name: "primary",
  at,
  kind: "failure" as const,
  info: { error: { at, tag: "Upstream5xx", status: 529, message: "primary: upstream 529" }, countsAgainstProvider: true },
  cooldown
})

describe("health shared through the Durable Object", () => {
  it("skips a provider that other isolates found failing, and admin health shows the shared state", async () => {
    const primary = await scenario([{ json: anthropicMessage("primary") }])
    const backup = await scenario([{ json: anthropicMessage("backup") }])
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
        { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-secret-0001" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    // Another isolate saw three failures of "primary".
    const now = Date.now()
    await sharedStub().report({ health: [failure(now), failure(now), failure(now)], usage: [] }, now)

    // This isolate learns it with its next report (here a request that skips primary on purpose).
    await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN, "x-failover-skip": "primary" })
    await new Promise((r) => setTimeout(r, 200))
    const r = await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN })
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await primary.calls()).toHaveLength(0)

    const health = (await (await SELF.fetch("http://proxy/admin/api/health", { headers: ADMIN })).json()) as {
      providers: Array<{ name: string; state: string; consecutiveFailures: number }>
    }
    expect(health.providers.find((p) => p.name === "primary")).toMatchObject({ state: "open", consecutiveFailures: 3 })
  })

  it("reports this isolate's failures and usage to the shared state", async () => {
    const primary = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }])
    const backup = await scenario([{ json: anthropicMessage("backup") }])
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
        { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-secret-0001" }
      ],
      accessTokens: [{ token: TOKEN, note: "laptop" }]
    })
    await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN })
    await new Promise((r) => setTimeout(r, 200))
    const states = await sharedStub().breakerStates()
    expect(states["primary"]?.failures).toBe(1)
    expect(states["backup"]?.successes).toBe(1)
    const series = await sharedStub().usageSeries(Date.now())
    expect(series.hours).toHaveLength(24)
    expect(series.totals["provider:primary"]).toMatchObject({ requests: 1, failovers: 1, errors: 1 })
    expect(series.totals["token:laptop"]).toMatchObject({ requests: 1, failovers: 1 })

    // The admin usage endpoint carries the same 24 h series for the page's chart.
    const usage = (await (await SELF.fetch("http://proxy/admin/api/usage", { headers: ADMIN })).json()) as {
      hourly: { scope: string; hours: Array<number>; totals: Record<string, { requests: number }> }
    }
    expect(usage.hourly.scope).toBe("deployment")
    expect(usage.hourly.hours).toHaveLength(24)
    expect(usage.hourly.totals["provider:primary"]).toMatchObject({ requests: 1, failovers: 1 })
  })

  it("reports a stream's tokens and its log line when the stream ends, with no further request", async () => {
    const frame = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
    const tail = frame("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 41 } }) + frame("message_stop", {})
    const head = anthropicStream("hello").split("event: message_delta")[0]!.replace(/"input_tokens":5/, "\"input_tokens\":1234")
    // The end comes well after the report sent when the answer started (and after its window).
    const upstream = await scenario([{ headers: { "content-type": "text/event-stream" }, chunks: [{ data: head }, { data: tail, delayMs: 400 }] }])
    await putConfig({
      providers: [{ name: "streamer", format: "anthropic", baseUrl: upstream.baseUrl, apiKey: "sk-streamer-secret-01", retries: 0 }],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await post("/v1/messages", messagesBody({ stream: true }), { "x-failover-token": TOKEN })
    expect(await r.text()).toContain("message_stop")
    const requestId = r.headers.get("x-request-id")
    let totals: Record<string, { inputTokens: number; outputTokens: number }> = {}
    let logged: ReadonlyArray<LogEntry> = []
    for (let i = 0; i < 40 && (totals["provider:streamer"]?.outputTokens !== 41 || logged.length === 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      totals = (await sharedStub().usageSeries(Date.now())).totals
      logged = (await sharedStub().requestLog()).filter((e) => e.requestId === requestId)
    }
    expect(totals["provider:streamer"]).toMatchObject({ inputTokens: 1234, outputTokens: 41 })
    expect(logged).toEqual([expect.objectContaining({ inputTokens: 1234, outputTokens: 41 })])
  })

  it("shares what a provider's 400 taught: another isolate's fact is used here, and this isolate's reaches the others", async () => {
    const chat = { json: { id: "c1", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] } }
    const up = await scenario([chat])
    await putConfig({
      providers: [{ name: "compat", format: "openai", baseUrl: up.baseUrl, apiKey: "sk-compat-0000001", models: { "*": "shared-model" } }],
      accessTokens: [{ token: TOKEN }]
    })
    await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })
    // Another isolate learned that shared-model refuses top_p.
    const now = Date.now()
    await sharedStub().report({ health: [], usage: [], learned: [{ provider: "compat", model: "shared-model", fact: { kind: "param", name: "top_p" }, at: now }] }, now)

    // This isolate hears of it with its next report, and leaves top_p out from the first call.
    await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN })
    await new Promise((r) => setTimeout(r, 200))
    await post("/v1/messages", messagesBody({ top_p: 0.9 }), { "x-failover-token": TOKEN })
    const calls = await up.calls()
    expect(calls).toHaveLength(2)
    expect("top_p" in JSON.parse(calls[1]!.body)).toBe(false)

    // And what this isolate learns goes to the shared state (a new document is a fresh start: the
    // PUT forgot top_p, as it resets breakers).
    const refusing = await scenario([
      { status: 400, json: { error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", type: "invalid_request_error", param: "temperature", code: "unsupported_parameter" } } },
      chat
    ])
    await putConfig({
      providers: [{ name: "compat", format: "openai", baseUrl: refusing.baseUrl, apiKey: "sk-compat-0000001", models: { "*": "shared-model" } }],
      accessTokens: [{ token: TOKEN }]
    })
    await post("/v1/messages", messagesBody({ temperature: 0.2 }), { "x-failover-token": TOKEN })
    await new Promise((r) => setTimeout(r, 200))
    const view = await sharedStub().report({ health: [], usage: [] }, Date.now())
    expect(Object.values(view.learned ?? {})).toContainEqual(expect.objectContaining({ provider: "compat", model: "shared-model", params: ["temperature"] }))
  })
})
