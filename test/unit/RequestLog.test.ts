import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type LogEntry, RingLog } from "../../src/Health/RequestLog.js"
import { makeMemory } from "../../src/Health/Usage.js"

const entry = (i: number): LogEntry => ({
  at: 1_000 + i,
  requestId: `req_${i}`,
  method: "POST",
  path: "/v1/messages",
  stream: false,
  provider: "p",
  status: 200,
  attempts: [{ provider: "p", outcome: "200", tries: 1 }],
  failedOver: false,
  latencyMs: 5,
  ttfbMs: 2
})

describe("the request log", () => {
  it("keeps the last 200 requests, newest first", () => {
    const log = new RingLog()
    for (let i = 0; i < 205; i++) log.push(entry(i))
    const list = log.list()
    expect(list).toHaveLength(200)
    expect(list[0]!.requestId).toBe("req_204")
    expect(list[199]!.requestId).toBe("req_5")
  })

  it.effect("is kept in memory on Node, and cleared with the usage counters", () =>
    Effect.gen(function*() {
      const usage = makeMemory(0)
      for (let i = 0; i < 3; i++) yield* usage.log(entry(i))
      expect((yield* usage.recent).entries.map((e) => e.requestId)).toEqual(["req_2", "req_1", "req_0"])
      yield* usage.reset
      expect((yield* usage.recent).entries).toEqual([])
    }))
})
