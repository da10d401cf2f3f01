/**
 * A write the store refuses (here: a document too large for the Durable Object's storage, 2 MB per
 * value) answers 503 and leaves the previous document in force; nothing half-written is ever read.
 * Worker only (the Node run leaves it out: a file takes any size; test/unit/AdminUpdate covers Node's
 * side with a store that fails).
 */
import { env, SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { ADMIN, putConfig } from "./helpers.js"

describe("a write the store refuses", () => {
  it("answers 503 and changes nothing", async () => {
    const before = { providers: [{ name: "before", format: "anthropic", baseUrl: "https://before.example.com" }] }
    await putConfig(before)
    const kvBefore = await env.CONFIG.get("config")
    const huge = { providers: [{ ...before.providers[0], name: "after", headers: { "x-pad": "x".repeat(3 * 1024 * 1024) } }] }
    const r = await SELF.fetch("http://proxy/admin/api/config", {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(huge)
    })
    expect(r.status).toBe(503)
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("api_error")
    const read = (await (await SELF.fetch("http://proxy/admin/api/config", { headers: ADMIN })).json()) as typeof before
    expect(read.providers.map((p) => p.name)).toEqual(["before"])
    expect(await env.CONFIG.get("config")).toBe(kvBefore)
  })
})
