import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { anthropicMessage, messagesBody, post, putConfig, scenario, TOKEN } from "./helpers.js"

const keyedOnly = async (extra: Record<string, unknown> = {}) => {
  const up = await scenario([{ json: anthropicMessage() }])
  await putConfig({
    providers: [{ name: "keyed", format: "anthropic", baseUrl: up.baseUrl, apiKey: "sk-stored-key-000111", ...extra }],
    accessTokens: [{ token: TOKEN }]
  })
  return up
}

describe("access tokens", () => {
  it("accepts the token in the x-failover-token header", async () => {
    const up = await keyedOnly()
    const r = await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN })
    expect(r.status).toBe(200)
    expect(await up.calls()).toHaveLength(1)
  })

  it("accepts the token as a /t/<token> path prefix and keeps the rest of the path and query", async () => {
    const up = await keyedOnly()
    const r = await post(`/t/${TOKEN}/v1/messages?beta=true`, messagesBody())
    expect(r.status).toBe(200)
    const [call] = await up.calls()
    expect(call!.path).toBe("/v1/messages")
    expect(call!.search).toBe("?beta=true")
  })

  it("refuses a keyed provider to a request without a token, without calling it", async () => {
    const up = await keyedOnly()
    const r = await post("/v1/messages", messagesBody())
    expect(r.status).toBe(401)
    expect(((await r.json()) as { error: { type: string; message: string } }).error.message).toMatch(/access token/)
    expect(await up.calls()).toHaveLength(0)
  })

  it("refuses a wrong token", async () => {
    const up = await keyedOnly()
    const r = await post("/t/tok_wrong_0000000000000/v1/messages", messagesBody())
    expect(r.status).toBe(401)
    expect(await up.calls()).toHaveLength(0)
  })
})

describe("keyed providers", () => {
  it("never receive a client credential: only allow-listed headers and the stored key", async () => {
    const up = await keyedOnly()
    await post("/v1/messages", messagesBody(), {
      "x-failover-token": TOKEN,
      authorization: "Bearer sk-ant-oat-client-secret",
      "x-api-key": "sk-ant-client-secret",
      cookie: "session=client",
      "x-claude-code-session-id": "abc",
      "x-stainless-os": "Linux",
      "anthropic-beta": "claude-code-20250219"
    })
    const [call] = await up.calls()
    expect(call!.headers["x-api-key"]).toBe("sk-stored-key-000111")
    expect(call!.headers["authorization"]).toBeUndefined()
    expect(call!.headers["cookie"]).toBeUndefined()
    expect(call!.headers["x-failover-token"]).toBeUndefined()
    expect(call!.headers["x-claude-code-session-id"]).toBeUndefined()
    expect(call!.headers["x-stainless-os"]).toBeUndefined()
    expect(call!.headers["anthropic-beta"]).toBe("claude-code-20250219")
    const everything = JSON.stringify(call!.headers) + call!.body
    expect(everything).not.toContain("client-secret")
    expect(everything).not.toContain(TOKEN)
  })

  it("use the provider's own headers, with {apiKey} filled in and no x-api-key when it sets authorization", async () => {
    const up = await keyedOnly({ headers: { authorization: "Bearer {apiKey}", "x-extra": "v" } })
    await post("/v1/messages", messagesBody(), { "x-failover-token": TOKEN })
    const [call] = await up.calls()
    expect(call!.headers["authorization"]).toBe("Bearer sk-stored-key-000111")
    expect(call!.headers["x-api-key"]).toBeUndefined()
    expect(call!.headers["x-extra"]).toBe("v")
  })
})

describe("model map", () => {
  const mapped = async (model: string) => {
    const up = await keyedOnly({
      models: { "claude-3-5-haiku-20241022": "exact-small", "claude-*-haiku-*": "glob-small", "claude-opus-*": "glob-large" }
    })
    await post("/v1/messages", messagesBody({ model }), { "x-failover-token": TOKEN })
    const [call] = await up.calls()
    return (JSON.parse(call!.body) as { model: string }).model
  }
  it("maps an exact key first", async () => expect(await mapped("claude-3-5-haiku-20241022")).toBe("exact-small"))
  it("then globs in document order", async () => {
    expect(await mapped("claude-4-haiku-x")).toBe("glob-small")
    expect(await mapped("claude-opus-5-5")).toBe("glob-large")
  })
  it("keeps the model when nothing matches", async () => expect(await mapped("claude-sonnet-4-5")).toBe("claude-sonnet-4-5"))

  it("changes only the model in the body sent to a keyed provider", async () => {
    const up = await keyedOnly({ models: { "*": "other" } })
    const body = messagesBody({ system: [{ type: "text", text: "s" }], metadata: { user_id: "u" }, thinking: { type: "adaptive" } })
    await post("/v1/messages", body, { "x-failover-token": TOKEN })
    const [call] = await up.calls()
    expect(JSON.parse(call!.body)).toEqual({ ...body, model: "other" })
  })
})

describe("GET on /v1 with a token only", () => {
  it("answers 401 when nothing can serve it", async () => {
    await keyedOnly()
    const r = await SELF.fetch("http://proxy/v1/files")
    expect(r.status).toBe(401)
  })
})
