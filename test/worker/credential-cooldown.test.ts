import { env, SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { CredentialIds, keyOf } from "../../src/Health/CredentialCooldowns.js"
import type { SharedState } from "../../src/Shared/SharedState.js"
import { ADMIN, anthropicMessage, messagesBody, post, putConfig, scenario, type Step, TOKEN } from "./helpers.js"

const withToken = { "x-failover-token": TOKEN }
const sharedStub = () => (env as { SHARED?: DurableObjectNamespace }).SHARED
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")

/** A subscription at its limit, as Anthropic answers it: unified headers with the reset in epoch seconds. */
const subscriptionLimit = (resetAt: number): Step => ({
  status: 429,
  headers: {
    "anthropic-ratelimit-unified-status": "rejected",
    "anthropic-ratelimit-unified-reset": String(Math.floor(resetAt / 1000)),
    "retry-after": "30"
  },
  json: { type: "error", error: { type: "rate_limit_error", message: "Claude usage limit reached" } }
})

const ladder = async (primarySteps: Array<Step>, settings: Record<string, unknown> = {}) => {
  const primary = await scenario(primarySteps)
  const backup = await scenario([{ json: anthropicMessage("backup") }])
  await putConfig({
    providers: [
      { name: "subscription", format: "anthropic", baseUrl: primary.baseUrl, retries: 0 },
      { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-secret-0001", retries: 0 }
    ],
    accessTokens: [{ token: TOKEN }],
    settings
  })
  return { primary, backup }
}

const health = async () =>
  ((await (await SELF.fetch("http://proxy/admin/api/health", { headers: ADMIN })).json()) as {
    providers: Array<{ name: string; state: string; credentialCooldowns?: { count: number; soonestReset: number } }>
  }).providers

describe("per-credential cooldown", () => {
  it("calls the limited primary once for four requests of that credential; all are answered by the fallback; others still try it", async () => {
    const resetAt = Math.ceil(Date.now() / 1000) * 1000 + 4 * 3_600_000
    const { backup, primary } = await ladder([subscriptionLimit(resetAt), { json: anthropicMessage("primary") }])
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await post("/v1/messages", messagesBody(), withToken))
    for (const r of answers) {
      expect(r.status).toBe(200)
      expect(r.headers.get("x-failover-provider")).toBe("backup")
    }
    expect(await primary.calls()).toHaveLength(1)
    expect(await backup.calls()).toHaveLength(4)
    expect(answers[0]!.headers.get("x-failover-attempts")).toBe(`subscription=429 cooldown-until=${iso(resetAt)}, backup=200`)
    expect(answers[3]!.headers.get("x-failover-attempts")).toBe(`subscription=skipped(cooldown) cooldown-until=${iso(resetAt)}, backup=200`)
    // The page's health view: a count and the soonest reset, the provider itself closed.
    const sub = (await health()).find((p) => p.name === "subscription")!
    expect(sub).toMatchObject({ state: "closed", credentialCooldowns: { count: 1, soonestReset: resetAt } })
    // Another credential is not affected.
    const other = await post("/v1/messages", messagesBody(), { ...withToken, "x-api-key": "sk-ant-someone-else" })
    expect(other.headers.get("x-failover-provider")).toBe("subscription")
    expect(other.headers.get("x-failover-attempts")).toBe("subscription=200")
    expect(await primary.calls()).toHaveLength(2)
  })

  it("probes the primary once the limit lifts, and a success ends the cooldown", async () => {
    const { primary } = await ladder([
      { status: 429, headers: { "retry-after": "1" }, json: { type: "error", error: { type: "rate_limit_error", message: "slow down" } } },
      { json: anthropicMessage("primary again") }
    ])
    expect((await post("/v1/messages", messagesBody(), withToken)).headers.get("x-failover-provider")).toBe("backup")
    expect((await post("/v1/messages", messagesBody(), withToken)).headers.get("x-failover-provider")).toBe("backup")
    expect(await primary.calls()).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 1_100))
    const probe = await post("/v1/messages", messagesBody(), withToken)
    expect(probe.headers.get("x-failover-provider")).toBe("subscription")
    expect(await primary.calls()).toHaveLength(2)
    expect((await health()).find((p) => p.name === "subscription")!.credentialCooldowns).toBeUndefined()
  })

  it("caps the cooldown at settings.credentialCooldownMaxMs", async () => {
    const now = Date.now()
    await ladder([subscriptionLimit(now + 30 * 3_600_000)], { credentialCooldownMaxMs: 3_600_000 })
    const r = await post("/v1/messages", messagesBody(), withToken)
    const until = Date.parse(/cooldown-until=(\S+),/.exec(r.headers.get("x-failover-attempts")!)![1]!)
    expect(until).toBeGreaterThanOrEqual(now + 3_600_000 - 2_000)
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000)
  })

  it("cools a refused login down only briefly", async () => {
    const now = Date.now()
    const { primary } = await ladder([{ status: 401, json: { type: "error", error: { type: "authentication_error", message: "OAuth token has expired" } } }])
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    const until = Date.parse(/cooldown-until=(\S+),/.exec(r.headers.get("x-failover-attempts")!)![1]!)
    expect(until - now).toBeGreaterThan(55_000)
    expect(until - now).toBeLessThanOrEqual(61_000 + (Date.now() - now))
    await post("/v1/messages", messagesBody(), withToken)
    expect(await primary.calls()).toHaveLength(1)
  })

  it("says what happened in the header of a failed request too", async () => {
    const primary = await scenario([{ status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }])
    await putConfig({ providers: [{ name: "only", format: "anthropic", baseUrl: primary.baseUrl, retries: 1 }], settings: { retryBaseDelayMs: 0 } })
    const r = await post("/v1/messages", messagesBody())
    expect(r.status).toBe(529)
    expect(r.headers.get("x-failover-attempts")).toBe("only=529 tries=2")
  })
})

