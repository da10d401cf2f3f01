/**
 * Configuration as code on Node: `npm run start:node -- --config FILE` (a document with env:
 * references) serves traffic with the references resolved, and keeps the admin API read-only; an
 * invalid document answers the documented 500 and its log line names no secret.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { startNode } from "./globalSetup.js"

const KEY = "sk-node-coded-secret-0001"
const TOKEN = "tok_node_coded_0123456789"
const fakeUrl = inject("fakeUrl")

let dir = ""
const servers: Array<Awaited<ReturnType<typeof startNode>>> = []

const ask = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-caller", ...headers },
    body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
  })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "claude-failover-coded-"))
})

afterAll(async () => {
  for (const s of servers) {
    s.child.removeAllListeners("exit")
    const exited = new Promise((r) => s.child.once("exit", r))
    s.child.kill("SIGTERM")
    await exited
  }
  await rm(dir, { recursive: true, force: true })
})

const serve = async (document: unknown, env: Record<string, string> = {}) => {
  const file = join(dir, `config-${servers.length}.json`)
  await writeFile(file, JSON.stringify(document))
  const server = await startNode({ ADMIN_TOKEN: "node-coded-admin-token", CONFIG_FILE: join(dir, `stored-${servers.length}.json`), LOG_LEVEL: "info", ...env }, ["--config", file])
  servers.push(server)
  return server
}

describe("--config FILE on Node", () => {
  it("serves traffic with env: references resolved, and the admin API only reads", async () => {
    const id = `nodecoded${Date.now()}`
    await fetch(`${fakeUrl}/__scenario/${id}`, {
      method: "POST",
      body: JSON.stringify({ steps: [{ json: { id: "m", type: "message", role: "assistant", model: "m", content: [], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }] })
    })
    const { url } = await serve({
      providers: [{ name: "coded", format: "anthropic", baseUrl: `${fakeUrl}/s/${id}`, apiKey: "env:NODE_CODED_KEY" }],
      accessTokens: [{ token: "env:NODE_CODED_TOKEN" }]
    }, { NODE_CODED_KEY: KEY, NODE_CODED_TOKEN: TOKEN })
    const r = await ask(url, { "x-failover-token": TOKEN })
    expect(r.status).toBe(200)
    const calls = (await (await fetch(`${fakeUrl}/__calls/${id}`)).json()) as Array<{ headers: Record<string, string> }>
    expect(calls[0]!.headers["x-api-key"]).toBe(KEY)
    const admin = { authorization: "Bearer node-coded-admin-token", "content-type": "application/json" }
    const read = (await (await fetch(`${url}/admin/api/config`, { headers: admin })).json()) as { source: string }
    expect(read.source).toBe("FAILOVER_CONFIG")
    expect(JSON.stringify(read)).not.toContain(KEY)
    const write = await fetch(`${url}/admin/api/providers`, { method: "POST", headers: admin, body: JSON.stringify({ name: "x", format: "anthropic", baseUrl: "https://x.example.com" }) })
    expect(write.status).toBe(409)
  })

  it("answers an invalid document with a 500 naming the variable and the path, and logs no secret", async () => {
    const server = await serve({
      providers: [{ name: "coded", format: "anthropic", baseUrl: "https://x.example.com", apiKey: "env:NODE_NOT_SET" }],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await ask(server.url, { "x-failover-token": TOKEN })
    expect(r.status).toBe(500)
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/FAILOVER_CONFIG: providers\[0\]\.apiKey: env:NODE_NOT_SET/)
    await expect.poll(() => server.output(), { timeout: 5_000 }).toContain("NODE_NOT_SET")
    expect(server.output()).not.toContain(TOKEN)
  })
})

describe("the familiar variables on Node", () => {
  it("each take effect, and CLAUDE_API_KEY serves only with a token from ACCESS_TOKENS", async () => {
    const id = `nodevars${Date.now()}`
    await fetch(`${fakeUrl}/__scenario/${id}`, {
      method: "POST",
      body: JSON.stringify({ steps: [{ json: { id: "m", type: "message", role: "assistant", model: "m", content: [], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }] })
    })
    const index = servers.length
    const server = await startNode({
      ADMIN_TOKEN: "node-coded-admin-token",
      CONFIG_FILE: join(dir, `stored-vars-${index}.json`),
      LOG_LEVEL: "none",
      CLAUDE_API_BASE: `${fakeUrl}/s/${id}`,
      CLAUDE_API_KEY: KEY,
      ACCESS_TOKENS: TOKEN,
      PROXY_ALLOWED_ORIGINS: "https://app.example.com",
      PROXY_TIMEOUT_MS: "5000"
    })
    servers.push(server)
    const admin = { authorization: "Bearer node-coded-admin-token" }
    const doc = (await (await fetch(`${server.url}/admin/api/config`, { headers: admin })).json()) as {
      source: string
      providers: Array<{ baseUrl: string; timeoutMs: number }>
      settings: { allowedOrigins: Array<string> }
    }
    expect(doc.source).toBe("variables")
    expect(doc.providers[0]).toMatchObject({ baseUrl: `${fakeUrl}/s/${id}`, timeoutMs: 5000 })
    expect(doc.settings.allowedOrigins).toEqual(["https://app.example.com"])
    expect((await ask(server.url)).status).toBe(401)
    expect((await ask(server.url, { "x-failover-token": TOKEN })).status).toBe(200)
    const calls = (await (await fetch(`${fakeUrl}/__calls/${id}`)).json()) as Array<{ headers: Record<string, string> }>
    expect(calls.map((c) => c.headers["x-api-key"])).toEqual([KEY])
  })
})
