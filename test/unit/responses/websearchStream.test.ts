/**
 * Web search in a Responses stream -> Anthropic's stream grammar: server_tool_use as soon as the call
 * is done, its web_search_tool_result once the message after it says what it cites, cited text as
 * text blocks with citations_delta. Checked with the strict grammar checker and the official SDK,
 * and against the non-streaming translation of the same answer.
 */
import { describe, expect, it } from "@effect/vitest"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import type { Translation } from "../../../src/formats/Format.js"
import { checkAnthropicStream, parseAnthropicSse } from "../AnthropicGrammar.js"
import { sdkReading } from "../sdkClient.js"
import { bytesStream, Events, runStream, translate, usageOf, webSearchCall } from "./helpers.js"
import { A, B, C, cited, expectedContent, requestWith, result, searchResponse, searchTool } from "./searchData.js"

const enc = new TextEncoder()
const dec = new TextDecoder()
const ask = { model: "claude-opus-5-5", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] }
const streaming = (request: MessagesRequest = requestWith([searchTool()])): Translation => translate({ ...request, stream: true })

/** The SDK's final message for these upstream events. */
const final = (e: Events, t = streaming()) => sdkReading(bytesStream(e.frames.map((f) => enc.encode(f))), t).messages.stream(ask).finalMessage()

const search = (e: Events) => e.search(0, "ws_1", "effect durable objects", [A, B]).cited(1, "msg_1", cited.text, cited.annotations)

describe("Responses stream with web search -> Anthropic stream", () => {
  it("the official SDK reads server_tool_use, web_search_tool_result (with the URLs) and the cited text", async () => {
    const message = await final(search(new Events().created()).completed(usageOf(300, 50, 0)))
    expect(message.content).toEqual(expectedContent)
    expect(message.stop_reason).toBe("end_turn")
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 })
  })

  it("the strict grammar: input as {} then one input_json_delta, the result whole, citations before the text they cite", async () => {
    const checked = checkAnthropicStream(await runStream([search(new Events().created()).completed().text()], streaming()))
    expect(checked.end).toBe("message_stop")
    const starts = checked.frames.filter((f) => f.event === "content_block_start").map((f) => f.data["content_block"])
    expect(starts[0]).toEqual({ type: "server_tool_use", id: "srvtoolu_ws_1", name: "web_search", input: {} })
    expect(starts[1]).toEqual(expectedContent[1])
    expect(starts.slice(2)).toEqual(expectedContent.slice(2).map(() => ({ type: "text", text: "" })))
    const deltas = checked.frames.filter((f) => f.event === "content_block_delta").map((f) => f.data["delta"] as { type: string })
    expect(deltas.slice(0, 3).map((d) => d.type)).toEqual(["input_json_delta", "text_delta", "citations_delta"])
    expect(deltas[0]).toEqual({ type: "input_json_delta", partial_json: "{\"query\":\"effect durable objects\"}" })
    expect(checked.message!.content[0]).toMatchObject({ input: { query: "effect durable objects" } })
    const delta = checked.frames.find((f) => f.event === "message_delta")!.data
    expect(delta["usage"]).toMatchObject({ server_tool_use: { web_search_requests: 1 } })
  })

  it("the server_tool_use goes out when the call is done; the result and the text wait for the message's end", () => {
    const translator = streaming().streamTranslator()
    const out: Array<string> = []
    const e = search(new Events().created()).completed()
    const callDone = e.frames.findIndex((f) => f.includes("\"web_search_call\"") && f.includes("output_item.done"))
    const messageDone = e.frames.findIndex((f) => f.includes("output_item.done") && f.includes("\"msg_1\""))
    e.frames.forEach((f, i) => {
      const bytes = translator.push(enc.encode(f))
      out[i] = bytes === undefined ? "" : dec.decode(bytes)
    })
    const types = (from: number, to: number) => out.slice(from, to).flatMap((s) => (s === "" ? [] : parseAnthropicSse(s))).map((f) => f.data["content_block"] as { type: string } | undefined).filter((b) => b !== undefined).map((b) => b.type)
    expect(types(0, callDone + 1)).toEqual(["server_tool_use"])
    expect(types(callDone + 1, messageDone)).toEqual([])
    expect(types(messageDone, messageDone + 1)).toEqual(["web_search_tool_result", "text", "text", "text", "text", "text"])
  })

  it("max_uses bounds the searches; with reasoning between them and text before, the stream gives what the whole answer gives", async () => {
    const request = requestWith([searchTool({ max_uses: 2 })])
    const e = new Events().created()
      .message(0, "msg_0", "Let me search.")
      .search(1, "ws_1", "one", [A])
      .reasoning(2, "rs_1", ["Need more."], "ENC")
      .search(3, "ws_2", "two", [B])
      .search(4, "ws_3", "three", [C])
      .cited(5, "msg_1", cited.text, cited.annotations)
      .completed(usageOf(300, 50, 0))
    const streamed = await final(e, streaming(request))
    const whole = translate(request).response({
      id: "resp_1",
      status: "completed",
      output: [
        { id: "msg_0", type: "message", content: [{ type: "output_text", text: "Let me search.", annotations: [] }] },
        webSearchCall("ws_1", "one", [A]),
        { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "Need more." }], encrypted_content: "ENC" },
        webSearchCall("ws_2", "two", [B]),
        webSearchCall("ws_3", "three", [C]),
        searchResponse([]).output[0]!
      ],
      usage: usageOf(300, 50, 0)
    })
    expect(streamed.content).toEqual(whole.content)
    expect(streamed.content.map((b) => b.type)).toEqual(["text", "server_tool_use", "web_search_tool_result", "thinking", "server_tool_use", "web_search_tool_result", "text", "text", "text", "text", "text"])
    // the first search's result had no message right after it: its sources, titled by the citations
    expect(streamed.content[2]).toMatchObject({ content: [result(A, "Page A")] })
    expect(streamed.content[5]).toMatchObject({ content: [result(B, B), result(C, "Only cited")] })
    expect(streamed.usage.server_tool_use).toEqual({ web_search_requests: 2 })
  })

  it("an answer cut off in its text: the held text is written from the deltas and their annotations", async () => {
    const e = new Events().created().search(0, "ws_1", "effect durable objects", [A, B]).cited(1, "msg_1", cited.text, cited.annotations, false).incomplete("max_output_tokens")
    const message = await final(e)
    expect(message.content).toEqual(expectedContent)
    expect(message.stop_reason).toBe("max_tokens")
  })

  it("a server that streams no item events: the finished output gives the same blocks", async () => {
    const e = new Events().created().completed(usageOf(300, 50, 0), { output: searchResponse().output })
    expect((await final(e)).content).toEqual(expectedContent)
  })

  it("a failure while the result waits: the error ends the stream, nothing held is sent", async () => {
    const e = new Events().created().search(0, "ws_1", "q", [A]).ev("error", { code: "server_error", message: "search broke" })
    const checked = checkAnthropicStream(await runStream([e.text()], streaming()))
    expect(checked.end).toBe("error")
    expect(checked.message!.content.map((b) => b.type)).toEqual(["server_tool_use"])
    await expect(final(e)).rejects.toThrow(/search broke/)
  })

  it("a search without sources (include not honoured): the result holds what the text cites", async () => {
    const e = new Events().created().search(0, "ws_1", "q", undefined).cited(1, "msg_1", cited.text, cited.annotations).completed()
    const message = await final(e)
    expect(message.content[1]).toEqual({ type: "web_search_tool_result", tool_use_id: "srvtoolu_ws_1", content: [result(A, "Page A"), result(C, "Only cited")] })
  })
})