describe("per-credential cooldowns across isolates", () => {
  it("honours a cooldown another isolate reported", async () => {
    const namespace = sharedStub()
    if (namespace === undefined) return // the Node runtime has no Durable Object: cooldowns are per process there
    const { primary } = await ladder([{ json: anthropicMessage("primary") }])
    const stub = namespace.get(namespace.idFromName("deployment")) as unknown as DurableObjectStub<SharedState>
    const id = await new CredentialIds((env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN ?? "").id("sk-ant-client-key")
    const now = Date.now()
    await stub.report({ health: [], usage: [], cooldowns: [{ key: keyOf("subscription", id), kind: "set", cooldown: { until: now + 600_000, status: 429, at: now } }] }, now)
    // This isolate learns it with its next report (a request that skips the primary on purpose).
    await post("/v1/messages", messagesBody(), { ...withToken, "x-failover-skip": "subscription" })
    await new Promise((r) => setTimeout(r, 200))
    const r = await post("/v1/messages", messagesBody(), withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(r.headers.get("x-failover-attempts")).toMatch(/^subscription=skipped\(cooldown\)/)
    expect(await primary.calls()).toHaveLength(0)
  })

  it("keeps the shared map bounded under 10,000 distinct credentials", async () => {
    const namespace = sharedStub()
    if (namespace === undefined) return
    const stub = namespace.get(namespace.idFromName("deployment")) as unknown as DurableObjectStub<SharedState>
    const now = Date.now()
    const cooldowns = Array.from({ length: 10_000 }, (_, i) => ({ key: keyOf("subscription", `cred${i}`), kind: "set" as const, cooldown: { until: now + 600_000, status: 429, at: now + i } }))
    const view = await stub.report({ health: [], usage: [], cooldowns }, now)
    const keys = Object.keys(view.cooldowns)
    expect(keys.length).toBeLessThanOrEqual(2_000)
    // the newest stay
    expect(keys).toContain(keyOf("subscription", "cred9999"))
    expect(keys).not.toContain(keyOf("subscription", "cred0"))
    await stub.resetHealth(undefined)
  })
})
