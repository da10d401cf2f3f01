/**
 * Configuration as code on the Worker (the bundle wrangler would upload, in workerd): a
 * FAILOVER_CONFIG document with env: references serves traffic and makes the admin API read-only
 * (the page says so); an invalid one answers a clear 500 and logs no secret; the familiar variables
 * each take effect, and CLAUDE_API_KEY serves only requests with an access token.
 */
import { readFileSync } from "node:fs"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium } from "playwright-core"
import { describe, expect, inject, it } from "vitest"
import { CODED, LOG_FILE } from "./globalSetup.js"

const urls = inject("codedUrls")
const fakeUrl = inject("fakeUrl")
const adminToken = inject("adminToken")

const scenario = async (id: string, steps: Array<unknown>) => {
  expect((await fetch(`${fakeUrl}/__scenario/${id}`, { method: "POST", body: JSON.stringify({ steps }) })).status).toBe(204)
  return async () => (await (await fetch(`${fakeUrl}/__calls/${id}`)).json()) as Array<{ headers: Record<string, string> }>
}
const answer = { json: { id: "msg_1", type: "message", role: "assistant", model: "m", content: [{ type: "text", text: "coded" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }
const ask = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-caller", ...headers },
    body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
  })
const admin = (base: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

describe("FAILOVER_CONFIG on the Worker", () => {
  it("serves traffic with its env: references resolved", async () => {
    const calls = await scenario("coded", [answer])
    const r = await ask(urls.managed, { "x-failover-token": CODED.token })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("coded")
    expect((await calls())[0]!.headers["x-api-key"]).toBe(CODED.key)
    // Without a token the stored key is not used: the usual 401.
    expect((await ask(urls.managed)).status).toBe(401)
  })

  it("keeps the admin API read-only: reads (masked) and health work, writes answer 409", async () => {
    const read = await admin(urls.managed, "GET", "/config")
    expect(read.status).toBe(200)
    const doc = (await read.json()) as { source: string; providers: Array<{ apiKey: string }> }
    expect(doc.source).toBe("FAILOVER_CONFIG")
    expect(JSON.stringify(doc)).not.toContain(CODED.key)
    expect(JSON.stringify(doc)).not.toContain(CODED.token)
    expect((await admin(urls.managed, "GET", "/health")).status).toBe(200)
    for (const [method, path, body] of [["POST", "/providers", { name: "x", format: "anthropic", baseUrl: "https://x.example.com" }], ["PUT", "/settings", {}], ["POST", "/tokens", {}]] as const) {
      const w = await admin(urls.managed, method, path, body)
      expect(w.status).toBe(409)
      expect(await w.json()).toMatchObject({ error: { type: "invalid_request_error", message: "configuration is managed by FAILOVER_CONFIG" } })
    }
  })

  it("shows the page read-only, saying why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cfo-chromium-"))
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    })
    try {
      const page = context.pages()[0] ?? await context.newPage()
      await page.goto(`${urls.managed}/admin`)
      await page.getByLabel("Admin token").fill(adminToken)
      await page.keyboard.press("Enter")
      await expect.poll(() => page.locator("#doc-state").textContent(), { timeout: 10_000 }).toContain("Read-only")
      expect(await page.locator("#doc-state").textContent()).toContain("FAILOVER_CONFIG")
      for (const control of ["#add-provider", "#token-create button[type=submit]", "#raw-save"]) expect(await page.locator(control).isDisabled()).toBe(true)
      await page.screenshot({ path: "test-output/browser/11-read-only-failover-config.png", fullPage: false })
    } finally {
      await context.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("answers an invalid document with a 500 naming the variable and the problem, and logs no secret", async () => {
    const r = await ask(urls.broken, { "x-failover-token": CODED.brokenToken })
    expect(r.status).toBe(500)
    const body = (await r.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe("api_error")
    expect(body.error.message).toContain("FAILOVER_CONFIG")
    expect(body.error.message).toContain("providers[0].apiKey")
    expect(body.error.message).toContain("NOT_SET_ANYWHERE")
    await expect.poll(() => readFileSync(LOG_FILE, "utf8"), { timeout: 5_000 }).toContain("NOT_SET_ANYWHERE")
    const logs = readFileSync(LOG_FILE, "utf8")
    for (const secret of [CODED.key, CODED.token, CODED.brokenToken]) expect(logs).not.toContain(secret)
  })
})

describe("the familiar variables on the Worker", () => {
  it("each take effect: base URL, key (with a token), tokens, allowed origins, timeout", async () => {
    const calls = await scenario("vars", [answer])
    const doc = (await (await admin(urls.variables, "GET", "/config")).json()) as {
      source: string
      providers: Array<{ baseUrl: string; timeoutMs: number }>
      accessTokens: Array<unknown>
      settings: { allowedOrigins: Array<string> }
    }
    expect(doc.source).toBe("variables")
    expect(doc.providers[0]).toMatchObject({ baseUrl: `${fakeUrl}/s/vars`, timeoutMs: 5000 })
    expect(doc.accessTokens).toHaveLength(2)
    expect(doc.settings.allowedOrigins).toEqual(["https://app.example.com"])
    const r = await ask(urls.variables, { "x-failover-token": CODED.token })
    expect(r.status).toBe(200)
    expect((await calls())[0]!.headers["x-api-key"]).toBe(CODED.key)
    const preflight = await fetch(`${urls.variables}/v1/messages`, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "POST" } })
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
  })

  it("CLAUDE_API_KEY without ACCESS_TOKENS refuses with 401, never an open relay", async () => {
    const r = await ask(urls.keyOnly)
    expect(r.status).toBe(401)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("authentication_error")
  })
})
