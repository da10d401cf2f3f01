import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { expectSameForAnyCuts } from "../Rechunk.js"
import { chunk, DONE, runStream, usageChunk } from "./helpers.js"

const crlf = (s: string) => s.replace(/\n/g, "\r\n")

/** Upstream streams with multi-byte characters (2, 3 and 4 bytes) in text, reasoning and tool
 * arguments, CRLF line endings and comments: every byte boundary is a potential cut. */
const scenarios: ReadonlyArray<string> = [
  crlf([
    ": OPENROUTER PROCESSING\n\n",
    chunk({ role: "assistant", reasoning_content: "r\u00e9fl\u00e9chir \u{1F914}" }),
    chunk({ content: "caf\u00e9 \u65e5\u672c \u{1F600}" }),
    chunk({ tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "Write", arguments: "{\"t\":\"\u00e9" } }] }),
    chunk({ tool_calls: [{ index: 1, id: "c2", type: "function", function: { name: "Read", arguments: "{\"p\":\"\u{1F4C1}\"}" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: "\u{1F680}\"}" } }] }),
    chunk({}, "tool_calls"),
    usageChunk(120, 30, 100),
    DONE
  ].join("")),
  crlf([chunk({ content: "\u00e9\u00e9" }), ": keepalive\n\n", `data: ${JSON.stringify({ error: { code: 429, message: "trop \u00e9lev\u00e9" } })}\n\n`].join("")),
  crlf([chunk({ content: "cut \u{1F600}" }), chunk({ tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "A", arguments: "{" } }] })].join(""))
]

describe("OpenAI stream: re-chunking", () => {
  it("gives the same Anthropic stream for any byte boundaries (inside UTF-8 chars and CRLF too)", async () => {
    for (const scenario of scenarios) await expectSameForAnyCuts(scenario, (parts) => runStream(parts), 150)
  })
})

describe("OpenAI stream: arbitrary interleavings", () => {
  const jsonValue = fc.dictionary(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
    fc.oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null)),
    { maxKeys: 4 }
  )
  /** a string cut into 1..n fragments */
  const fragments = (s: string) =>
    fc.array(fc.integer({ min: 0, max: s.length }), { maxLength: 5 }).map((cuts) => {
      const pts = [...new Set([0, ...cuts, s.length])].sort((a, b) => a - b)
      return pts.slice(1).map((p, i) => s.slice(pts[i], p))
    })

  const scenario = fc
    .record({
      inputs: fc.array(jsonValue, { minLength: 1, maxLength: 3 }),
      text: fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
      indexes: fc.constantFrom("distinct", "zero", "none")
    })
    .chain(({ indexes, inputs, text }) =>
      fc.record({
        inputs: fc.constant(inputs),
        text: fc.constant(text),
        indexes: fc.constant(indexes),
        laneFragments: fc.tuple(fragments(text), ...inputs.map((i) => fragments(JSON.stringify(i)))),
        order: fc.array(fc.nat(), { maxLength: 60 })
      })
    )

  it("keeps the grammar and delivers every call's input and all text, however fragments interleave", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ indexes, inputs, laneFragments, order, text }) => {
        // merge the lanes in a random order, keeping each lane's own order
        const queues = laneFragments.map((f) => [...f])
        const events: Array<string> = []
        const started = new Set<number>()
        const emit = (lane: number) => {
          const frag = queues[lane]?.shift()
          if (frag === undefined) return
          if (lane === 0) {
            events.push(chunk({ content: frag }))
            return
          }
          const tool = lane - 1
          const first = !started.has(tool)
          started.add(tool)
          // "zero"/"none" upstreams only support calls that arrive one after another
          const index = indexes === "distinct" ? { index: tool } : indexes === "zero" ? { index: 0 } : {}
          const head = first || indexes === "none" ? { id: `call_${tool}`, type: "function" } : {}
          events.push(chunk({ tool_calls: [{ ...index, ...head, function: { ...(first ? { name: `T${tool}` } : {}), arguments: frag } }] }))
        }
        if (indexes === "distinct") for (const o of order) emit(o % queues.length)
        for (let lane = 0; lane < queues.length; lane++) while ((queues[lane]?.length ?? 0) > 0) emit(lane)
        events.push(chunk({}, "tool_calls"), usageChunk(1, 1), DONE)

        const r = checkAnthropicStream(await runStream(events))
        expect(r.end).toBe("message_stop")
        const content = r.message?.content ?? []
        // calls come out in the order they started
        const tools = content.filter((b) => b.type === "tool_use").sort((a, b) => String(a["id"]).localeCompare(String(b["id"])))
        expect(tools.map((b) => [b["id"], b["name"], b["input"] ?? {}])).toEqual(
          inputs.map((input, i) => [`call_${i}`, `T${i}`, input])
        )
        expect(content.filter((b) => b.type === "text").map((b) => String(b["text"])).join("")).toBe(text)
        expect(r.message?.stop_reason).toBe("tool_use")
      }),
      { numRuns: 300 }
    )
  })
})
