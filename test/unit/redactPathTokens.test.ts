import { describe, expect, it } from "@effect/vitest"
import { PassThrough } from "node:stream"
import { pipeRedacted, redactPathTokens } from "../../scripts/redact-path-tokens.mjs"

describe("npm start's log redaction", () => {
  it("hides access tokens in request paths and leaves the rest alone", () => {
    expect(redactPathTokens("[wrangler:info] POST /t/cfo_SECRET-token_1/v1/messages?beta=true 200 OK (812ms)"))
      .toBe("[wrangler:info] POST /t/<redacted>/v1/messages?beta=true 200 OK (812ms)")
    expect(redactPathTokens("HEAD /t/cfo_SECRET 200")).toBe("HEAD /t/<redacted> 200")
    expect(redactPathTokens("GET http://127.0.0.1:8787/t/abc/openai/x 200")).toBe("GET http://127.0.0.1:8787/t/<redacted>/openai/x 200")
    expect(redactPathTokens("[wrangler:info] Ready on http://127.0.0.1:8787")).toBe("[wrangler:info] Ready on http://127.0.0.1:8787")
  })

  it("passes a stream through line by line, a token split across chunks included", async () => {
    const input = new PassThrough()
    const output = new PassThrough()
    let text = ""
    output.on("data", (c: Buffer) => text += c.toString())
    pipeRedacted(input, output)
    input.write("POST /t/cfo_SEC")
    input.write("RET/v1/messages 200\nnext line\n")
    input.end()
    await new Promise((r) => setTimeout(r, 20))
    expect(text).toBe("POST /t/<redacted>/v1/messages 200\nnext line\n")
  })
})
