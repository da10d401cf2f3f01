/**
 * The benchmark harness itself, in a tiny run: it builds the Worker, runs it in workerd beside the
 * floor and in-process, and must come back with every metric as a number. Budgets are not asserted
 * here (machines are noisy); `npm run bench` reports them.
 */
import { describe, expect, it } from "vitest"
import { type BenchResult, METRIC_PATHS, runBench, table } from "../../bench/run.mjs"

const at = (result: BenchResult, path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), result)

describe("bench harness (smoke run)", () => {
  it("produces every metric, the budgets and a table", async () => {
    const result = await runBench({ smoke: true, out: null, log: () => {} })
    const missing = METRIC_PATHS.filter((path) => {
      const value = at(result, path)
      return typeof value !== "number" || !Number.isFinite(value)
    })
    expect(missing).toEqual([])
    for (const key of ["a", "b", "c", "d"] as const) {
      expect(result.workloads[key].proxy.errors).toBe(0)
      expect(result.workloads[key].floor.errors).toBe(0)
      expect(result.cpu[key].requests).toBeGreaterThan(0)
    }
    expect(result.forwarding.chunksForwardedAsTheyArrive).toBeTypeOf("boolean")
    expect(result.budgets.length).toBeGreaterThanOrEqual(10)
    for (const b of result.budgets) {
      expect(Number.isFinite(b.value)).toBe(true)
      expect(b.pass).toBeTypeOf("boolean")
    }
    const text = table(result)
    for (const key of ["a", "b", "c", "d", "e"] as const) expect(text).toContain(result.workloads[key].title)
  }, 60_000)
})
