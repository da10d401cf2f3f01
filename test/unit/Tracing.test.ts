import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel } from "effect"
import { makeTracer, redactValue } from "../../src/Tracing.js"

describe("span log lines", () => {
  it.effect("never carry secret headers or a path access token", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      yield* Effect.void.pipe(
        Effect.withSpan("http.server", {
          attributes: {
            "url.full": "https://proxy.example/t/cfo_secret_token_123/v1/messages?beta=true",
            "url.path": "/t/cfo_secret_token_123/v1/messages",
            "http.request.header.x-api-key": "sk-ant-secret",
            "http.request.header.authorization": "Bearer sk-ant-oat-secret",
            "http.request.header.x-failover-token": "tok_secret",
            "http.request.header.user-agent": "claude-cli/2.1"
          }
        }),
        Effect.withTracer(makeTracer((l) => lines.push(l), LogLevel.Info))
      )
      expect(lines).toHaveLength(1)
      const line = lines[0]!
      for (const secret of ["cfo_secret_token_123", "sk-ant-secret", "sk-ant-oat-secret", "tok_secret"]) expect(line).not.toContain(secret)
      expect(JSON.parse(line)).toMatchObject({ "url.path": "/t/<redacted>/v1/messages", "http.request.header.user-agent": "claude-cli/2.1" })
    }))

  it("leaves other values alone", () => {
    expect(redactValue("/v1/messages")).toBe("/v1/messages")
    expect(redactValue(42)).toBe(42)
  })
})
