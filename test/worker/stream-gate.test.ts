import { describe, expect, it } from "vitest"
import { checkAnthropicStream } from "../unit/AnthropicGrammar.js"
import { messagesBody, post, primaryAndBackup, putConfig, scenario, type Step, TOKEN } from "./helpers.js"

const sse = (type: string, data: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
const start = sse("message_start", {
  message: { id: "msg_1", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }
})
const textBlock = (text: string) =>
  sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } }) +
  sse("content_block_delta", { index: 0, delta: { type: "text_delta", text } })
const finish = sse("content_block_stop", { index: 0 }) +
  sse("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } }) +
  sse("message_stop")
const goodStream = (text: string) => start + sse("ping") + textBlock(text) + finish
const overloadedEvent = sse("error", { error: { type: "overloaded_error", message: "Overloaded" } })

const withToken = { "x-failover-token": TOKEN }
const streamBody = messagesBody({ stream: true })

const chain = (primary: Array<Step>, backup: Array<Step> = [{ chunks: [{ data: goodStream("from backup") }] }], stream = {}) =>
  primaryAndBackup(primary, backup, { settings: { stream: { firstEventTimeoutMs: 400, idleTimeoutMs: 400, ...stream } } })

describe("stream gate: failover after HTTP 200, before the first content event", () => {
  it("fails over when the first event is an overloaded error; the client sees one clean stream", async () => {
    const { backup } = await chain([{ chunks: [{ data: start }, { data: overloadedEvent, delayMs: 20 }] }])
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await r.text()).toBe(goodStream("from backup"))
    expect(await backup.calls()).toHaveLength(1)
  })

  it("fails over when the upstream stalls before its first event", async () => {
    await chain([{ chunks: [{ data: start }], stall: true }])
    const started = Date.now()
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await r.text()).toBe(goodStream("from backup"))
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it("fails over when the stream ends before any content", async () => {
    await chain([{ chunks: [{ data: start + sse("ping") }] }])
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
  })

  it("fails over from garbage in a translated stream", async () => {
    const p = await scenario([{ chunks: [{ data: "data: <html>gateway</html>\n\n" }] }])
    const b = await scenario([{ chunks: [{ data: goodStream("clean") }] }])
    await putConfig({
      providers: [
        { name: "openai", format: "openai", baseUrl: p.baseUrl, apiKey: "sk-openai-secret-01", retries: 0 },
        { name: "backup", format: "anthropic", baseUrl: b.baseUrl, apiKey: "sk-backup-secret-0001" }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.headers.get("x-failover-provider")).toBe("backup")
    expect(await r.text()).toBe(goodStream("clean"))
  })

  it("forwards the held bytes and the rest byte-exact once committed", async () => {
    const chunks = [start, sse("ping"), textBlock("h\u00e9llo"), ": comment\n\n", finish]
    const { backup } = await chain([{ chunks: chunks.map((data) => ({ data, delayMs: 10 })) }])
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(await r.text()).toBe(chunks.join(""))
    expect(await backup.calls()).toHaveLength(0)
  })
})

describe("stream gate: after the commit", () => {
  it("passes an error event after content to the client, without failing over", async () => {
    const { backup } = await chain([{ chunks: [{ data: start + textBlock("partial") }, { data: overloadedEvent, delayMs: 20 }] }])
    const r = await post("/v1/messages", streamBody, withToken)
    const text = await r.text()
    expect(r.headers.get("x-failover-provider")).toBe("primary")
    expect(text.endsWith(overloadedEvent)).toBe(true)
    expect(text).not.toContain("message_stop")
    expect(await backup.calls()).toHaveLength(0)
  })

  it("ends a stream that stalls mid-way with an error event after the idle timeout", async () => {
    await chain([{ chunks: [{ data: start + textBlock("partial") }], stall: true }])
    const r = await post("/v1/messages", streamBody, withToken)
    const text = await r.text()
    const checked = checkAnthropicStream(text)
    expect(checked.end).toBe("error")
    expect(checked.error?.type).toBe("timeout_error")
  })

  it("never truncates silently: a stream that ends before message_stop ends with an error event", async () => {
    await chain([{ chunks: [{ data: start + textBlock("partial") }, { data: "", delayMs: 150 }] }])
    const r = await post("/v1/messages", streamBody, withToken)
    const checked = checkAnthropicStream(await r.text())
    expect(checked.end).toBe("error")
    expect(checked.message?.content[0]).toMatchObject({ type: "text", text: "partial" })
  })
})

describe("keep-alive while the first event is slow", () => {
  it("starts the client's stream with pings, then forwards the answer", async () => {
    await chain([{ delayMs: 900, chunks: [{ data: goodStream("slow but fine") }] }], undefined, { keepAliveMs: 200, firstEventTimeoutMs: 5000 })
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.status).toBe(200)
    expect(r.headers.get("x-failover-provider")).toBe("pending")
    const text = await r.text()
    const pings = text.split(goodStream("slow but fine"))[0]!
    expect(pings.length).toBeGreaterThan(0)
    expect(pings.replaceAll(sse("ping"), "")).toBe("")
    const checked = checkAnthropicStream(text)
    expect(checked.end).toBe("message_stop")
    expect(checked.message?.content[0]).toMatchObject({ text: "slow but fine" })
  })

  it("tells a failure after the pings as an error event", async () => {
    const failing: Step = { delayMs: 600, status: 529, json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }
    await chain([failing], [failing], { keepAliveMs: 200 })
    const r = await post("/v1/messages", streamBody, withToken)
    expect(r.status).toBe(200)
    const checked = checkAnthropicStream(await r.text())
    expect(checked.end).toBe("error")
    expect(checked.error?.type).toBe("overloaded_error")
  })
})
