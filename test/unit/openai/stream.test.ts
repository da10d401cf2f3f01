import { describe, expect, it } from "@effect/vitest"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import { ChatStreamTranslator } from "../../../src/formats/openai/stream.js"
import { ToolNames, shortToolName } from "../../../src/formats/openai/toolNames.js"
import { SseParser } from "../../../src/formats/Sse.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { baseRequest, bytesStream, chunk, DONE, frame, runStream, translate, usageChunk } from "./helpers.js"

const SIG = foreignSignature("openai")
const call = (index: number | undefined, id: string | undefined, name: string | undefined, args: string) => ({
  ...(index === undefined ? {} : { index }),
  ...(id === undefined ? {} : { id, type: "function" }),
  function: { ...(name === undefined ? {} : { name }), arguments: args }
})

const check = async (chunks: ReadonlyArray<string>) => checkAnthropicStream(await runStream(chunks))
const blocks = async (chunks: ReadonlyArray<string>) => (await check(chunks)).message?.content

describe("OpenAI stream: golden", () => {
  it("translates a text answer frame by frame", async () => {
    const out = await runStream([
      ": OPENROUTER PROCESSING\n\n",
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      usageChunk(10, 2, 4),
      DONE
    ])
    expect(checkAnthropicStream(out).frames.map((f) => f.data)).toEqual([
      {
        type: "message_start",
        message: {
          id: "msg_chatcmpl-1",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 }
        }
      },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { input_tokens: 6, cache_read_input_tokens: 4, output_tokens: 2 } },
      { type: "message_stop" }
    ])
  })

  it("maps finish reasons", async () => {
    const stop = async (f: string) => (await check([chunk({ content: "x" }), chunk({}, f), DONE])).message?.stop_reason
    expect(await stop("stop")).toBe("end_turn")
    expect(await stop("length")).toBe("max_tokens")
    expect(await stop("content_filter")).toBe("refusal")
    expect(await stop("tool_calls")).toBe("tool_use")
  })

  it("enqueues once per upstream chunk", async () => {
    const t = translate(baseRequest({ stream: true }))
    const enc = new TextEncoder()
    const reader = bytesStream([chunk({ content: "a" }), chunk({ content: "b" }), chunk({}, "stop") + usageChunk(1, 1) + DONE].map((s) => enc.encode(s)))
      .pipeThrough(t.streamResponse()).getReader()
    let n = 0
    for (let r = await reader.read(); !r.done; r = await reader.read()) n++
    expect(n).toBe(3)
  })
})

