import { describe, expect, it } from "@effect/vitest"
import { reasoningItem, providerTag, reasoningSignature } from "../../../src/formats/responses/reasoning.js"
import { shortToolName } from "../../../src/formats/openai/toolNames.js"
import { checkAnthropicStream } from "../AnthropicGrammar.js"
import { baseRequest, ctx, Events, runStream, translate, usageOf } from "./helpers.js"

const tag = providerTag(ctx().provider)
const run = (e: Events, request = baseRequest({ stream: true })) => runStream([e.text()], translate(request)).then(checkAnthropicStream)

describe("Responses stream -> Anthropic stream", () => {
  it("translates reasoning, text and a function call with one index counter, arguments sent once", async () => {
    const args = "{\"command\":\"ls -la\",\"description\":\"list files\"}"
    const e = new Events().created()
      .reasoning(0, "rs_1", ["Plan the listing.", "Then run it."], "gAAAAencrypted==")
      .message(1, "msg_1", "Listing the files now.")
      .call(2, "fc_1", "call_1", "Bash", args)
      .completed(usageOf(1200, 40, 1000))
    const checked = await run(e)
    expect(checked.end).toBe("message_stop")
    const message = checked.message!
    expect(message.id).toBe("msg_resp_1")
    expect(message.model).toBe("claude-sonnet-4-5")
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Plan the listing.\n\nThen run it.", signature: reasoningSignature(tag, { id: "rs_1", encryptedContent: "gAAAAencrypted==" }) },
      { type: "text", text: "Listing the files now." },
      { type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls -la", description: "list files" } }
    ])
    expect(message.stop_reason).toBe("tool_use")
    // usage on message_delta, cached input apart (Claude Code's auto-compact reads it)
    const delta = checked.frames.find((f) => f.event === "message_delta")!.data
    expect(delta["usage"]).toEqual({ input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 40 })
    // the arguments, repeated whole in .done and output_item.done, were sent exactly once
    const partial = checked.frames.filter((f) => f.event === "content_block_delta" && (f.data["delta"] as { type: string }).type === "input_json_delta")
      .map((f) => (f.data["delta"] as { partial_json: string }).partial_json).join("")
    expect(partial).toBe(args)
    expect(checked.frames.filter((f) => f.event === "content_block_start").map((f) => f.data["index"])).toEqual([0, 1, 2])
  })

  it("signs reasoning that was only encrypted (no summary asked for) and gives it back to the same provider only", async () => {
    const e = new Events().created().reasoning(0, "rs_9", [], "ENC").message(1, "msg_1", "ok").completed()
    const checked = await run(e)
    const [thinking] = checked.message!.content
    expect(thinking).toEqual({ type: "thinking", thinking: "", signature: reasoningSignature(tag, { id: "rs_9", encryptedContent: "ENC" }) })
    expect(reasoningItem(tag, thinking!["signature"] as string)).toEqual({ id: "rs_9", encryptedContent: "ENC" })
    expect(reasoningItem(providerTag({ ...ctx().provider, apiKey: "sk-other" }), thinking!["signature"] as string)).toBeUndefined()
  })

  it("does not open a block for a reasoning item that carries nothing", async () => {
    const e = new Events().created().reasoning(0, "rs_1", [], undefined).message(1, "msg_1", "hello").completed()
    const checked = await run(e)
    expect(checked.message!.content).toEqual([{ type: "text", text: "hello" }])
  })

  it("takes vLLM's reasoning_text deltas as thinking", async () => {
    const e = new Events().created()
      .ev("response.output_item.added", { output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } })
      .ev("response.reasoning_text.delta", { item_id: "rs_1", output_index: 0, content_index: 0, delta: "hmm" })
      .ev("response.output_item.done", { output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "hmm" }] } })
      .message(1, "msg_1", "done").completed()
    const checked = await run(e)
    expect(checked.message!.content[0]).toMatchObject({ type: "thinking", thinking: "hmm" })
  })

  it("turns a refusal into text with stop_reason refusal", async () => {
    const checked = await run(new Events().created().message(0, "msg_1", "I can't help with that.", true).completed())
    expect(checked.message!.content).toEqual([{ type: "text", text: "I can't help with that." }])
    expect(checked.message!.stop_reason).toBe("refusal")
  })

  it("maps incomplete responses: max_output_tokens -> max_tokens, content_filter -> refusal", async () => {
    const long = await run(new Events().created().message(0, "msg_1", "cut sho").incomplete("max_output_tokens"))
    expect(long.message!.stop_reason).toBe("max_tokens")
    const filtered = await run(new Events().created().message(0, "msg_1", "no").incomplete("content_filter"))
    expect(filtered.message!.stop_reason).toBe("refusal")
  })

  it("maps shortened tool names back to Claude Code's names", async () => {
    const long = `mcp__${"server".repeat(8)}__read_everything_here`
    const request = baseRequest({ stream: true, tools: [{ name: long, input_schema: { type: "object" } }] })
    const e = new Events().created().call(0, "fc_1", "call_1", shortToolName(long), "{}").completed()
    const checked = await runStream([e.text()], translate(request)).then(checkAnthropicStream)
    expect(checked.message!.content[0]).toMatchObject({ type: "tool_use", name: long, input: {} })
  })

  it("builds the answer from response.completed's output when no item events came", async () => {
    const output = [
      { id: "msg_1", type: "message", role: "assistant", content: [{ type: "output_text", text: "whole", annotations: [] }] },
      { id: "fc_1", type: "function_call", call_id: "call_7", name: "Read", arguments: "{\"file_path\":\"/a\"}" }
    ]
    const checked = await run(new Events().created().completed(usageOf(10, 5, 0), { output }))
    expect(checked.message!.content).toEqual([
      { type: "text", text: "whole" },
      { type: "tool_use", id: "call_7", name: "Read", input: { file_path: "/a" } }
    ])
    expect(checked.message!.stop_reason).toBe("tool_use")
  })

  it("does not duplicate arguments that arrive only in the done events", async () => {
    const e = new Events().created()
      .ev("response.output_item.added", { output_index: 0, item: { id: "fc_1", type: "function_call", arguments: "", call_id: "call_1", name: "Bash" } })
      .ev("response.function_call_arguments.done", { item_id: "fc_1", output_index: 0, arguments: "{\"a\":1}" })
      .ev("response.output_item.done", { output_index: 0, item: { id: "fc_1", type: "function_call", arguments: "{\"a\":1}", call_id: "call_1", name: "Bash" } })
      .completed()
    const checked = await run(e)
    expect(checked.message!.content).toEqual([{ type: "tool_use", id: "call_1", name: "Bash", input: { a: 1 } }])
  })
})

