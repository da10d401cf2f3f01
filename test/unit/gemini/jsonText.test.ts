import { describe, expect, it } from "@effect/vitest"
import type { MessagesRequest, Tool } from "../../../src/formats/anthropic/Messages.js"
import type { TranslateContext } from "../../../src/formats/Format.js"
import { GeminiFormat } from "../../../src/formats/gemini/index.js"
import { emptyPaths } from "../../../src/formats/gemini/jsonText.js"
import { toGeminiRequest } from "../../../src/formats/gemini/request.js"
import { scrubSchema } from "../../../src/formats/gemini/schema.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { geminiViolations } from "./geminiRules.js"
import { encoder, geminiSse, runStream } from "./helpers.js"

const ctx: TranslateContext = { provider: { name: "g", baseUrl: "https://g.test", apiKey: "k" }, model: "gemini-2.5-pro" }
const OBJECT_TEXT = "Write this JSON object as JSON text; it is parsed back into the object before the tool runs."
const ANY_TEXT = "Write this value as JSON text; it is parsed back into the value before the tool runs."

/** A tool with every kind of free-form node, and two without parameters. */
const TOOLS: ReadonlyArray<Tool> = [
  {
    name: "Configure",
    input_schema: {
      type: "object",
      properties: {
        name: { type: "string" },
        meta: { type: "object", description: "free-form metadata", additionalProperties: true },
        empty: { type: "object", properties: {} },
        args: { description: "any value" },
        list: { type: "array", items: { type: "object", additionalProperties: { type: "string" } } },
        maybe: { type: ["object", "null"] },
        nested: { type: "object", properties: { deep: { type: "object" } } }
      },
      required: ["name", "meta"]
    }
  },
  { name: "Now", input_schema: { type: "object" } },
  { name: "Ping", input_schema: { type: "object", properties: {}, additionalProperties: false } }
]

const request = (over: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "claude-opus-4",
  max_tokens: 1000,
  tools: TOOLS,
  messages: [{ role: "user", content: "go" }],
  ...over
})

/** What the model writes for Configure: the free-form values as JSON text. */
const ARGS = {
  name: "x",
  meta: '{"a":1,"b":{"c":[true]}}',
  empty: "{}",
  args: "[1,\"two\"]",
  list: ['{"k":"v"}', "{}"],
  maybe: null,
  nested: { deep: '{"z":0}' }
}
/** ...and what the client must see. */
const INPUT = { name: "x", meta: { a: 1, b: { c: [true] } }, empty: {}, args: [1, "two"], list: [{ k: "v" }, {}], maybe: null, nested: { deep: { z: 0 } } }

describe("free-form schema nodes as JSON text", () => {
  it("declares no OBJECT without properties and no untyped node anywhere; tools without arguments have no parameters", () => {
    const out = toGeminiRequest(request(), ctx)
    expect(geminiViolations(out, ctx.model)).toEqual([])
    const [configure, now, ping] = out.tools?.[0]?.functionDeclarations ?? []
    expect(now).toEqual({ name: "Now" })
    expect(ping).toEqual({ name: "Ping" })
    const props = configure?.parameters?.["properties"] as Record<string, unknown>
    expect(props["meta"]).toEqual({ type: "string", description: `free-form metadata\n\n(${OBJECT_TEXT})` })
    expect(props["empty"]).toEqual({ type: "string", description: OBJECT_TEXT })
    expect(props["args"]).toEqual({ type: "string", description: `any value\n\n(${ANY_TEXT})` })
    expect(props["list"]).toEqual({ type: "array", items: { type: "string", description: OBJECT_TEXT } })
    expect(props["maybe"]).toEqual({ type: "string", description: OBJECT_TEXT, nullable: true })
    expect(props["nested"]).toEqual({ type: "object", properties: { deep: { type: "string", description: OBJECT_TEXT } } })
    // Property names are data: all kept, and required still names them.
    expect(Object.keys(props)).toEqual(["name", "meta", "empty", "args", "list", "maybe", "nested"])
    expect(configure?.parameters?.["required"]).toEqual(["name", "meta"])
  })

  it("records where the text is, following properties, items and union branches", () => {
    const found = emptyPaths()
    scrubSchema({ type: "object", properties: { a: { anyOf: [{ type: "object" }, { type: "string" }] }, b: { type: "array" } } }, found)
    expect(found.props.get("a")?.here).toBe("object")
    expect(found.props.get("b")?.items?.here).toBe("any")
    expect(found.here).toBeUndefined()
  })

  it("decodes the text back into values in a non-streaming answer", () => {
    const t = GeminiFormat.translate(request(), ctx)
    const m = t.response({ candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "Configure", args: ARGS } }] }, finishReason: "STOP" }] })
    expect(m.content).toEqual([{ type: "tool_use", id: expect.any(String) as unknown, name: "Configure", input: INPUT }])
  })

  it("decodes the text back into values in a stream", async () => {
    const t = GeminiFormat.translate(request({ stream: true }), ctx)
    const frame = { candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "Configure", args: ARGS } }] }, finishReason: "STOP" }] }
    const { text } = await runStream([encoder.encode(geminiSse([frame]))], t.streamResponse())
    const checked = checkAnthropicStream(text)
    const json = checked.frames
      .map((f) => f.data as { type: string; delta?: { type: string; partial_json?: string } })
      .filter((d) => d.type === "content_block_delta" && d.delta?.type === "input_json_delta")
      .map((d) => d.delta?.partial_json ?? "")
      .join("")
    expect(JSON.parse(json)).toEqual(INPUT)
  })

  it("leaves what does not fit as the model wrote it: not JSON, or not an object where one is declared", () => {
    const t = GeminiFormat.translate(request(), ctx)
    const args = { name: "x", meta: "not json", empty: "[1]", args: "plain words", list: ["{broken"], nested: { deep: { already: "object" } } }
    const m = t.response({ candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "Configure", args } }] }, finishReason: "STOP" }] })
    expect((m.content[0] as { input: unknown }).input).toEqual(args)
  })

  it("writes the history's values as text again, so the model sees what it wrote", () => {
    const out = toGeminiRequest(
      request({
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Configure", input: INPUT }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "done" }] }
        ]
      }),
      ctx
    )
    const args = out.contents[1]?.parts[0]?.functionCall?.args
    expect(args).toEqual(ARGS)
    // And the way back gives the same input.
    const back = GeminiFormat.translate(request(), ctx).response({ candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "Configure", args } }] }, finishReason: "STOP" }] })
    expect((back.content[0] as { input: unknown }).input).toEqual(INPUT)
  })
})