describe("OpenAI stream: traps", () => {
  it("parallel tool calls with interleaved indexes are never interleaved and lose nothing", async () => {
    const r = await check([
      chunk({ content: "Both:" }),
      chunk({ tool_calls: [call(0, "call_a", "Read", "{\"pa")] }),
      chunk({ tool_calls: [call(1, "call_b", "Bash", "{\"comm")] }),
      chunk({ tool_calls: [call(0, undefined, undefined, "th\":\"/x\"}")] }),
      chunk({ tool_calls: [call(1, undefined, undefined, "and\":\"ls\"}")] }),
      chunk({ tool_calls: [call(2, "call_c", "Glob", "{\"p\":")] }),
      chunk({ tool_calls: [call(2, undefined, undefined, "1}")] }),
      chunk({}, "tool_calls"),
      usageChunk(5, 5),
      DONE
    ])
    expect(r.message?.content).toEqual([
      { type: "text", text: "Both:" },
      { type: "tool_use", id: "call_a", name: "Read", input: { path: "/x" } },
      { type: "tool_use", id: "call_b", name: "Bash", input: { command: "ls" } },
      { type: "tool_use", id: "call_c", name: "Glob", input: { p: 1 } }
    ])
    expect(r.message?.stop_reason).toBe("tool_use")
  })

  it("streams sequential calls live instead of holding them to the end", () => {
    const t = new ChatStreamTranslator("m", new ToolNames(), baseRequest())
    const p = new SseParser()
    const enc = new TextEncoder()
    const step = (s: string) => t.push(p.push(enc.encode(s))).map((e) => e.type === "content_block_delta" ? `${e.type}:${e.index}` : e.type)
    expect(step(chunk({ tool_calls: [call(0, "a", "Read", "{\"x\":")] }))).toEqual(["message_start", "content_block_start", "content_block_delta:0"])
    expect(step(chunk({ tool_calls: [call(0, undefined, undefined, "1}")] }))).toEqual(["content_block_delta:0"])
    expect(step(chunk({ tool_calls: [call(1, "b", "Read", "{\"y\":")] }))).toEqual(["content_block_stop", "content_block_start", "content_block_delta:1"])
  })

  it("all calls as index 0 (or no index) with distinct ids are separate blocks", async () => {
    expect(await blocks([
      chunk({ tool_calls: [call(0, "call_1", "Read", "{\"a\":")] }),
      chunk({ tool_calls: [call(0, undefined, undefined, "1}")] }),
      chunk({ tool_calls: [call(0, "call_2", "Read", "{\"a\":2}")] }),
      chunk({ tool_calls: [call(undefined, "call_3", "Bash", "{\"c\"")] }),
      chunk({ tool_calls: [call(undefined, undefined, undefined, ":3}")] }),
      chunk({}, "tool_calls"),
      DONE
    ])).toEqual([
      { type: "tool_use", id: "call_1", name: "Read", input: { a: 1 } },
      { type: "tool_use", id: "call_2", name: "Read", input: { a: 2 } },
      { type: "tool_use", id: "call_3", name: "Bash", input: { c: 3 } }
    ])
  })

  it("two deltas for one index in one chunk", async () => {
    expect(await blocks([
      chunk({ tool_calls: [call(0, "call_1", "Write", ""), call(0, undefined, undefined, "{\"f\":")] }),
      chunk({ tool_calls: [call(0, undefined, undefined, "\"a\""), call(0, undefined, undefined, "}")] }),
      chunk({}, "tool_calls"),
      DONE
    ])).toEqual([{ type: "tool_use", id: "call_1", name: "Write", input: { f: "a" } }])
  })

  it("usage after the finish chunk is held for message_delta", async () => {
    const r = await check([chunk({ content: "x" }), chunk({}, "stop"), usageChunk(1000, 50, 800), DONE])
    expect(r.message?.usage).toEqual({ input_tokens: 200, output_tokens: 50, cache_read_input_tokens: 800 })
  })

  it("reasoning then a tool call: a signed thinking block, then the tool_use", async () => {
    const r = await check([
      chunk({ role: "assistant", reasoning_content: "Let me " }),
      chunk({ reasoning_content: "check." }),
      chunk({ tool_calls: [call(0, "call_1", "Bash", "{\"command\":\"ls\"}")] }),
      chunk({}, "tool_calls"),
      DONE
    ])
    expect(r.message?.content).toEqual([
      { type: "thinking", thinking: "Let me check.", signature: SIG },
      { type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls" } }
    ])
  })

  it("reads OpenRouter reasoning and reasoning_details without doubling", async () => {
    expect(await blocks([
      chunk({ reasoning: "a", reasoning_details: [{ type: "reasoning.text", text: "a" }] }),
      chunk({ reasoning_details: [{ type: "reasoning.text", text: "b" }] }),
      chunk({ content: "done" }),
      chunk({}, "stop"),
      DONE
    ])).toEqual([{ type: "thinking", thinking: "ab", signature: SIG }, { type: "text", text: "done" }])
  })

  it("text arriving while an incomplete call is open waits, then follows as its own block", async () => {
    expect(await blocks([
      chunk({ tool_calls: [call(0, "c1", "Read", "{\"a\":")] }),
      chunk({ content: "by the way" }),
      chunk({ tool_calls: [call(0, undefined, undefined, "1}")] }),
      chunk({ content: "!" }),
      chunk({}, "tool_calls"),
      DONE
    ])).toEqual([
      { type: "tool_use", id: "c1", name: "Read", input: { a: 1 } },
      { type: "text", text: "by the way!" }
    ])
  })

  it("long tool names are mapped back in streams", async () => {
    const long = `mcp__${"server".repeat(10)}__tool.name`
    const t = translate(baseRequest({ stream: true, tools: [{ name: long, input_schema: { type: "object" } }] }))
    const out = checkAnthropicStream(await runStream([
      chunk({ tool_calls: [call(0, "c", shortToolName(long), "{}")] }),
      chunk({}, "tool_calls"),
      DONE
    ], t))
    expect(out.message?.content).toEqual([{ type: "tool_use", id: "c", name: long, input: {} }])
  })

  it("OpenRouter: comments are ignored and a mid-stream error becomes an error frame that ends the stream", async () => {
    const r = await check([
      ": OPENROUTER PROCESSING\n\n",
      chunk({ content: "par" }),
      ": OPENROUTER PROCESSING\n\n",
      frame({ id: "x", object: "chat.completion.chunk", error: { code: 502, message: "Provider returned error" }, choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }] }),
      chunk({ content: "ignored" }),
      DONE
    ])
    expect(r.end).toBe("error")
    expect(r.error).toEqual({ type: "api_error", message: "Provider returned error" })
    expect(r.message?.content).toEqual([{ type: "text", text: "par" }])
  })

  it("maps mid-stream error types", async () => {
    const err = async (error: Record<string, unknown>) => (await check([frame({ error })])).error
    expect(await err({ code: 429, message: "slow down" })).toEqual({ type: "rate_limit_error", message: "slow down" })
    expect(await err({ code: 529, message: "busy" })).toEqual({ type: "overloaded_error", message: "busy" })
    expect(await err({ type: "overloaded_error", message: "busy" })).toEqual({ type: "overloaded_error", message: "busy" })
    expect(await err({ type: "server_error", message: "oops" })).toEqual({ type: "api_error", message: "oops" })
    expect((await check([chunk({ content: "x" }), chunk({}, "error")])).error?.type).toBe("api_error")
  })

  it("an `event: error` frame is an error even without an error field", async () => {
    const r = await check([chunk({ content: "x" }), "event: error\ndata: {\"message\":\"upstream overloaded\"}\n\n"])
    expect(r.error).toEqual({ type: "api_error", message: "upstream overloaded" })
  })

  it("a context overflow inside the stream gets Anthropic's wording", async () => {
    const message = "This model's maximum context length is 1000 tokens. However, you requested 1500 tokens (1400 in the messages, 100 in the completion)."
    const r = await check([frame({ error: { message, code: "context_length_exceeded" } })])
    expect(r.error?.type).toBe("invalid_request_error")
    expect(r.error?.message).toContain("1400 + 100 > 1000")
  })

  it("non-JSON data becomes an api_error frame", async () => {
    const r = await check([chunk({ content: "x" }), "data: <html>502 Bad Gateway</html>\n\n", DONE])
    expect(r.end).toBe("error")
    expect(r.error?.type).toBe("api_error")
  })

  it("a stream cut without finish_reason or [DONE] ends with an error, never a made-up message_stop", async () => {
    const r = await check([chunk({ content: "half" }), chunk({ tool_calls: [call(0, "c", "Read", "{\"a\"")] })])
    expect(r.end).toBe("error")
    expect(r.frames.some((f) => f.event === "message_stop")).toBe(false)
    expect((await check([])).end).toBe("error")
  })

  it("a stream with finish_reason but no [DONE] closes normally", async () => {
    const r = await check([chunk({ content: "ok" }), chunk({}, "stop"), usageChunk(3, 1)])
    expect(r.end).toBe("message_stop")
    expect(r.message?.usage).toMatchObject({ input_tokens: 3, output_tokens: 1 })
  })

  it("an unfinished call is delivered at finish, after the live one completes", async () => {
    // call b's fragments all arrive while a is incomplete; b cannot open until a is done
    expect(await blocks([
      chunk({ tool_calls: [call(0, "a", "A", "{\"x\":")] }),
      chunk({ tool_calls: [call(1, "b", "B", "{\"y\":2}")] }),
      chunk({ tool_calls: [call(0, undefined, undefined, "1}")] }),
      chunk({}, "tool_calls"),
      DONE
    ])).toEqual([
      { type: "tool_use", id: "a", name: "A", input: { x: 1 } },
      { type: "tool_use", id: "b", name: "B", input: { y: 2 } }
    ])
  })
})
