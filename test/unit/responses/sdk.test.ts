/**
 * The official Anthropic SDK reading translated Responses streams exactly as the proxy produces
 * them: a translation is right when the real client accepts it.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { providerTag, reasoningSignature } from "../../../src/formats/responses/reasoning.js"
import { sdkReading } from "../sdkClient.js"
import { bytesStream, ctx, Events, translate, usageOf } from "./helpers.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest
const enc = new TextEncoder()
const ask = { model: "claude-opus-5-5", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] }

const read = (e: Events) => {
  const t = translate(fixture, ctx({}, "gpt-5"))
  return sdkReading(bytesStream(e.frames.map((f) => enc.encode(f))), t)
}

describe("the official Anthropic SDK consumes translated Responses streams", () => {
  it("reasoning, text and two function calls", async () => {
    const e = new Events().created()
      .reasoning(0, "rs_1", ["Need to look."], "ENC")
      .message(1, "msg_1", "Looking.")
      .call(2, "fc_1", "call_1", "Bash", "{\"command\":\"ls\",\"description\":\"list\"}")
      .call(3, "fc_2", "call_2", "Read", "{\"file_path\":\"/tmp/a\"}")
      .completed(usageOf(1200, 40, 1000))
    const message = await read(e).messages.stream(ask).finalMessage()
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Need to look.", signature: reasoningSignature(providerTag(ctx().provider), { id: "rs_1", encryptedContent: "ENC" }) },
      { type: "text", text: "Looking." },
      { type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls", description: "list" } },
      { type: "tool_use", id: "call_2", name: "Read", input: { file_path: "/tmp/a" } }
    ])
    expect(message.stop_reason).toBe("tool_use")
    expect(message.usage).toMatchObject({ input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 40 })
  })

  it("refusal and incomplete answers", async () => {
    const refused = await read(new Events().created().message(0, "m", "No.", true).completed()).messages.stream(ask).finalMessage()
    expect(refused.stop_reason).toBe("refusal")
    const cut = await read(new Events().created().message(0, "m", "abc").incomplete("max_output_tokens")).messages.stream(ask).finalMessage()
    expect(cut.stop_reason).toBe("max_tokens")
  })

  it("an in-band failure reaches the SDK as an API error", async () => {
    const e = new Events().created().message(0, "m", "part").ev("error", { code: "server_error", message: "upstream broke" })
    await expect(read(e).messages.stream(ask).finalMessage()).rejects.toThrow(/upstream broke/)
  })
})
