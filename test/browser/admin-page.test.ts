import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"

const workerUrl = inject("workerUrl")
const fakeUrl = inject("fakeUrl")
const adminToken = inject("adminToken")
const SHOTS = "test-output/browser"

let context: BrowserContext
let page: Page
let userDataDir: string
const requestedUrls: Array<string> = []
/** What the console said about the Content-Security-Policy (a refused script, style or connection). */
const cspViolations: Array<string> = []

/** The admin API from the test itself, to check what the page did. */
const admin = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${workerUrl}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  expect(r.status, await r.clone().text()).toBeLessThan(300)
  return r.json() as Promise<any>
}
const storedNames = async () => (await admin("GET", "/providers")).providers.map((p: { name: string }) => p.name)
const visible = (l: Locator) => l.waitFor({ state: "visible", timeout: 10_000 })
const textOf = (l: Locator) => () => l.textContent().then((t) => t ?? "")
const poll = <T>(f: () => Promise<T>) => expect.poll(f, { timeout: 10_000 })
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
/** Each of `labels` through `f`, in order. */
const each = async <T>(f: (label: string) => Promise<T>, labels: ReadonlyArray<string>): Promise<Array<T>> => {
  const out: Array<T> = []
  for (const l of labels) out.push(await f(l))
  return out
}
const copied = () => page.evaluate("window.__copied.slice()") as Promise<Array<string>>

// Headless Chromium has no clipboard to read back; the page's writes are recorded instead.
const clipboardStub = `
  window.__copied = [];
  Object.defineProperty(Navigator.prototype, "clipboard", { configurable: true, get: function () {
    return { writeText: function (t) { window.__copied.push(String(t)); return Promise.resolve(); } };
  } });`

beforeAll(async () => {
  userDataDir = mkdtempSync(join(tmpdir(), "cfo-chromium-"))
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    viewport: { width: 1200, height: 900 }
  })
  await context.addInitScript({ content: clipboardStub })
  page = context.pages()[0] ?? await context.newPage()
  page.setDefaultTimeout(10_000)
  page.on("request", (r) => requestedUrls.push(r.url()))
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text())
  })
  page.on("dialog", (d) => void d.accept())
})

afterAll(async () => {
  await context?.close()
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
})

