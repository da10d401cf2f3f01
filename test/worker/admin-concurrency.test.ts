/**
 * Admin writes at the same moment never lose each other: 20 mixed writes fired at once (adds,
 * renames, deletes, token creates, a settings change, a toggle, one that must be refused); every
 * write acknowledged with 2xx is in the final document, the refused one left no trace, and the
 * document is valid. Runs against the Worker (the ConfigOwner Durable Object) and against Node (the
 * file, written one compare-and-swap at a time).
 */
import { SELF } from "cloudflare:test"
import { describe, expect, it } from "vitest"
import { ADMIN, putConfig, TOKEN } from "./helpers.js"

type Doc = {
  providers: Array<{ name: string; enabled?: boolean }>
  accessTokens: Array<{ token: string; note?: string }>
  settings: { maxRetryAfterMs: number }
}

const admin = (method: string, path: string, body?: unknown) =>
  SELF.fetch(`http://proxy/admin/api${path}`, {
    method,
    headers: { ...ADMIN, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

const provider = (name: string) => ({ name, format: "anthropic", baseUrl: `https://${name}.example.com` })

describe("admin writes at the same moment", () => {
  it("keeps every acknowledged write and nothing of a refused one", async () => {
    await putConfig({ providers: ["p0", "p1", "p2", "p3", "p4", "p5"].map(provider), accessTokens: [{ token: TOKEN }] })
    const writes: Array<{ what: string; send: () => Promise<Response> }> = [
      ...Array.from({ length: 8 }, (_, i) => ({ what: `add a${i}`, send: () => admin("POST", "/providers", provider(`a${i}`)) })),
      ...[1, 2, 3].map((i) => ({ what: `rename p${i}`, send: () => admin("PUT", `/providers/p${i}`, provider(`r${i}`)) })),
      { what: "delete p0", send: () => admin("DELETE", "/providers/p0") },
      { what: "delete p4", send: () => admin("DELETE", "/providers/p4") },
      ...Array.from({ length: 4 }, (_, i) => ({ what: `token n${i}`, send: () => admin("POST", "/tokens", { note: `n${i}` }) })),
      { what: "settings", send: () => admin("PUT", "/settings", { maxRetryAfterMs: 1234 }) },
      { what: "toggle p5", send: () => admin("PUT", "/providers/p5/enabled", { enabled: false }) },
      { what: "duplicate p5", send: () => admin("POST", "/providers", provider("p5")) }
    ]
    expect(writes).toHaveLength(20)
    const answers = await Promise.all(writes.map(async (w) => ({ what: w.what, response: await w.send() })))
    const statuses = await Promise.all(answers.map(async (a) => {
      await a.response.text()
      return { what: a.what, status: a.response.status }
    }))
    const refused = statuses.filter((s) => s.status >= 300).map((s) => s.what)
    expect(refused).toEqual(["duplicate p5"])

    const read = await admin("GET", "/config")
    expect(read.status).toBe(200)
    const doc = (await read.json()) as Doc
    const names = doc.providers.map((p) => p.name).sort()
    expect(names).toEqual(["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "p5", "r1", "r2", "r3"])
    expect(doc.providers.filter((p) => p.name === "p5")).toEqual([expect.objectContaining({ enabled: false })])
    expect(doc.accessTokens.map((t) => t.note).filter((n) => n !== undefined).sort()).toEqual(["n0", "n1", "n2", "n3"])
    expect(doc.accessTokens).toHaveLength(5)
    expect(doc.settings.maxRetryAfterMs).toBe(1234)
    // Valid as it stands: it can be written back unchanged.
    const { stored: _, ...again } = doc as Doc & { stored: boolean }
    expect((await admin("PUT", "/config", again)).status).toBe(200)
  })

  it("applies a write with If-Match only to the version it names: 412 for a stale one, nothing changed", async () => {
    await putConfig({ providers: ["p0", "p1"].map(provider) })
    const read = await admin("GET", "/config")
    const etag = read.headers.get("etag")!
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/)
    const doc = (await read.json()) as Doc & { etag: string }
    expect(doc.etag).toBe(etag)
    // Another tab writes first.
    const other = await admin("POST", "/providers", provider("other"))
    expect(other.status).toBe(201)
    const newer = other.headers.get("etag")!
    expect(newer).not.toBe(etag)
    const stale = await SELF.fetch("http://proxy/admin/api/config", {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json", "if-match": etag },
      body: JSON.stringify({ ...doc, providers: [provider("mine")] })
    })
    expect(stale.status, await stale.clone().text()).toBe(412)
    expect(await stale.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("changed since it was read") } })
    const staleItem = await SELF.fetch("http://proxy/admin/api/providers/p0/enabled", {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json", "if-match": etag },
      body: JSON.stringify({ enabled: false })
    })
    expect(staleItem.status).toBe(412)
    let now = (await (await admin("GET", "/config")).json()) as Doc & { etag: string }
    expect(now.providers.map((p) => p.name)).toEqual(["p0", "p1", "other"])
    expect(now.providers[0]!.enabled).toBe(true)
    // With the current ETag it goes through, and answers the next one.
    const current = await SELF.fetch("http://proxy/admin/api/config", {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json", "if-match": now.etag },
      body: JSON.stringify({ ...now, providers: [provider("mine")] })
    })
    expect(current.status).toBe(200)
    now = (await (await admin("GET", "/config")).json()) as Doc & { etag: string }
    expect(now.providers.map((p) => p.name)).toEqual(["mine"])
    expect(now.etag).not.toBe(etag)
    for (const path of ["/providers", "/tokens", "/settings"]) expect((await admin("GET", path)).headers.get("etag")).toBe(now.etag)
  })

  it("answers 409 to an item write that conflicts with the document as it now is", async () => {
    await putConfig({ providers: ["p0", "p1"].map(provider) })
    expect((await admin("POST", "/providers", provider("P1"))).status).toBe(409)
    expect((await admin("PUT", "/providers/p0", provider("p1"))).status).toBe(409)
    // Two renames of one provider at once: one wins, the other is told (409, or 404 once the first is through).
    const [a, b] = await Promise.all([admin("PUT", "/providers/p0", provider("x")), admin("PUT", "/providers/p0", provider("y"))])
    const statuses = [a.status, b.status].sort()
    expect(statuses[0]).toBe(200)
    expect([404, 409]).toContain(statuses[1])
    const names = ((await (await admin("GET", "/providers")).json()) as { providers: Array<{ name: string }> }).providers.map((p) => p.name)
    expect(names.filter((n) => n === "x" || n === "y")).toHaveLength(1)
    expect(names).not.toContain("p0")
  })
})
