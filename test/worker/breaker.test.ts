import { describe, expect, it } from "vitest"
import { SELF } from "cloudflare:test"
import { ADMIN, anthropicMessage, messagesBody, post, primaryAndBackup, putConfig, scenario, type Step, TOKEN } from "./helpers.js"

const overloaded: Step = { status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }
const withToken = { "x-failover-token": TOKEN }

const chain = (primarySteps: Array<Step>, backupSteps: Array<Step>) =>
  primaryAndBackup(primarySteps, backupSteps, { settings: { cooldown: { threshold: 3, baseMs: 60_000, maxMs: 600_000 } } })

describe("circuit breaker in the chain", () => {
  it("stops calling a provider in a 529 storm once its breaker opens", async () => {
    const { primary, backup } = await chain([overloaded], [{ json: anthropicMessage("backup") }])
    for (let i = 0; i < 10; i++) {
      const r = await post("/v1/messages", messagesBody(), withToken)
      expect(r.headers.get("x-failover-provider")).toBe("backup")
    }
    expect(await primary.calls()).toHaveLength(3)
    expect(await backup.calls()).toHaveLength(10)
  })

  it("still tries the provider whose cooldown ends first when every breaker is open", async () => {
    const { primary, backup } = await chain([overloaded], [overloaded])
    for (let i = 0; i < 3; i++) await post("/v1/messages", messagesBody(), withToken)
    expect(await primary.calls()).toHaveLength(3)
    expect(await backup.calls()).toHaveLength(3)
    // Both are open now; the next request is not refused: primary opened first, so it is tried.
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(529)
    expect(await primary.calls()).toHaveLength(4)
    expect(await backup.calls()).toHaveLength(3)
  })

  it("answers the last real failure when the provider after it is skipped (its breaker open)", async () => {
    const { primary, backup } = await chain([overloaded], [overloaded])
    for (let i = 0; i < 3; i++) await post("/v1/messages", messagesBody(), withToken)
    // Both breakers are open; the primary's is closed again by hand, the backup's stays open.
    const reset = await SELF.fetch("http://proxy/admin/api/health/primary/reset", { method: "POST", headers: ADMIN })
    expect(reset.status).toBe(200)
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.status).toBe(529)
    expect(await r.json()).toMatchObject({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(await primary.calls()).toHaveLength(4)
    expect(await backup.calls()).toHaveLength(3)
  })

  it("opens a keyed provider for its Retry-After even below the threshold", async () => {
    const first = await scenario([{ status: 429, headers: { "retry-after": "30" }, json: { type: "error", error: { type: "rate_limit_error", message: "slow down" } } }])
    const second = await scenario([{ json: anthropicMessage("second") }])
    await putConfig({
      providers: [
        { name: "first", format: "anthropic", baseUrl: first.baseUrl, apiKey: "sk-first-secret-0001", retries: 0 },
        { name: "second", format: "anthropic", baseUrl: second.baseUrl, apiKey: "sk-second-secret-001", retries: 0 }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    for (let i = 0; i < 3; i++) {
      const r = await post("/v1/messages", messagesBody(), withToken)
      expect(r.headers.get("x-failover-provider")).toBe("second")
    }
    expect(await first.calls()).toHaveLength(1)
    expect(await second.calls()).toHaveLength(3)
  })

  it("does not open a client-credential provider for the caller's own 429: it cools down that credential only", async () => {
    const { primary } = await chain(
      [{ status: 429, headers: { "retry-after": "30" }, json: { type: "error", error: { type: "rate_limit_error", message: "your key" } } }],
      [{ json: anthropicMessage("backup") }]
    )
    for (let i = 0; i < 5; i++) await post("/v1/messages", messagesBody(), withToken)
    expect(await primary.calls()).toHaveLength(1)
    // another caller's credential is not affected: primary is tried for it
    await post("/v1/messages", messagesBody(), { ...withToken, "x-api-key": "sk-ant-another-callers-key" })
    expect(await primary.calls()).toHaveLength(2)
  })
})
