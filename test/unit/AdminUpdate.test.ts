/**
 * The admin write path against stores that misbehave: one that fails keeps the previous document
 * (StoreFailure, answered 503), and one that another writer changes between read and write gets the
 * change applied again to the new document, so both writes are kept.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import * as Store from "../../src/Config/Store.js"
import { update } from "../../src/Admin/Edit.js"
import { WorkerEnv } from "../../src/Env.js"

const doc = (...names: Array<string>) => JSON.stringify({ providers: names.map((name) => ({ name, format: "anthropic", baseUrl: `https://${name}.example.com` })) })
const addProvider = (name: string) =>
  update(({ document }) => Effect.succeed({ ...document, providers: [...document.providers, { name, format: "anthropic", baseUrl: `https://${name}.example.com` }] }))

const run = <A, E>(backend: Store.ConfigBackend, program: Effect.Effect<A, E, Store.ConfigStore | WorkerEnv>) =>
  Effect.exit(program.pipe(
    Effect.provide(Layer.mergeAll(
      Layer.succeed(Store.ConfigStore, Store.make(backend, { cacheMs: 0, env: {} })),
      Layer.succeed(WorkerEnv, { ALLOW_PRIVATE_UPSTREAMS: "true" })
    ))
  ))

describe("admin update", () => {
  it.effect("a store that fails to write keeps the previous document", () =>
    Effect.gen(function*() {
      const before = doc("a")
      const backend: Store.ConfigBackend = { load: () => Promise.resolve(before), swap: () => Promise.reject(new Error("disk full")) }
      const exit = yield* run(backend, addProvider("b"))
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("disk full")
      expect(yield* Effect.promise(() => backend.load())).toBe(before)
    }))

  it.effect("a change another write beat is made again on the new document", () =>
    Effect.gen(function*() {
      const memory = Store.memoryBackend(doc("a"))
      let interleaved = false
      // The first swap finds that someone else wrote "x" in the meantime.
      const backend: Store.ConfigBackend = {
        load: memory.load,
        swap: async (expected, text) => {
          if (!interleaved) {
            interleaved = true
            await memory.swap(expected, doc("a", "x"))
          }
          return memory.swap(expected, text)
        }
      }
      const exit = yield* run(backend, addProvider("b"))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect((JSON.parse(memory.text!) as { providers: Array<{ name: string }> }).providers.map((p) => p.name)).toEqual(["a", "x", "b"])
    }))
})
