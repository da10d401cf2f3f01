/**
 * The config document in a local file, behind the same ConfigStore the Worker uses. Writes are
 * serialised in the process (one compare-and-swap at a time, so concurrent admin writes never
 * overwrite each other), and each goes to a temporary file beside the target that is renamed over
 * it, so a reader (or a crash) never sees half a document. The file holds provider keys: it is
 * created readable by its owner only.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { dirname, resolve } from "node:path"
import { Effect, Layer } from "effect"
import type { EnvLike } from "../Config/Sources.js"
import * as ConfigStore from "../Config/Store.js"
import { WorkerEnv } from "../Env.js"

export const DEFAULT_PATH = ".claude-failover/config.json"

let sequence = 0

export const fileBackend = (path: string): ConfigStore.ConfigBackend => {
  const target = resolve(path)
  const load = async (): Promise<string | null> => {
    try {
      return await readFile(target, "utf8")
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null
      throw error
    }
  }
  const save = async (text: string) => {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 })
    const temporary = `${target}.${process.pid}.${sequence++}.tmp`
    try {
      await writeFile(temporary, text, { mode: 0o600 })
      await rename(temporary, target)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
  }
  // One write at a time: each compares and swaps only after the one before it has finished.
  let queue: Promise<unknown> = Promise.resolve()
  return {
    load,
    swap: (expected, text) => {
      const run = queue.then(async () => {
        if ((await load()) !== expected) return false
        await save(text)
        return true
      })
      queue = run.catch(() => {})
      return run
    }
  }
}

/** The Node store: the file at `path`, cache time and primary URL from the environment. */
export const layer = (path: string) =>
  Layer.effect(
    ConfigStore.ConfigStore,
    Effect.map(WorkerEnv, (env) =>
      ConfigStore.make(fileBackend(path), {
        cacheMs: env.CONFIG_CACHE_MS === undefined ? 5_000 : Number(env.CONFIG_CACHE_MS),
        env: env as unknown as EnvLike
      }))
  )