describe("the admin page in Chromium", () => {
  let createdToken = ""

  it("asks for the admin token, refuses a wrong one, signs in with the keyboard", async () => {
    await page.goto(`${workerUrl}/admin`)
    await visible(page.getByRole("heading", { name: "claude-failover admin" }))
    await shot("01-login")
    await page.getByLabel("Admin token").fill("wrong-token")
    await page.getByRole("button", { name: "Sign in" }).click()
    await visible(page.getByRole("alert").filter({ hasText: "refused" }))
    await page.getByLabel("Admin token").fill(adminToken)
    await page.getByLabel("Admin token").press("Enter")
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
    expect(await page.evaluate("sessionStorage.getItem('claude-failover-admin-token')")).toBe(adminToken)
    await shot("02-signed-in")
  })

  it("is static files with a strict Content-Security-Policy: no inline script, nothing from elsewhere", async () => {
    const html = await fetch(`${workerUrl}/admin`)
    expect(html.status).toBe(200)
    expect(html.headers.get("content-type")).toMatch(/^text\/html/)
    const csp = html.headers.get("content-security-policy") ?? ""
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|nonce-/)
    expect(html.headers.get("x-frame-options")).toBe("DENY")
    const markup = await html.text()
    // Every script is a file of this origin, and no element carries a style or handler of its own.
    expect(markup).not.toMatch(/<script(?![^>]*\bsrc="\/admin\/static\/)/)
    expect(markup).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
    for (const [file, type] of [["app.js", /^text\/javascript/], ["app.css", /^text\/css/]] as const) {
      const r = await fetch(`${workerUrl}/admin/static/${file}`)
      expect(r.status, file).toBe(200)
      expect(r.headers.get("content-type"), file).toMatch(type)
      expect(r.headers.get("content-security-policy"), file).toBe(csp)
      expect(r.headers.get("x-content-type-options"), file).toBe("nosniff")
    }
    // One address for the page, and the admin API is still the Worker's.
    const slash = await fetch(`${workerUrl}/admin/`, { redirect: "manual" })
    expect([307, 308]).toContain(slash.status)
    expect(new URL(slash.headers.get("location") ?? "", workerUrl).pathname).toBe("/admin")
    expect((await fetch(`${workerUrl}/admin/api/config`)).status).toBe(401)
    // Everything the page loaded came from this origin, and nothing was refused.
    const origin = new URL(workerUrl).origin
    for (const url of requestedUrls) expect(new URL(url).origin).toBe(origin)
    expect(cspViolations).toEqual([])
  })

  it("creates an access token shown once, and copies it", async () => {
    await page.getByLabel("Note for a new token").fill("browser")
    await page.getByRole("button", { name: "Create token" }).click()
    const value = page.getByLabel("New access token", { exact: true })
    await poll(() => value.inputValue()).toMatch(/^cfo_[A-Za-z0-9_-]{32}$/)
    createdToken = await value.inputValue()
    await page.getByRole("button", { name: "Copy token" }).click()
    await poll(copied).toContain(createdToken)
    // the list shows it masked only
    expect(await textOf(page.locator("#token-table"))()).not.toContain(createdToken)
    await poll(() => page.getByLabel("Note for token 1").inputValue()).toMatch("browser")
    // Notes are saved by the token's id (the list may have changed under the page meanwhile).
    await page.getByLabel("Note for token 1").fill("browser tab")
    await page.getByRole("button", { name: "Save note of token 1" }).click()
    await poll(async () => (await admin("GET", "/tokens")).tokens.map((t: { note?: string }) => t.note)).toEqual(["browser tab"])
    await shot("03-token-created")
  })

  it("adds a provider with a model map", async () => {
    await page.getByRole("button", { name: "Add provider" }).click()
    const form = page.getByRole("form", { name: "New provider" })
    await form.getByLabel("Name").fill("fake")
    await form.getByLabel("Base URL").fill(`${fakeUrl}/agent/anthropic`)
    await form.getByLabel("API key").fill("sk-fake-browser-key-0001")
    await form.getByRole("button", { name: "Add a row to Model map" }).click()
    await form.getByLabel("Model map: match").fill("claude-*")
    await form.getByLabel("Model map: becomes").fill("fake-model")
    // A refresh meanwhile (another section's button) must not wipe what was typed.
    await page.evaluate(`document.getElementById("usage-refresh").click()`) // without scrolling away
    await poll(() => page.locator("#toast").textContent()).toContain("refreshed")
    expect(await form.getByLabel("API key").inputValue()).toBe("sk-fake-browser-key-0001")
    expect(await form.getByLabel("Model map: becomes").inputValue()).toBe("fake-model")
    await shot("04-add-provider-form")
    await form.getByRole("button", { name: "Add provider" }).click()
    await poll(() => page.locator("#provider-list > li").count()).toBe(2)
    await poll(textOf(page.locator("#provider-list > li").nth(1))).toContain("fake")
    expect(await storedNames()).toEqual(["anthropic", "fake"])
    const stored = (await admin("GET", "/providers")).providers[1]
    expect(stored).toMatchObject({ models: { "claude-*": "fake-model" }, apiKey: "sk-\u20260001" })
  })

  it("reorders the chain with the buttons and by dragging", async () => {
    await page.getByRole("button", { name: "Move fake up" }).click()
    await poll(textOf(page.locator("#provider-list > li").first())).toContain("fake")
    await poll(storedNames).toEqual(["fake", "anthropic"])
    // From the top: a drop target half under the sticky header would get the header's drop.
    await page.evaluate("window.scrollTo(0, 0)")
    await page.locator("#provider-list > li").nth(1).locator(".handle").dragTo(page.locator("#provider-list > li").first())
    await poll(textOf(page.locator("#provider-list > li").first())).toContain("anthropic")
    await poll(storedNames).toEqual(["anthropic", "fake"])
    await page.getByRole("button", { name: "Move fake up" }).click()
    await poll(textOf(page.locator("#provider-list > li").first())).toContain("fake")
    await poll(storedNames).toEqual(["fake", "anthropic"])
    await shot("05-reordered")
  })

  it("tests a provider against the fake upstream and shows an upstream error body", async () => {
    await page.getByRole("button", { name: "Test fake" }).click()
    const card = page.locator("#provider-list > li").first()
    await poll(textOf(card.locator(".test-result"))).toMatch(/Works: HTTP 200 in \d+ ms \(model fake-model\)/)
    // a provider that answers 503
    const doc = await admin("GET", "/config")
    await admin("POST", "/providers", { name: "broken", format: "anthropic", baseUrl: `${fakeUrl}/fail/503`, apiKey: "sk-broken-key-000001" })
    expect(doc.providers).toHaveLength(2)
    await page.getByRole("button", { name: "Reload from the Worker" }).click()
    await page.getByRole("button", { name: "Test broken" }).click()
    const broken = page.locator("#provider-list > li").nth(2)
    await poll(textOf(broken.locator(".test-result"))).toMatch(/Failed: HTTP 503/)
    await visible(broken.locator(".test-body"))
    await shot("06-provider-tests")
  })

  it("toggles a provider with the keyboard and resets its health", async () => {
    const toggle = page.locator("#provider-list > li").nth(2).getByLabel("Enabled")
    await toggle.focus()
    await page.keyboard.press("Space")
    await poll(async () => (await admin("GET", "/providers")).providers[2].enabled).toBe(false)
    await page.getByRole("button", { name: "Reset health of broken" }).click()
    await visible(page.getByRole("status").filter({ hasText: "Breaker of broken reset" }))
  })

  it("shows a rejected edit's problem next to its field and stores nothing", async () => {
    const before = await admin("GET", "/config")
    await page.getByRole("button", { name: "Edit fake" }).click()
    const form = page.getByRole("form", { name: "Edit fake" })
    await form.getByLabel("Retries").fill("99")
    await form.getByRole("button", { name: "Save fake" }).click()
    await poll(() => form.getByLabel("Retries").getAttribute("aria-invalid")).toBe("true")
    const message = form.locator(".field-error").filter({ hasText: "between 0 and 10" })
    await visible(message)
    expect(await message.textContent()).not.toContain("undefined")
    await shot("07-edit-error")
    await form.getByRole("button", { name: "Cancel" }).click()
    expect(await admin("GET", "/config")).toEqual(before)
  })

  it("shows raw JSON validation errors at their path", async () => {
    const before = await admin("GET", "/config")
    const raw = page.getByLabel("Config document (JSON)")
    const doc = JSON.parse(await raw.inputValue())
    doc.providers[0].baseUrl = "not a url"
    doc.providers[1].colour = "red"
    await raw.fill(JSON.stringify(doc, null, 2))
    await page.getByRole("button", { name: "Validate and save" }).click()
    const issues = page.locator("#raw-issues")
    await poll(textOf(issues)).toContain("providers[0].baseUrl")
    await poll(textOf(issues)).toContain("providers[1].colour")
    await issues.getByRole("button", { name: /providers\[0\]\.baseUrl, line \d+/ }).click()
    const selected = await raw.evaluate((t: { value: string; selectionStart: number; selectionEnd: number }) => t.value.slice(t.selectionStart, t.selectionEnd))
    expect(selected).toBe("\"baseUrl\"")
    await shot("08-raw-json-error")
    expect(await admin("GET", "/config")).toEqual(before)
  })

  it("two tabs: a save made from an older version keeps what was typed, shows what changed, and reloads or overwrites", async () => {
    await page.getByRole("button", { name: "Reload from the Worker" }).click()
    await poll(textOf(page.locator("#toast"))).toContain("Reloaded")
    const raw = page.getByLabel("Config document (JSON)")
    const mine = JSON.parse(await raw.inputValue())
    const other = await context.newPage()
    try {
      // The other tab changes a provider after this one read the document.
      await other.goto(`${workerUrl}/admin`)
      await other.getByLabel("Admin token").fill(adminToken)
      await other.keyboard.press("Enter")
      const card = other.locator("#provider-list > li").filter({ hasText: "fake" })
      const toggle = card.getByLabel("Enabled")
      const wasEnabled = await toggle.isChecked()
      await toggle.click()
      await poll(async () => (await admin("GET", "/providers")).providers.find((p: { name: string }) => p.name === "fake").enabled).toBe(!wasEnabled)

      // This tab saves its edit, made from the older version: it is asked, and its text is kept.
      mine.settings = { ...mine.settings, maxRetryAfterMs: 777 }
      const typed = JSON.stringify(mine, null, 2)
      await raw.fill(typed)
      await page.getByRole("button", { name: "Validate and save" }).click()
      const box = page.locator("#raw-conflict .conflict")
      await visible(box)
      await poll(textOf(box)).toContain("providers changed: fake")
      expect(await raw.inputValue()).toBe(typed)
      expect((await admin("GET", "/settings")).maxRetryAfterMs).not.toBe(777)
      await box.scrollIntoViewIfNeeded()
      await shot("10-conflict-two-tabs")

      // Overwrite: this tab's version is stored.
      await box.getByRole("button", { name: "Overwrite with my version" }).click()
      await poll(async () => (await admin("GET", "/settings")).maxRetryAfterMs).toBe(777)
      expect(await box.isHidden()).toBe(true)

      // Again, and this time reload: the edit is dropped for the document as it is now.
      await other.reload()
      await other.locator("#provider-list > li").filter({ hasText: "fake" }).getByLabel("Enabled").click()
      await poll(async () => (await admin("GET", "/providers")).providers.find((p: { name: string }) => p.name === "fake").enabled).toBe(!wasEnabled)
      await raw.fill(typed.replace("777", "778"))
      await page.getByRole("button", { name: "Validate and save" }).click()
      await visible(box)
      await box.getByRole("button", { name: /Reload/ }).click()
      await poll(async () => JSON.parse(await raw.inputValue()).providers.find((p: { name: string }) => p.name === "fake").enabled).toBe(!wasEnabled)
      expect((await admin("GET", "/settings")).maxRetryAfterMs).toBe(777)
      // As the next tests expect it.
      await admin("PUT", "/providers/fake/enabled", { enabled: wasEnabled })
    } finally {
      await other.close()
    }
  })

  it("gives the Claude Code snippet with the new token, and copies it", async () => {
    await page.getByRole("button", { name: "Reload from the Worker" }).click()
    const snippet = page.locator("#env-snippet")
    await poll(textOf(snippet)).toBe(`export ANTHROPIC_BASE_URL="${workerUrl}/t/${createdToken}"`)
    await page.getByRole("button", { name: "Copy snippet" }).click()
    await poll(copied).toContain(`export ANTHROPIC_BASE_URL="${workerUrl}/t/${createdToken}"`)
    await page.getByLabel("Access token in a custom header").check()
    await page.getByLabel("settings.json").check()
    const json = JSON.parse(await snippet.innerText())
    expect(json).toEqual({ env: { ANTHROPIC_BASE_URL: workerUrl, ANTHROPIC_CUSTOM_HEADERS: `x-failover-token: ${createdToken}` } })
    await page.getByRole("button", { name: "Copy snippet" }).click()
    await poll(async () => (await copied()).at(-1)).toBe(JSON.stringify(json, null, 2))
    await page.locator("#env").scrollIntoViewIfNeeded()
    await shot("09-env-snippet")
  })

  it("keeps health and usage current without a reload, and never takes the keyboard focus away", async () => {
    const live = await context.newPage()
    await live.clock.install() // the page's refresh timer runs on this clock
    try {
      await live.goto(`${workerUrl}/admin`)
      await live.getByLabel("Admin token").fill(adminToken)
      await live.keyboard.press("Enter")
      const fakeCard = live.locator("#provider-list > li").filter({ hasText: "fake" })
      await fakeCard.getByLabel("Enabled").waitFor()
      const fakeRow = live.locator("#usage-tables tr").filter({ hasText: "fake" }).first()
      // (no row yet: nothing counted for it so far)
      const requestsOf = async () =>
        (await fakeRow.count()) === 0 ? 0 : Number((await fakeRow.locator("td").first().textContent())?.replace(/\D/g, "") ?? "NaN")
      const before = await requestsOf()

      // Keyboard focus inside the provider list: the list must not be redrawn under it.
      await fakeCard.getByLabel("Enabled").focus()
      const proxied = await fetch(`${workerUrl}/t/${createdToken}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      })
      expect(proxied.headers.get("x-failover-provider")).toBe("fake")
      await proxied.text()
      await live.clock.fastForward(11_000)
      await poll(requestsOf).toBe(before + 1)
      expect(await live.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label')")).toBe(
        await fakeCard.getByLabel("Enabled").getAttribute("aria-label")
      )
      expect(await live.evaluate("document.getElementById('provider-list').contains(document.activeElement)")).toBe(true)
      // The Worker binds the SHARED Durable Object: the page says the health it shows is the deployment's.
      expect(await textOf(live.locator("#health-scope"))()).toContain("whole deployment")
      // Focus gone from the list: a later refresh redraws it with the success the deployment's view now
      // holds (the isolate reports it at once or at the end of its report window).
      await live.evaluate("document.activeElement && document.activeElement.blur()")
      await poll(async () => {
        await live.clock.fastForward(11_000)
        return textOf(fakeCard)()
      }).toContain("1 ok")
      await live.locator("#providers").screenshot({ path: join(SHOTS, "13-shared-health.png") })
      await poll(textOf(live.locator("#usage-tables h3").first())).toContain("whole deployment")
      // the 24-hour chart: the hour's bar for the provider, its numbers in its title (shown on hover)
      const bar = live.locator("#usage svg.usage-svg rect.series").last()
      expect(await bar.locator("title").textContent()).toMatch(/^fake, .*: \d+ requests, \d+ failovers, \d+ errors$/)
      await bar.hover()
      expect(await textOf(live.locator("#usage .legend"))()).toContain("fake: ")
      await live.locator("#usage").screenshot({ path: join(SHOTS, "14-usage-chart.png") })
    } finally {
      await live.close()
    }
  })

  it("adds an OpenAI Responses API provider with a reasoning summary", async () => {
    const before = await storedNames()
    await page.getByRole("button", { name: "Add provider" }).click()
    const form = page.getByRole("form", { name: "New provider" })
    await form.getByLabel("Name").fill("gpt")
    await form.getByLabel("Format").selectOption("openai-responses")
    await form.getByLabel("Base URL").fill(`${fakeUrl}/agent/openai-responses/v1`)
    await form.getByLabel("API key").fill("sk-fake-responses-key-01")
    await form.getByLabel("Reasoning summary (openai-responses)").selectOption("auto")
    // What the model takes, where the catalogue does not know it.
    await form.getByText("What this model takes (optional)").click()
    await form.getByLabel("Context window (tokens)").fill("1047576")
    await form.getByLabel("Thinking", { exact: true }).selectOption("none")
    await form.getByLabel("Parameters it refuses").fill("temperature, top_p")
    await form.getByRole("button", { name: "Add provider" }).click()
    await poll(() => storedNames()).toEqual([...before, "gpt"])
    const stored = (await admin("GET", "/providers")).providers.find((p: { name: string }) => p.name === "gpt")
    expect(stored).toMatchObject({
      format: "openai-responses",
      reasoning: { summary: "auto" },
      apiKey: "sk-\u2026y-01",
      capabilities: { contextWindow: 1047576, thinking: "none", refusedParams: ["temperature", "top_p"] }
    })
    await admin("DELETE", "/providers/gpt")
    await poll(() => storedNames()).toEqual(before)
  })

  it("offers presets: each fills the format, base URL and model map, and shows only the fields its kind uses", async () => {
    await page.reload() // the last test changed the chain behind the page's back
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
    await page.getByRole("button", { name: "Add provider" }).click()
    const form = page.getByRole("form", { name: "New provider" })
    const kind = form.getByLabel("Kind")
    const shown = async (label: string) => form.getByLabel(label, { exact: true }).isVisible()
    const mapRows = () => form.locator("[data-path=models] .map-row").evaluateAll((rows) =>
      rows.map((r) => `${(r.querySelector(".map-key") as unknown as { value: string }).value}=${(r.querySelector(".map-value") as unknown as { value: string }).value}`))
    const expectations: Array<[string, string, string, Array<string>]> = [
      ["Anthropic (your own API key)", "anthropic", "https://api.anthropic.com", []],
      ["Claude on AWS Bedrock (InvokeModel)", "bedrock", "", []],
      ["Claude on AWS Bedrock (Messages API)", "bedrock", "", []],
      ["Claude Platform on AWS", "claude-platform-aws", "", []],
      ["Claude on Google Vertex AI", "vertex", "", []],
      ["Claude in Microsoft Foundry", "anthropic", "https://your-resource.services.ai.azure.com/anthropic", []],
      ["OpenAI (Responses API)", "openai-responses", "https://api.openai.com/v1", ["claude-haiku-*=gpt-5-mini", "claude-*-haiku-*=gpt-5-mini", "*=gpt-5.1-codex"]],
      ["OpenRouter", "openai", "https://openrouter.ai/api/v1", ["claude-haiku-*=anthropic/claude-haiku-4.5", "claude-*-haiku-*=anthropic/claude-haiku-4.5", "*=anthropic/claude-sonnet-4.5"]],
      ["DeepSeek", "openai", "https://api.deepseek.com", ["*=deepseek-chat"]],
      ["Groq", "openai", "https://api.groq.com/openai/v1", ["*=openai/gpt-oss-120b"]],
      ["Google Gemini", "gemini", "https://generativelanguage.googleapis.com", ["claude-haiku-*=gemini-2.5-flash", "claude-*-haiku-*=gemini-2.5-flash", "*=gemini-2.5-pro"]],
      ["A local OpenAI-compatible server (Ollama, vLLM, LM Studio)", "openai", "http://127.0.0.1:11434/v1", ["*=qwen3-coder"]]
    ]
    for (const [label, format, baseUrl, models] of expectations) {
      await kind.selectOption({ label })
      expect(await form.getByLabel("Format").inputValue(), label).toBe(format)
      expect(await form.getByLabel("Base URL").inputValue(), label).toBe(baseUrl)
      expect(await mapRows(), label).toEqual(models)
    }
    await kind.selectOption({ label: "Claude on AWS Bedrock (InvokeModel)" })
    expect(await form.getByLabel("Region", { exact: true }).inputValue()).toBe("us-east-1")
    expect(await form.getByLabel("Bedrock API").inputValue()).toBe("invoke")
    expect([await each(shown, ["AWS access key id", "AWS secret access key", "API key", "Inference profile (InvokeModel)", "Project (vertex)", "Workspace id", "Token field (openai)"])])
      .toEqual([[true, true, true, true, false, false, false]])
    await page.locator("#providers form.editor").screenshot({ path: join(SHOTS, "16-preset-bedrock.png") })
    await kind.selectOption({ label: "Claude on AWS Bedrock (Messages API)" })
    expect(await form.getByLabel("Bedrock API").inputValue()).toBe("messages")
    await kind.selectOption({ label: "Claude Platform on AWS" })
    expect([await each(shown, ["Workspace id", "AWS access key id", "API key", "Bedrock API", "Project (vertex)"])]).toEqual([[true, true, true, false, false]])
    await kind.selectOption({ label: "DeepSeek" })
    expect(await form.getByLabel("Echo reasoning (openai)").isChecked()).toBe(true)
    expect(await shown("Token field (openai)")).toBe(true)
    expect(await shown("Region")).toBe(false)
    await kind.selectOption({ label: "Claude on Google Vertex AI" })
    expect(await form.getByLabel("Name").inputValue()).toBe("vertex")
    expect([await each(shown, ["Project (vertex)", "Service account key file (vertex)", "API key", "AWS access key id"])]).toEqual([[true, true, false, false]])
    // the key file, chosen as a user would: it fills the JSON
    const key = await (await fetch(`${fakeUrl}/google/service-account.json`)).text()
    await form.getByLabel("Service account key file (vertex)").setInputFiles({ name: "key.json", mimeType: "application/json", buffer: Buffer.from(key) })
    await poll(() => form.getByLabel("Service account key JSON (vertex)").inputValue()).toBe(key)
    await form.getByLabel("Project (vertex)").fill("fake-project")
    await page.locator("#providers form.editor").screenshot({ path: join(SHOTS, "17-preset-vertex.png") })
    const before = await storedNames()
    await form.getByRole("button", { name: "Add provider" }).click()
    await poll(() => storedNames()).toEqual([...before, "vertex"])
    expect((await admin("GET", "/providers")).providers.find((p: { name: string }) => p.name === "vertex")).toMatchObject({ format: "vertex", region: "global", project: "fake-project" })
    await admin("DELETE", "/providers/vertex")
    await page.reload()
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
  })

  it("adds a Vertex provider from its region, project and service-account JSON, and shows a JSON mistake at its field", async () => {
    // The last test changed the chain behind the page's back: start from what is stored.
    await page.reload()
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
    const before = await storedNames()
    const key = (await (await fetch(`${fakeUrl}/google/service-account.json`)).json()) as { client_email: string }
    await page.getByRole("button", { name: "Add provider" }).click()
    const form = page.getByRole("form", { name: "New provider" })
    await form.getByLabel("Name").fill("vertex")
    await form.getByLabel("Format").selectOption("vertex")
    await form.getByLabel("Region", { exact: true }).fill("us-east5")
    await form.getByLabel("Project (vertex)").fill("fake-project")
    await form.getByLabel("Service account key JSON (vertex)").fill("{ not json")
    await form.getByRole("button", { name: "Add provider" }).click()
    await poll(textOf(form.locator(".field-error").filter({ hasText: "is not JSON" }))).toContain("paste the key file")
    await form.getByLabel("Service account key JSON (vertex)").fill(JSON.stringify(key))
    await form.getByRole("button", { name: "Add provider" }).click()
    await poll(() => storedNames()).toEqual([...before, "vertex"])
    const stored = (await admin("GET", "/providers")).providers.find((p: { name: string }) => p.name === "vertex")
    expect(stored).toMatchObject({ format: "vertex", region: "us-east5", project: "fake-project", serviceAccount: { client_email: key.client_email } })
    expect(stored.serviceAccount.private_key).toContain("\u2026")
    await poll(textOf(page.locator("#provider-list > li").last())).toContain(`service account ${key.client_email}`)
    await admin("DELETE", "/providers/vertex")
    await poll(() => storedNames()).toEqual(before)
  })

  it("shows a real failover in the request log, with both providers and the reason, and filters it", async () => {
    const others = await storedNames()
    await admin("POST", "/providers", { name: "down", format: "anthropic", baseUrl: `${fakeUrl}/fail/529`, apiKey: "sk-down-key-000000001", retries: 0 })
    await admin("POST", "/providers", { name: "up", format: "anthropic", baseUrl: `${fakeUrl}/agent/anthropic`, apiKey: "sk-up-key-0000000001" })
    const r = await fetch(`${workerUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sk-ant-any", "x-failover-token": createdToken, "x-failover-skip": others.join(",") },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
    })
    expect(r.headers.get("x-failover-provider")).toBe("up")
    await r.text()
    await page.locator("#requests").scrollIntoViewIfNeeded()
    await page.getByRole("button", { name: "Refresh" }).and(page.locator("#log-refresh")).click()
    const row = page.locator("#log-table tbody tr").filter({ hasText: "down 529" }).first()
    await poll(textOf(row)).toContain("down 529 \u2192 up 200")
    expect(await textOf(row.locator("th"))()).toBe("up")
    await page.locator("#requests").screenshot({ path: join(SHOTS, "15-request-log.png") })
    const requests = page.locator("#requests")
    await requests.getByLabel("Errors", { exact: true }).check()
    await poll(textOf(page.locator("#log-table tbody"))).not.toContain("down 529")
    await requests.getByLabel("Failovers", { exact: true }).check()
    await poll(textOf(page.locator("#log-table tbody"))).toContain("down 529 \u2192 up 200")
    await requests.getByLabel("All", { exact: true }).check()
    await admin("DELETE", "/providers/down")
    await admin("DELETE", "/providers/up")
    await page.reload()
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
  })

  it("shows a key pool masked, adds, edits and removes keys, keeps them when the provider is saved, and shows cooling and set-aside keys", async () => {
    const secrets = ["sk-pool-secret-alpha-0000001a", "sk-pool-secret-bravo-0000002b", "sk-pool-secret-charlie-000003c"]
    const fourth = "sk-pool-secret-delta-0000004d"
    const all = [...secrets, fourth]
    /** The key as the admin API and the page show it, and as the request log names it (ASCII). */
    const masked = (key: string) => `sk-\u2026${key.slice(-4)}`
    const logged = (key: string) => `sk-...${key.slice(-4)}`
    const storedKeys = async () => (await admin("GET", "/providers/pool/keys")).keys as Array<{ id: string; key: string; weight?: number; note?: string }>
    const leaksNone = async () => {
      const html = await page.content()
      for (const key of all) expect(html).not.toContain(key)
    }
    const others = await storedNames()
    await admin("POST", "/providers", {
      name: "pool", format: "anthropic", baseUrl: `${fakeUrl}/s/pool`, retries: 0, keys: secrets.map((key, i) => ({ key, note: `team ${i + 1}` }))
    })
    await page.reload()
    const card = page.locator("#provider-list > li[data-name=pool]")
    const lines = card.getByRole("list", { name: "Keys of pool" }).getByRole("listitem")
    await poll(() => lines.count()).toBe(3)
    expect(await textOf(card.locator("dl.meta"))()).toContain("a pool of 3 keys")
    expect(await lines.locator("code").allTextContents()).toEqual(secrets.map(masked))
    expect(await lines.allTextContents()).toEqual(secrets.map(() => expect.stringMatching(/available.*no requests in 24 h/)))
    expect(await each((n) => card.getByLabel(`Note of key ${n} of pool`, { exact: true }).inputValue(), ["1", "2", "3"])).toEqual(["team 1", "team 2", "team 3"])
    // A pool's keys are the proxy's own: the provider's test asks for no key of the caller's.
    expect(await card.locator(".test-key").count()).toBe(0)
    await leaksNone()

    // Add a key through the card's form: the pool then holds four, the new one masked.
    const add = card.getByRole("form", { name: "Add a key to pool" })
    await add.getByLabel("Key", { exact: true }).fill(fourth)
    await add.getByLabel("Weight").fill("2")
    await add.getByLabel("Note").fill("fourth")
    await add.getByRole("button", { name: "Add key" }).click()
    await poll(async () => (await storedKeys()).length).toBe(4)
    expect((await storedKeys())[3]).toMatchObject({ key: masked(fourth), weight: 2, note: "fourth" })
    await poll(() => lines.count()).toBe(4)
    expect(await add.getByLabel("Key", { exact: true }).inputValue()).toBe("")
    const ids = (await storedKeys()).map((k) => k.id)

    // A note edited inline: the masked key sent back keeps the stored one (its id, a hash of it, stays).
    await card.getByLabel("Note of key 1 of pool", { exact: true }).fill("team one")
    await card.getByRole("button", { name: "Save weight and note of key 1 of pool" }).click()
    await poll(async () => (await storedKeys())[0]?.note).toBe("team one")
    // (the page has read the new version: an edit opened before would be made from the old one)
    await poll(textOf(page.locator("#toast"))).toContain("Key 1 of pool saved")
    expect((await storedKeys()).map((k) => k.id)).toEqual(ids)

    // The provider's form says where the keys are, and saving it keeps them.
    await card.getByRole("button", { name: "Edit pool" }).click()
    const form = page.getByRole("form", { name: "Edit pool" })
    await poll(textOf(form)).toContain("A pool of 4 keys")
    expect(await form.getByLabel("API key", { exact: true }).count()).toBe(0)
    await form.getByLabel("Wait for a stream to start (ms)").fill("30000")
    await form.getByRole("button", { name: "Save pool" }).click()
    await poll(async () => (await admin("GET", "/providers")).providers.find((p: { name: string }) => p.name === "pool").timeoutMs).toBe(30000)
    expect((await storedKeys()).map((k) => k.id)).toEqual(ids)
    expect((await storedKeys()).map((k) => k.note)).toEqual(["team one", "team 2", "team 3", "fourth"])

    // One request: the first key's quota is spent (429, rejected until a reset time), the second is
    // refused (401), the third answers.
    const reset = Math.floor(Date.now() / 1000) + 3600
    const error = (type: string) => ({ type: "error", error: { type, message: `fake ${type}` } })
    expect((await fetch(`${fakeUrl}/__scenario/pool`, { method: "POST", body: JSON.stringify({ steps: [
      { status: 429, headers: { "anthropic-ratelimit-unified-status": "rejected", "anthropic-ratelimit-unified-reset": String(reset) }, json: error("rate_limit_error") },
      { status: 401, json: error("authentication_error") },
      { json: { id: "msg_pool", type: "message", role: "assistant", model: "m", content: [{ type: "text", text: "pooled" }], stop_reason: "end_turn", stop_sequence: null,
        usage: { input_tokens: 7, output_tokens: 3 } } }
    ] }) })).status).toBe(204)
    const r = await fetch(`${workerUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sk-ant-any", "x-failover-token": createdToken, "x-failover-skip": others.join(",") },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
    })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("pool")
    await r.text()
    const called = ((await (await fetch(`${fakeUrl}/__calls/pool`)).json()) as Array<{ headers: Record<string, string> }>).map((c) => c.headers["x-api-key"] ?? "")
    expect(called).toHaveLength(3)
    const [limited, refused, served] = called as [string, string, string]
    const healthOf = async (key: string) =>
      (await admin("GET", "/health")).providers.find((p: { name: string }) => p.name === "pool").keys.find((k: { key: string }) => k.key === masked(key))
    const stateOf = async (key: string) => (await healthOf(key)).state
    await poll(() => each(stateOf, [limited, refused, served])).toEqual(["cooling", "set-aside", "available"])
    await poll(async () => (await healthOf(served)).last24h).toMatchObject({ requests: 1, errors: 0 })
    await page.reload()
    await poll(textOf(lines.filter({ hasText: masked(limited) }))).toMatch(/cooling until .+ \(429\)/)
    await poll(textOf(lines.filter({ hasText: masked(refused) }))).toMatch(/set aside: 401 since /)
    await poll(textOf(lines.filter({ hasText: masked(served) }))).toMatch(/available.*1 request, 0 errors, \d+ in \/ \d+ out tokens in 24 h/)
    await card.scrollIntoViewIfNeeded()
    await card.screenshot({ path: join(SHOTS, "18-key-pool.png") })

    // A reset puts the refused key back; only keys that are not available offer one.
    const n = all.indexOf(refused) + 1
    expect(await card.getByRole("button", { name: `Reset key ${all.indexOf(served) + 1} of pool` }).count()).toBe(0)
    await card.getByRole("button", { name: `Reset key ${n} of pool` }).click()
    await poll(() => stateOf(refused)).toBe("available")
    await poll(textOf(lines.filter({ hasText: masked(refused) }))).toContain("available")

    // The request log names each key the request called, beside its provider.
    await page.locator("#requests").scrollIntoViewIfNeeded()
    await page.locator("#log-refresh").click()
    const row = page.locator("#log-table tbody tr").filter({ hasText: "pool (" }).first()
    await poll(textOf(row)).toContain(`pool (${logged(served)}) 200`)
    expect(await textOf(row)()).toContain(`pool (${logged(limited)}) 429`)

    // Remove the added key: the pool holds three again.
    await card.getByRole("button", { name: "Remove key 4 of pool" }).click()
    await poll(async () => (await storedKeys()).map((k) => k.key)).toEqual(secrets.map(masked))
    await poll(() => lines.count()).toBe(3)
    await leaksNone()
    await admin("DELETE", "/providers/pool")
    await page.reload()
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
  })

  it("is readable at phone width, and the admin token never went into a URL", async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.reload()
    await visible(page.getByRole("heading", { name: "Providers", exact: true }))
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390)
    await shot("10-phone")
    await page.screenshot({ path: join(SHOTS, "11-phone-top.png") })
    await page.locator("#tokens").scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, "12-phone-tokens.png") })
    expect(requestedUrls.length).toBeGreaterThan(10)
    for (const url of requestedUrls) expect(url).not.toContain(adminToken)
    expect(cspViolations).toEqual([])
  })
})
