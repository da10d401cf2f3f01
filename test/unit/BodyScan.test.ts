/**
 * The byte path's shortcuts pinned to the slow path: for generated Claude Code-like bodies, the scan
 * finds what JSON.parse finds (or says it cannot tell), and the bytes it edits parse to what
 * parse -> edit -> stringify gives.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { portableIndexOf } from "../../src/formats/anthropic/ByteSearch.js"
import { scan } from "../../src/formats/anthropic/BodyScan.js"
import { MessageBody, stripBillingCch } from "../../src/formats/anthropic/MessageBody.js"
import type { MessagesRequest } from "../../src/formats/anthropic/Messages.js"
import { foreignSignature, SIGNING_FORMATS } from "../../src/formats/ForeignThinking.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const fixtureText = readFileSync(new URL("../fixtures/claude-code-request.json", import.meta.url), "utf8")
const fixture = JSON.parse(fixtureText) as Record<string, unknown>

// Text with what makes byte scanning hard: quotes, backslashes, braces, non-ASCII, key-like words.
const tricky = fc.constantFrom("\"", "\\", "\\\"", "{", "}", "[", "]", ":", ",", "é", "日本", "🙂", "\"model\":", "\"stream\":true", "cch=x;", "\n", " ")
const text = fc.array(fc.oneof(fc.string({ maxLength: 12 }), tricky), { maxLength: 8 }).map((parts) => parts.join(""))
const key = fc.constantFrom("model", "stream", "system", "messages", "max_tokens", "name", "input", "type", "cfo1.")
/** Nested objects whose keys repeat the top-level names. */
const nested: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, text, fc.boolean(), fc.integer(), fc.constant(null), tie("object"), tie("array")),
  object: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  array: fc.array(tie("value"), { maxLength: 3 })
})).value

const block = fc.oneof(
  fc.record({ type: fc.constant("text"), text }),
  fc.record({ type: fc.constant("tool_use"), id: fc.string({ maxLength: 8 }), name: fc.constantFrom("Bash", "Task", "Read"), input: nested }),
  fc.record({ type: fc.constant("tool_result"), tool_use_id: fc.string({ maxLength: 8 }), content: text }),
  fc.record({
    type: fc.constant("thinking"),
    thinking: text,
    signature: fc.oneof(fc.base64String({ minLength: 4, maxLength: 40 }), fc.constantFrom(...SIGNING_FORMATS).map((f) => foreignSignature(f, "x")))
  })
)
const message = fc.record({ role: fc.constantFrom("user", "assistant"), content: fc.oneof(text, fc.array(block, { maxLength: 4 })) })
const billing = fc.record({
  cch: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{0,8}$/), { nil: undefined }),
  space: fc.boolean(),
  after: fc.constantFrom("", " cc_entrypoint=cli;", " tail \"quoted\"")
}).map(({ after, cch, space }) => `x-anthropic-billing-header: cc_version=2.1.0;${cch === undefined ? "" : `${space ? " " : ""}cch=${cch};`}${after}`)

/** A body with the members Claude Code sends, in any order, some left out, and a spacing style. */
const body = fc.record({
  model: fc.oneof(fc.constantFrom("claude-sonnet-4-5", "claude-opus-4-1"), text.filter((t) => t.length > 0)),
  messages: fc.array(message, { maxLength: 6 }),
  system: fc.option(fc.oneof(billing, fc.tuple(billing, text).map(([b, t]) => [{ type: "text", text: b }, { type: "text", text: t }])), { nil: undefined }),
  tools: fc.option(fc.array(fc.record({ name: fc.string({ maxLength: 6 }), input_schema: nested }), { maxLength: 3 }), { nil: undefined }),
  metadata: fc.option(fc.record({ user_id: text }), { nil: undefined }),
  max_tokens: fc.option(fc.integer({ min: 1, max: 64000 }), { nil: undefined }),
  stream: fc.option(fc.oneof(fc.boolean(), fc.constant(null)), { nil: undefined }),
  order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  indent: fc.constantFrom(undefined, 1, "\t")
}).map(({ indent, order, ...members }) => {
  const keys = Object.keys(members).map((k, i) => [k, order[i]!] as const).sort((a, b) => a[1] - b[1]).map(([k]) => k)
  const object: Record<string, unknown> = {}
  for (const k of keys) if ((members as Record<string, unknown>)[k] !== undefined) object[k] = (members as Record<string, unknown>)[k]
  return JSON.stringify(object, null, indent)
})

