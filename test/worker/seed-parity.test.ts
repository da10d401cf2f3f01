import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { anthropicMessage, messagesBody, post, putConfig, scenario, TOKEN } from "./helpers.js"

const openAiCompletion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "llama",
  choices: [{ index: 0, message: { role: "assistant", content: "translated" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 1 }
}

/** The fake's host:port and the scenario path, as a direct route takes them. */
const directPath = (baseUrl: string) => {
  const u = new URL(baseUrl)
  return { host: u.host, base: u.pathname }
}

const anthropicPrimary = async (settings: Record<string, unknown> = {}, tokens: Array<Record<string, unknown>> = []) => {
  const up = await scenario([{ json: anthropicMessage() }])
  await putConfig({ providers: [{ name: "anthropic", format: "anthropic", baseUrl: up.baseUrl }], accessTokens: tokens, settings })
  return up
}

describe("direct translation routes", () => {
  it("are off by default", async () => {
    const up = await scenario([{ json: openAiCompletion }])
    await anthropicPrimary()
    const { host, base } = directPath(up.baseUrl)
    const r = await post(`/openai/${host}${base}/v1/messages`, messagesBody())
    expect(r.status).toBe(404)
    expect(await up.calls()).toHaveLength(0)
  })

  it("translate with the caller's own key when on and the host is allowed", async () => {
    const up = await scenario([{ json: openAiCompletion }])
    const { host, base } = directPath(up.baseUrl)
    await anthropicPrimary({ directRoutes: true, directHosts: [host] })
    const r = await post(`/openai/${host}${base}/v1/messages`, messagesBody(), { "x-api-key": "gsk_caller_key" })
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe(`openai:${host}`)
    expect(((await r.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe("translated")
    const [call] = await up.calls()
    expect(call!.path).toBe("/chat/completions")
    expect(call!.headers["authorization"]).toBe("Bearer gsk_caller_key")
  })

  it("refuse a host that is not allowed", async () => {
    const up = await scenario([{ json: openAiCompletion }])
    const { host, base } = directPath(up.baseUrl)
    await anthropicPrimary({ directRoutes: true, directHosts: ["api.groq.com"] })
    const r = await post(`/openai/${host}${base}/v1/messages`, messagesBody())
    expect(r.status).toBe(403)
    expect(await up.calls()).toHaveLength(0)
  })

  it("require a valid access token when tokens exist", async () => {
    const up = await scenario([{ json: openAiCompletion }])
    const { host, base } = directPath(up.baseUrl)
    await anthropicPrimary({ directRoutes: true, directHosts: [host] }, [{ token: TOKEN }])
    expect((await post(`/openai/${host}${base}/v1/messages`, messagesBody())).status).toBe(401)
    expect((await post(`/t/${TOKEN}/openai/${host}${base}/v1/messages`, messagesBody())).status).toBe(200)
    expect(await up.calls()).toHaveLength(1)
  })
})

describe("CORS", () => {
  const preflight = (origin: string) =>
    SELF.fetch("http://proxy/v1/messages", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "x-api-key,content-type" }
    })

  it("answers preflight with CORS headers for an allowed origin only", async () => {
    await anthropicPrimary({ allowedOrigins: ["https://app.example.com"] })
    const ok = await preflight("https://app.example.com")
    expect(ok.status).toBe(204)
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    expect(ok.headers.get("access-control-allow-headers")).toContain("anthropic-dangerous-direct-browser-access")
    const other = await preflight("https://evil.example.com")
    expect(other.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("adds CORS headers to answers for allowed origins and exposes the failover headers", async () => {
    await anthropicPrimary({ allowedOrigins: ["https://app.example.com"] })
    const r = await post("/v1/messages", messagesBody(), { origin: "https://app.example.com" })
    expect(r.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    expect(r.headers.get("access-control-expose-headers")).toContain("x-failover-provider")
    const other = await post("/v1/messages", messagesBody(), { origin: "https://evil.example.com" })
    expect(other.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("allows every origin only when * is listed", async () => {
    await anthropicPrimary({ allowedOrigins: ["*"] })
    expect((await preflight("https://any.example.com")).headers.get("access-control-allow-origin")).toBe("*")
  })
})

describe("per-token quotas", () => {
  it("answers 429 with retry-after over the per-minute limit, without calling upstream", async () => {
    const up = await anthropicPrimary({}, [{ token: TOKEN, requestsPerMinute: 2 }])
    const statuses: Array<number> = []
    let last: Response | undefined
    for (let i = 0; i < 3; i++) {
      last = await post(`/t/${TOKEN}/v1/messages`, messagesBody())
      statuses.push(last.status)
    }
    expect(statuses).toEqual([200, 200, 429])
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0)
    expect(((await last!.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error")
    expect(await up.calls()).toHaveLength(2)
  })
})

describe("x-failover-skip", () => {
  const twoProviders = async () => {
    const first = await scenario([{ json: anthropicMessage("first") }])
    const second = await scenario([{ json: anthropicMessage("second") }])
    await putConfig({
      providers: [
        { name: "first", format: "anthropic", baseUrl: first.baseUrl },
        { name: "second", format: "anthropic", baseUrl: second.baseUrl, apiKey: "sk-second-secret-001" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    return { first, second }
  }

  it("skips the named providers with a valid token", async () => {
    const { first } = await twoProviders()
    const r = await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN, "x-failover-skip": "first" })
    expect(r.headers.get("x-failover-provider")).toBe("second")
    expect(await first.calls()).toHaveLength(0)
  })

  it("is ignored without a token", async () => {
    const { first } = await twoProviders()
    const r = await post("/v1/messages", messagesBody(), { "x-failover-skip": "first" })
    expect(r.headers.get("x-failover-provider")).toBe("first")
    expect(await first.calls()).toHaveLength(1)
  })
})
