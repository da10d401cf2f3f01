import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel } from "effect"
import { layer, makeTracer, redactValue } from "../../src/Tracing.js"

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

  it.effect("writes one line per request at info: its server span; inner spans at debug, failed ones at warning", () =>
    Effect.gen(function*() {
      const run = (level: LogLevel.LogLevel) =>
        Effect.gen(function*() {
          const lines: Array<string> = []
          yield* Effect.void.pipe(
            Effect.withSpan("Chain.run"),
            Effect.zipRight(Effect.fail("boom").pipe(Effect.withSpan("Provider.send"), Effect.ignore)),
            Effect.withSpan("Proxy.request", { kind: "server" }),
            Effect.withTracer(makeTracer((l) => lines.push(l), level))
          )
          return lines.map((l) => JSON.parse(l) as { span: string; level: string; parent_id?: string; span_id: string; trace_id: string })
        })
      const info = yield* run(LogLevel.Info)
      expect(info.map((l) => [l.span, l.level])).toEqual([["Provider.send", "warn"], ["Proxy.request", "info"]])
      const debug = yield* run(LogLevel.Debug)
      expect(debug.map((l) => [l.span, l.level])).toEqual([["Chain.run", "debug"], ["Provider.send", "warn"], ["Proxy.request", "info"]])
      const root = debug[2]!
      for (const child of debug.slice(0, 2)) expect(child).toMatchObject({ parent_id: root.span_id, trace_id: root.trace_id })
      expect(root.trace_id).toMatch(/^[0-9a-f]{32}$/)
    }))

  it.effect("writes log lines (a provider that failed) to the same sink, at the level set", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      yield* Effect.logWarning("provider failed").pipe(
        Effect.annotateLogs({ provider: "anthropic", reason: "Upstream5xx" }),
        Effect.zipRight(Effect.logDebug("not at info")),
        Effect.provide(layer(LogLevel.Info, (l) => lines.push(l)))
      )
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
        expect.objectContaining({ message: "provider failed", logLevel: "WARN", annotations: { provider: "anthropic", reason: "Upstream5xx" } })
      ])
    }))

  it("leaves other values alone", () => {
    expect(redactValue("/v1/messages")).toBe("/v1/messages")
    expect(redactValue(42)).toBe(42)
  })
})
