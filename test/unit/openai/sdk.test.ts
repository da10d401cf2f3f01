import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import type { MessagesRequest } from "../../../src/formats/anthropic/Messages.js"
import { foreignSignature } from "../../../src/formats/ForeignThinking.js"
import type { Translation } from "../../../src/formats/Format.js"
import { sdkReading } from "../sdkClient.js"
import { bytesStream, chunk, ctx, DONE, translate, usageChunk } from "./helpers.js"

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/claude-code-request.json", import.meta.url), "utf8")) as MessagesRequest
const enc = new TextEncoder()

const upstream = [
  ": OPENROUTER PROCESSING\n\n",
  chunk({ role: "assistant", reasoning_content: "Need to list." }),
  chunk({ content: "Listing " }),
  chunk({ content: "files." }),
  chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "Bash", arguments: "{\"command\":" } }] }),
  chunk({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "Read", arguments: "{\"file_path\":" } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: "\"ls -la\",\"description\":\"list\"}" } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: "\"/tmp/a\"}" } }] }),
  chunk({}, "tool_calls"),
  usageChunk(1200, 40, 1000),
  DONE
]

/** A client whose every request is answered with the translated stream. */
const client = (t: Translation) => sdkReading(bytesStream(upstream.map((s) => enc.encode(s))), t)

describe("the official Anthropic SDK consumes the translated stream", () => {
  it("sees thinking, text and both tool_use blocks with parsed input (real Claude Code request)", async () => {
    const t = translate(fixture, ctx({ maxTokens: 8192 }, "deepseek-chat"))
    const message = await client(t).messages.stream({ model: fixture.model, max_tokens: 100, messages: [{ role: "user", content: "hi" }] }).finalMessage()
    expect(message.model).toBe("claude-opus-5-5")
    expect(message.id).toBe("msg_chatcmpl-1")
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Need to list.", signature: foreignSignature("openai") },
      { type: "text", text: "Listing files." },
      { type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls -la", description: "list" } },
      { type: "tool_use", id: "call_2", name: "Read", input: { file_path: "/tmp/a" } }
    ])
    expect(message.stop_reason).toBe("tool_use")
    expect(message.usage).toMatchObject({ input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 40 })
  })

  it("surfaces a mid-stream upstream error as an SDK error", async () => {
    const t = translate(fixture, ctx())
    const broken = sdkReading(
      bytesStream([enc.encode(chunk({ content: "par" }) + `data: ${JSON.stringify({ error: { code: 529, message: "Overloaded" } })}\n\n`)]),
      t
    )
    await expect(broken.messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage()).rejects.toThrow(/Overloaded/)
  })
})
