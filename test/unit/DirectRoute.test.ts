import { describe, expect, it } from "@effect/vitest"
import * as DirectRoute from "../../src/DirectRoute.js"

describe("direct routes", () => {
  it("parse the provider base from the path", () => {
    expect(DirectRoute.parse("/openai/api.groq.com/openai/v1/v1/messages")).toEqual({
      format: "openai",
      host: "api.groq.com",
      basePath: "/openai/v1",
      path: "/v1/messages"
    })
    expect(DirectRoute.parse("/gemini/generativelanguage.googleapis.com/v1/messages")).toMatchObject({ basePath: "", path: "/v1/messages" })
    expect(DirectRoute.parse("/v1/messages")).toBeUndefined()
    expect(DirectRoute.parse("/openai-responses/api.openai.com/v1/v1/messages")).toEqual({
      format: "openai-responses",
      host: "api.openai.com",
      basePath: "/v1",
      path: "/v1/messages"
    })
  })

  const guard = { enabled: true, hosts: ["api.groq.com", "127.0.0.1", "10.0.0.5"], allowPrivate: false }
  const target = (host: string) => DirectRoute.parse(`/openai/${host}/v1/v1/messages`)!

  it("refuse private and loopback hosts in a deployed Worker even when listed", () => {
    for (const host of ["127.0.0.1:9100", "10.0.0.5"]) {
      const r = DirectRoute.provider(target(host), "k", guard)
      expect(DirectRoute.isRefusal(r) && r.status).toBe(403)
    }
  })

  it("use https for public hosts and the caller's key", () => {
    const r = DirectRoute.provider(target("api.groq.com"), "gsk_x", guard)
    expect(DirectRoute.isRefusal(r)).toBe(false)
    expect(r).toMatchObject({ baseUrl: "https://api.groq.com/v1", apiKey: "gsk_x", format: "openai" })
  })

  it("need the caller's key", () => {
    const r = DirectRoute.provider(target("api.groq.com"), undefined, guard)
    expect(DirectRoute.isRefusal(r) && r.status).toBe(401)
  })

  it("read the key from x-api-key or Bearer", () => {
    expect(DirectRoute.callerKey(new Headers({ "x-api-key": "a" }))).toBe("a")
    expect(DirectRoute.callerKey(new Headers({ authorization: "Bearer b" }))).toBe("b")
  })
})