describe("Responses stream: errors after HTTP 200", () => {
  it("an error event before any content is an error frame the stream gate fails over from", async () => {
    const e = new Events().created().ev("error", { code: "server_error", message: "The server had an error", param: null })
    const checked = await run(e)
    expect(checked.end).toBe("error")
    expect(checked.error).toEqual({ type: "api_error", message: "The server had an error" })
    expect(checked.frames.some((f) => f.event === "content_block_start")).toBe(false)
  })

  it("rate limits in-band become rate_limit_error", async () => {
    const checked = await run(new Events().created().ev("error", { code: "rate_limit_exceeded", message: "slow down" }))
    expect(checked.error?.type).toBe("rate_limit_error")
  })

  it("response.failed after content ends the stream with an error event, never a message_stop", async () => {
    const e = new Events().created().message(0, "msg_1", "partial answer")
      .ev("response.failed", { response: { id: "resp_1", status: "failed", error: { code: "server_error", message: "boom" }, output: [] } })
    const checked = await run(e)
    expect(checked.end).toBe("error")
    expect(checked.message!.content).toEqual([{ type: "text", text: "partial answer" }])
    expect(checked.error).toEqual({ type: "api_error", message: "boom" })
  })

  it("context_length_exceeded in-band becomes Anthropic's context-limit 400 wording", async () => {
    const e = new Events().created().ev("response.failed", {
      response: { id: "resp_1", status: "failed", error: { code: "context_length_exceeded", message: "Your input exceeds the context window of this model. Please adjust your input and try again." } }
    })
    const checked = await run(e)
    expect(checked.error?.type).toBe("invalid_request_error")
    expect(checked.error?.message).toMatch(/^prompt is too long: Your input exceeds the context window/)
  })

  it("a stream cut before response.completed ends with an error frame", async () => {
    const checked = await run(new Events().created().message(0, "msg_1", "half"))
    expect(checked.end).toBe("error")
    expect(checked.error?.message).toMatch(/ended before the response was complete/)
  })

  it("garbage in the stream is an error frame", async () => {
    const checked = await runStream(["event: response.created\ndata: {not json\n\n"], translate(baseRequest({ stream: true }))).then(checkAnthropicStream)
    expect(checked.end).toBe("error")
  })
})
