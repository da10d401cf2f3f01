/**
 * Key pools end to end (workerd and Node): a limited key is set aside until its reset and the rest
 * of the pool serves; the trail, the request log and health name keys by their masked ids; a 401
 * key stays aside until an operator resets it; a cooldown another isolate reported holds here; the
 * admin API masks keys on every read and edits them one by one (ETag/If-Match as for the rest).
 */
import { env, SELF } from "cloudflare:test"
import { describe, expect, inject, it } from "vitest"
import { keyOf } from "../../src/Health/CredentialCooldowns.js"
import { keyIdOf } from "../../src/Pool/KeyPool.js"
import type { SharedState } from "../../src/Shared/SharedState.js"
import { ADMIN, anthropicMessage, messagesBody, post, putConfig, scenario, type Step, TOKEN } from "./helpers.js"

const KEYS = ["sk-ant-api03-team-key-aaaa1111", "sk-ant-api03-team-key-bbbb2222", "sk-ant-api03-team-key-cccc3333"]
const withToken = { "x-failover-token": TOKEN }
const session = (i: number) => ({ ...withToken, "x-claude-code-session-id": `0000000${i % 10}-1111-4222-8333-44444444444${i % 10}` })
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")
const admin = (path: string, init: RequestInit = {}) =>
  SELF.fetch(`http://proxy/admin/api${path}`, { ...init, headers: { ...ADMIN, "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) } })

const limitUntil = (resetAt: number): Step => ({
  status: 429,
  headers: { "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String(Math.floor(resetAt / 1000)), "retry-after": "30" },
  json: { type: "error", error: { type: "rate_limit_error", message: "usage limit reached" } }
})

const teamOf = async (byKey: Record<string, Array<Step>>, settings: Record<string, unknown> = {}, name = "team") => {
  const team = await scenario([{ json: anthropicMessage("team") }], byKey)
  const backup = await scenario([{ json: anthropicMessage("backup") }])
  await putConfig({
    providers: [
      { name, format: "anthropic", baseUrl: team.baseUrl, keys: KEYS.map((key, i) => ({ key, note: `dev ${i + 1}` })), retries: 0 },
      { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-secret-0001", retries: 0 }
    ],
    accessTokens: [{ token: TOKEN }],
    settings
  })
  const keysCalled = async () => (await team.calls()).map((c) => c.headers["x-api-key"])
  return { team, backup, keysCalled }
}

interface KeyHealth {
  id: string
  key: string
  note?: string
  state: string
  until?: number
  status?: number
  last24h: { requests: number; errors: number }
}
const teamHealth = async () =>
  ((await (await admin("/health")).json()) as { providers: Array<{ name: string; state: string; keys?: Array<KeyHealth> }> }).providers.find((p) => p.name === "team")!

/** The last 24 hours' totals per series (`provider:<name>`, `key:<provider>/<key id>`, ...). */
const usage = async () =>
  ((await (await admin("/usage")).json()) as { hourly: { totals: Record<string, { inputTokens: number }> } }).hourly.totals

const until = async <T>(read: () => Promise<T>, ok: (t: T) => boolean): Promise<T> => {
  for (let i = 0; i < 60; i++) {
    const v = await read()
    if (ok(v)) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  return read()
}

describe("key pools", () => {
  it("a key out of quota is called once and set aside until its reset; every conversation is served by the other keys", async () => {
    const resetAt = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000
    const limited = KEYS[1]!
    const { keysCalled, backup } = await teamOf({ [limited]: [limitUntil(resetAt)] })
    const answers = []
    for (let i = 0; i < 12; i++) answers.push(await post("/v1/messages", messagesBody(), session(i)))
    for (const r of answers) {
      expect(r.status).toBe(200)
      expect(r.headers.get("x-failover-provider")).toBe("team")
    }
    const called = await keysCalled()
    expect(called.filter((k) => k === limited)).toHaveLength(1)
    expect(new Set(called)).toEqual(new Set(KEYS))
    expect(await backup.calls()).toHaveLength(0)
    // The request that changed keys names both, masked; the others name none.
    const changed = answers.find((r) => r.headers.get("x-failover-attempts")!.includes("("))!
    expect(changed.headers.get("x-failover-attempts")).toMatch(
      new RegExp(`^team\\(sk-\\.\\.\\.2222\\)=429 cooldown-until=${iso(resetAt)}, team\\(sk-\\.\\.\\.(1111|3333)\\)=200$`)
    )
    expect(answers.filter((r) => r.headers.get("x-failover-attempts") === "team=200")).toHaveLength(11)
    // Health: that key cooling until the reset (the provider itself closed), the others available, counts per key.
    const health = await until(teamHealth, (h) => (h.keys ?? []).reduce((n, k) => n + k.last24h.requests, 0) === 13)
    expect(health.state).toBe("closed")
    const byKey = new Map(health.keys!.map((k) => [k.key, k]))
    expect(byKey.get("sk-…2222")).toMatchObject({ note: "dev 2", state: "cooling", until: resetAt, status: 429, last24h: { requests: 1, errors: 1 } })
    expect(byKey.get("sk-…1111")!.state).toBe("available")
    expect(byKey.get("sk-…3333")!.state).toBe("available")
    // The request log names the key of every pooled attempt.
    const log = (await (await admin("/log")).json()) as { entries: Array<{ attempts: Array<{ provider: string; key?: string; outcome: string }> }> }
    const keyed = log.entries.flatMap((e) => e.attempts).filter((a) => a.provider === "team")
    expect(keyed.every((a) => /^sk-\.\.\.\d{4}$/.test(a.key ?? ""))).toBe(true)
    expect(keyed.filter((a) => a.outcome === "429").map((a) => a.key)).toContain("sk-...2222")
    // No secret anywhere in what the admin API shows.
    const text = JSON.stringify({ health, log })
    for (const k of KEYS) expect(text).not.toContain(k)
  })

  it("an OpenAI key throttled with only OpenAI's x-ratelimit-reset-* headers cools until then, and is not called again", async () => {
    const chat = { json: { id: "c1", object: "chat.completion", model: "gpt-4.1", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1 } } }
    const throttled: Step = {
      status: 429,
      headers: { "x-ratelimit-reset-requests": "6m0s", "x-ratelimit-reset-tokens": "1.5s" },
      json: { error: { message: "Rate limit reached for gpt-4.1 on requests per min (RPM)", type: "requests", param: null, code: "rate_limit_exceeded" } }
    }
    const limited = KEYS[1]!
    const oai = await scenario([chat], { [limited]: [throttled] })
    await putConfig({
      providers: [{ name: "oai", format: "openai", baseUrl: oai.baseUrl, models: { "*": "gpt-4.1" }, keys: KEYS.map((key) => ({ key })), retries: 0 }],
      accessTokens: [{ token: TOKEN }]
    })
    const before = Date.now()
    for (let i = 0; i < 10; i++) expect((await post("/v1/messages", messagesBody(), session(i))).status).toBe(200)
    const bearers = (await oai.calls()).map((c) => c.headers["authorization"])
    expect(bearers.filter((b) => b === `Bearer ${limited}`)).toHaveLength(1)
    const health = ((await (await admin("/health")).json()) as { providers: Array<{ name: string; keys?: Array<KeyHealth> }> }).providers.find((p) => p.name === "oai")!
    const cooling = health.keys!.find((k) => k.key === "sk-…2222")!
    expect(cooling).toMatchObject({ state: "cooling", status: 429 })
    expect(cooling.until).toBeGreaterThanOrEqual(before + 360_000)
    expect(cooling.until).toBeLessThanOrEqual(Date.now() + 360_000)
  })

  it("a revoked key (401) stays aside until an operator resets it", async () => {
    const revoked = KEYS[0]!
    const { keysCalled } = await teamOf({ [revoked]: [{ status: 401, json: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } } }, { json: anthropicMessage("fixed") }] })
    for (let i = 0; i < 10; i++) expect((await post("/v1/messages", messagesBody(), session(i))).status).toBe(200)
    expect((await keysCalled()).filter((k) => k === revoked)).toHaveLength(1)
    const aside = (await teamHealth()).keys!.find((k) => k.key === "sk-…1111")!
    expect(aside).toMatchObject({ state: "set-aside", status: 401 })
    const reset = await admin(`/health/team/keys/${aside.id}/reset`, { method: "POST" })
    expect(reset.status).toBe(200)
    expect((await teamHealth()).keys!.find((k) => k.key === "sk-…1111")!.state).toBe("available")
    for (let i = 0; i < 10; i++) await post("/v1/messages", messagesBody(), session(i))
    expect((await keysCalled()).filter((k) => k === revoked).length).toBeGreaterThan(1)
  })

  it("at most keysPerRequest keys are tried before the chain moves on", async () => {
    const resetAt = Date.now() + 600_000
    const { keysCalled, backup } = await teamOf(Object.fromEntries(KEYS.map((k) => [k, [limitUntil(resetAt)]])), { keysPerRequest: 2 })
    const r = await post("/v1/messages", messagesBody(), session(1))
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await keysCalled()).toHaveLength(2)
    expect(await backup.calls()).toHaveLength(1)
  })

  it("a conversation that had to leave the pool stays on the fallback while the keys cool down", async () => {
    const resetAt = Math.ceil(Date.now() / 1000) * 1000 + 600_000
    // A pool of its own name: its keys' counters start at zero.
    const { keysCalled, backup } = await teamOf(Object.fromEntries(KEYS.map((k) => [k, [limitUntil(resetAt)]])), {}, "pool-b")
    const before = await usage()
    const first = await post("/v1/messages", messagesBody(), session(1))
    expect(first.headers.get("x-failover-provider")).toBe("backup")
    expect(await keysCalled()).toHaveLength(3)
    for (let i = 0; i < 4; i++) {
      const later = await post("/v1/messages", messagesBody(), session(1))
      expect(later.headers.get("x-failover-provider")).toBe("backup")
      expect(later.headers.get("x-failover-attempts")).toBe(`pool-b=skipped(cooldown) cooldown-until=${iso(resetAt)}, backup=200`)
    }
    expect(await keysCalled()).toHaveLength(3)
    expect(await backup.calls()).toHaveLength(5)
    // The fallback's tokens are the fallback's: none is counted for a key that failed. (On the Worker an
    // answer's tokens reach the shared state in the background, so the last one may still be on its way.)
    const grown = (u: Record<string, { inputTokens: number }>) => (u["provider:backup"]?.inputTokens ?? 0) - (before["provider:backup"]?.inputTokens ?? 0)
    const totals = await until(usage, (u) => grown(u) >= 20)
    expect(grown(totals)).toBeGreaterThanOrEqual(20)
    const pooled = Object.entries(totals).filter(([series]) => series.startsWith("key:pool-b/"))
    expect(pooled.length).toBe(3)
    expect(pooled.filter(([, c]) => c.inputTokens > 0)).toEqual([])
    expect(Object.keys(totals).filter((series) => series.startsWith("key:backup/"))).toEqual([])
  })

  it("honours a key's cooldown and set-aside another isolate reported (the Worker's Durable Object)", async () => {
    const namespace = (env as { SHARED?: DurableObjectNamespace }).SHARED
    if (namespace === undefined) return // Node: one process, its memory is the whole deployment's state
    const { keysCalled } = await teamOf({})
    const stub = namespace.get(namespace.idFromName("deployment")) as unknown as DurableObjectStub<SharedState>
    const now = Date.now()
    const cooling = await keyIdOf({ key: KEYS[2]! })
    const revoked = await keyIdOf({ key: KEYS[0]! })
    await stub.report({
      health: [],
      usage: [],
      cooldowns: [
        { key: keyOf("team", cooling), kind: "set", cooldown: { until: now + 600_000, status: 429, at: now } },
        { key: keyOf("team", revoked), kind: "set", cooldown: { until: now + 30 * 86_400_000, status: 401, at: now } }
      ]
    }, now)
    // This isolate hears of it with its next report.
    await post("/v1/messages", messagesBody(), { ...withToken, "x-failover-skip": "team" })
    await new Promise((r) => setTimeout(r, 200))
    for (let i = 0; i < 10; i++) await post("/v1/messages", messagesBody(), session(i))
    expect(new Set(await keysCalled())).toEqual(new Set([KEYS[1]]))
    const keys = (await teamHealth()).keys!
    expect(keys.find((k) => k.id === cooling)!.state).toBe("cooling")
    expect(keys.find((k) => k.id === revoked)).toMatchObject({ state: "set-aside", status: 401 })
  })
})

describe("key pools in the admin API", () => {
  it("masks every key on every read, and edits keys one by one with If-Match", async () => {
    await teamOf({})
    const config = await (await admin("/config")).text()
    for (const k of KEYS) expect(config).not.toContain(k)
    expect(config).toContain("sk-…2222")
    const list = await admin("/providers/team/keys")
    const etag = list.headers.get("etag")!
    const { keys } = (await list.json()) as { keys: Array<{ index: number; id: string; key: string; note?: string; weight?: number }> }
    expect(keys.map((k) => k.key)).toEqual(["sk-…1111", "sk-…2222", "sk-…3333"])
    expect(keys[0]!.id).toBe(await keyIdOf({ key: KEYS[0]! }))

    // One key reweighted, its secret sent back masked: the stored key stays.
    const put = await admin(`/providers/team/keys/${keys[1]!.id}`, { method: "PUT", headers: { "if-match": etag }, body: JSON.stringify({ key: "sk-…2222", weight: 3, note: "dev 2" }) })
    expect(put.status).toBe(200)
    const stale = await admin(`/providers/team/keys/0`, { method: "PUT", headers: { "if-match": etag }, body: JSON.stringify({ key: "sk-…1111", weight: 2 }) })
    expect(stale.status).toBe(412)
    const added = await admin("/providers/team/keys", { method: "POST", body: JSON.stringify({ key: "sk-ant-api03-team-key-dddd4444", note: "dev 4" }) })
    expect(added.status).toBe(201)
    const afterAdd = (await added.json()) as { keys: Array<{ key: string; weight?: number }> }
    expect(afterAdd.keys.map((k) => k.key)).toEqual(["sk-…1111", "sk-…2222", "sk-…3333", "sk-…4444"])
    expect(afterAdd.keys[1]!.weight).toBe(3)
    expect(JSON.stringify(afterAdd)).not.toContain("dddd4444")
    const removed = await admin(`/providers/team/keys/0`, { method: "DELETE" })
    expect(((await removed.json()) as { keys: Array<{ key: string }> }).keys.map((k) => k.key)).toEqual(["sk-…2222", "sk-…3333", "sk-…4444"])

    // The secrets are the real ones upstream: every remaining key reaches the fake as it was given.
    const team = ((await (await admin("/config")).json()) as { providers: Array<{ name: string; baseUrl: string }> }).providers[0]!
    const id = /\/s\/([^/]+)$/.exec(team.baseUrl)![1]!
    for (let i = 0; i < 10; i++) await post("/v1/messages", messagesBody(), session(i))
    const fake = new URL(team.baseUrl).origin
    const seen = new Set(((await (await fetch(`${fake}/__calls/${id}`)).json()) as Array<{ headers: Record<string, string> }>).map((c) => c.headers["x-api-key"]))
    expect(seen).toEqual(new Set([KEYS[1], KEYS[2], "sk-ant-api03-team-key-dddd4444"]))
  })

  it("a provider with one apiKey becomes a pool of it and the added key; pool rules are checked with their paths", async () => {
    const team = await scenario([{ json: anthropicMessage("team") }])
    await putConfig({ providers: [{ name: "solo", format: "anthropic", baseUrl: team.baseUrl, apiKey: KEYS[0] }], accessTokens: [{ token: TOKEN }] })
    const added = await admin("/providers/solo/keys", { method: "POST", body: JSON.stringify({ key: KEYS[1] }) })
    expect(added.status).toBe(201)
    const provider = ((await (await admin("/providers")).json()) as { providers: Array<Record<string, unknown>> }).providers[0]!
    expect(provider.apiKey).toBeUndefined()
    expect(provider.keys).toEqual([{ key: "sk-…1111" }, { key: "sk-…2222" }])

    const bad = await admin("/config", {
      method: "PUT",
      body: JSON.stringify({
        providers: [{ name: "x", format: "anthropic", baseUrl: team.baseUrl, apiKey: KEYS[0], keys: [{ key: KEYS[1] }, { key: KEYS[1] }, { aws: { accessKeyId: "AKIAABCDEFGHIJKLMNOP", secretAccessKey: "s" } }] }],
        accessTokens: [{ token: TOKEN }]
      })
    })
    expect(bad.status).toBe(400)
    const issues = JSON.stringify(await bad.json())
    expect(issues).toContain("give apiKey or keys, not both")
    expect(issues).toMatch(/keys.*1.*the same key as keys\[0\]/)
    expect(issues).toContain("is for bedrock and claude-platform-aws providers only")
    // nothing stored
    expect(((await (await admin("/providers")).json()) as { providers: Array<{ name: string }> }).providers.map((p) => p.name)).toEqual(["solo"])
  })
})

describe("a Bedrock pool of AWS key pairs", () => {
  it("signs each request with its key's own pair; a pair Bedrock does not recognise (403) is set aside and the next pair serves", async () => {
    const fake = inject("fakeUrl")
    const recognised = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }
    const unknown = { accessKeyId: "AKIAFAKEFAKEUNKNOWN9", secretAccessKey: "not/known/to/the/fake" }
    const before = ((await (await fetch(`${fake}/__calls/bedrock`)).json()) as Array<{ headers: Record<string, string> }>).length
    await putConfig({
      providers: [{ name: "bedrock-pool", format: "bedrock", region: "us-east-1", baseUrl: `${fake}/bedrock/us-east-1`, keys: [{ aws: unknown }, { aws: recognised }], retries: 0 }],
      accessTokens: [{ token: TOKEN }]
    })
    const answers = []
    for (let i = 0; i < 8; i++) answers.push(await post("/v1/messages", messagesBody(), session(i)))
    for (const r of answers) expect(r.status).toBe(200)
    const signedBy = ((await (await fetch(`${fake}/__calls/bedrock`)).json()) as Array<{ headers: Record<string, string> }>).slice(before)
      .map((c) => /Credential=(AKIA[A-Z0-9]+)\//.exec(c.headers["authorization"] ?? "")?.[1])
    expect(signedBy.filter((k) => k === unknown.accessKeyId)).toHaveLength(1)
    expect(signedBy.filter((k) => k === recognised.accessKeyId)).toHaveLength(8)
    const refused = answers.find((r) => r.headers.get("x-failover-attempts")!.includes("403"))!
    expect(refused.headers.get("x-failover-attempts")).toMatch(/^bedrock-pool\(AKI\.\.\.OWN9\)=403 set-aside, bedrock-pool\(AKI\.\.\.0001\)=200$/)
    const health = ((await (await admin("/health")).json()) as { providers: Array<{ name: string; keys?: Array<KeyHealth> }> }).providers[0]!
    expect(health.keys!.map((k) => [k.key, k.state])).toEqual([["AKI…OWN9", "set-aside"], ["AKI…0001", "available"]])
  })
})
