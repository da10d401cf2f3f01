/**
 * A conversation's affinity: the same across its turns (Claude Code moves cache_control marks to the
 * newest message), different for a subagent or a parallel conversation of the same session.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { affinityOf, openingDigest, sessionInBody } from "../../../src/Pool/Affinity.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as {
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>
  metadata: { user_id: string }
}
const bytes = (body: unknown) => new TextEncoder().encode(JSON.stringify(body))
const marked = <T extends { content: Array<Record<string, unknown>> }>(m: T): T => ({
  ...m,
  content: m.content.map((b, i) => (i === m.content.length - 1 ? { ...b, cache_control: { type: "ephemeral" } } : b))
})

/** Turn 1: one user message, marked. Turn 2: the same opening unmarked, an answer, a new marked message. */
const turn1 = { ...fixture, messages: [marked(fixture.messages[0]!)] }
const turn2 = {
  ...fixture,
  messages: [fixture.messages[0]!, { role: "assistant", content: [{ type: "text", text: "done" }] }, marked({ role: "user", content: [{ type: "text", text: "and now?" }] })]
}
const subagent = { ...fixture, messages: [marked({ role: "user", content: [{ type: "text", text: "Find the files that define the chain" }] })] }

describe("Affinity", () => {
  it("is the same on every turn of a conversation: the cache_control marks do not count", () => {
    expect(openingDigest(bytes(turn1))).not.toBe(0)
    expect(openingDigest(bytes(turn1))).toBe(openingDigest(bytes(turn2)))
    const headers = new Headers({ "x-claude-code-session-id": "11111111-2222-4333-8444-555555555555" })
    expect(affinityOf(headers, bytes(turn1), undefined)).toBe(affinityOf(headers, bytes(turn2), undefined))
  })

  it("differs for a subagent of the same session (its own opening) and for another session", () => {
    const headers = new Headers({ "x-claude-code-session-id": "11111111-2222-4333-8444-555555555555" })
    const other = new Headers({ "x-claude-code-session-id": "99999999-2222-4333-8444-555555555555" })
    expect(affinityOf(headers, bytes(subagent), undefined)).not.toBe(affinityOf(headers, bytes(turn1), undefined))
    expect(affinityOf(other, bytes(turn1), undefined)).not.toBe(affinityOf(headers, bytes(turn1), undefined))
  })

  it("reads the session from metadata.user_id when the header is absent (JSON form and the older form)", () => {
    const json = { ...turn1, metadata: { user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: "abcdef01-2345-4678-9abc-def012345678" }) } }
    expect(sessionInBody(bytes(json))).toBe("abcdef01-2345-4678-9abc-def012345678")
    const old = { ...turn1, metadata: { user_id: "user_0123abcd_account__session_12345678-aaaa-4bbb-8ccc-dddddddddddd" } }
    expect(sessionInBody(bytes(old))).toBe("12345678-aaaa-4bbb-8ccc-dddddddddddd")
    // the header and the metadata name the same session: the same affinity
    const header = new Headers({ "x-claude-code-session-id": "abcdef01-2345-4678-9abc-def012345678" })
    expect(affinityOf(new Headers(), bytes(json), undefined)).toBe(affinityOf(header, bytes(json), undefined))
  })

  it("without a session: the caller and the opening", () => {
    const body = { messages: turn1.messages }
    expect(affinityOf(new Headers(), bytes(body), "token\na")).toBe(affinityOf(new Headers(), bytes({ messages: turn2.messages }), "token\na"))
    expect(affinityOf(new Headers(), bytes(body), "token\na")).not.toBe(affinityOf(new Headers(), bytes(body), "token\nb"))
  })

  it("a quoted \"messages\" inside a string is not the conversation; an unreadable body digests to 0", () => {
    const body = { system: "say \"messages\": [ {\"x\":1} ]", messages: turn1.messages }
    expect(openingDigest(bytes(body))).toBe(openingDigest(bytes({ messages: turn1.messages })))
    expect(openingDigest(new TextEncoder().encode("not json"))).toBe(0)
    expect(openingDigest(undefined)).toBe(0)
  })
})