const expectAgreement = (json: string) => {
  const bytes = encoder.encode(json)
  const parsed = JSON.parse(json) as MessagesRequest & Record<string, unknown>
  const found = scan(bytes)
  if (found === undefined) return false
  expect(found.model).toBe(parsed.model)
  expect(found.stream).toBe(parsed.stream === true)
  expect(found.system === undefined).toBe(parsed.system === undefined)
  if (found.system !== undefined) expect(JSON.parse(decoder.decode(bytes.subarray(found.system.start, found.system.end)))).toEqual(parsed.system)
  expect(JSON.parse(decoder.decode(bytes.subarray(found.modelToken.start, found.modelToken.end)))).toBe(parsed.model)
  // A foreign signature is never missed (false alarms only cost a parse).
  if (SIGNING_FORMATS.some((f) => json.includes(`"${foreignSignature(f)}`))) expect(found.foreignThinking).toBe(true)
  return true
}

describe("BodyScan", () => {
  it("finds what JSON.parse finds, or says it cannot tell", () => {
    let scanned = 0
    fc.assert(
      fc.property(body, (json) => {
        if (expectAgreement(json)) scanned++
      }),
      { numRuns: 2000 }
    )
    // The shortcut is really taken for most bodies, not always given up.
    expect(scanned).toBeGreaterThan(1000)
  })

  it("reads the next turn right when it reuses what the last body ended with", () => {
    fc.assert(
      fc.property(body, fc.array(message, { maxLength: 4 }), billing, (json, messages, system) => {
        const first = JSON.parse(json) as Record<string, unknown>
        // Same key order and tail; a new conversation and billing block, as the next turn sends.
        const next = { ...first, messages, ...("system" in first ? { system } : {}) }
        expectAgreement(JSON.stringify(first))
        expectAgreement(JSON.stringify(next))
        expectAgreement(JSON.stringify({ ...next, model: "other" }))
      }),
      { numRuns: 1000 }
    )
  })

  it("cch removed in place parses to what parse -> edit -> stringify gives", () => {
    fc.assert(
      fc.property(body, (json) => {
        const message = new MessageBody(encoder.encode(json))
        if (message.scan === undefined) return
        const before = message.bytes.length
        message.stripBillingCch()
        expect(message.bytes.length).toBe(before)
        const original = JSON.parse(json) as MessagesRequest
        expect(JSON.parse(decoder.decode(message.bytes))).toEqual(JSON.parse(JSON.stringify(stripBillingCch(original) ?? original)))
      }),
      { numRuns: 2000 }
    )
  })

  it("a mapped model is spliced into the bytes, the rest unchanged", () => {
    fc.assert(
      fc.property(body, text, (json, model) => {
        const message = new MessageBody(encoder.encode(json))
        if (message.scan === undefined) return
        const original = JSON.parse(json) as MessagesRequest
        expect(JSON.parse(decoder.decode(message.withModel(model)))).toEqual({ ...original, model })
      }),
      { numRuns: 1000 }
    )
  })

  it("reads the real Claude Code request without parsing, and every layout of it", () => {
    const found = scan(encoder.encode(fixtureText))
    expect(found).toMatchObject({ model: fixture.model, stream: true, foreignThinking: false })
    expect(expectAgreement(JSON.stringify(fixture))).toBe(true)
    expect(expectAgreement(JSON.stringify(fixture, null, 2))).toBe(true)
    const { messages, ...rest } = fixture
    expect(expectAgreement(JSON.stringify({ ...rest, messages }))).toBe(true)
  })

  it("stops at a long conversation and still reads both ends", () => {
    const long: Record<string, unknown> = { ...fixture, messages: Array.from({ length: 400 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "x\"y".repeat(2000) })) }
    const json = JSON.stringify(long)
    expect(json.length).toBeGreaterThan(2_000_000)
    expect(expectAgreement(json)).toBe(true)
    // A member only in the middle cannot be ruled out there: the scan gives up rather than guess.
    const hidden = JSON.stringify({ model: "m", messages: long.messages, stream: true, tools: long.messages })
    expect(scan(encoder.encode(hidden))).toBeUndefined()
    const { stream: _stream, ...noStream } = long
    const withoutStream = JSON.stringify({ ...noStream, extra: 1 })
    expect(scan(encoder.encode(withoutStream))?.stream).toBe(false)
  })

  it("gives up on what only a parse can judge", () => {
    for (const json of ["[]", "{}", "{\"model\":\"m\"}", "{\"model\":1,\"messages\":[]}", "{\"model\":\"\",\"messages\":[]}", "{\"model\":\"m\",\"messages\":[]", "{\"mod\\u0065l\":\"m\",\"messages\":[]}", "{\"model\":\"a\",\"messages\":[],\"model\":\"b\"}", "not json"]) {
      expect(scan(encoder.encode(json))).toBeUndefined()
    }
  })

  it("the portable byte search agrees with the native one", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 3 }), (hay, needle) => {
        expect(portableIndexOf(hay, needle, 0, hay.length)).toBe(Buffer.from(hay).indexOf(Buffer.from(needle)))
      })
    )
  })
})
