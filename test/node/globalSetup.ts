import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"
import { startFakeUpstream } from "../../scripts/fake-upstream.mjs"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** `npm run start:node`'s script on a random loopback port; resolves with its URL from the banner (and what it prints). */
export const startNode = (env: Record<string, string>, args: Array<string> = []) =>
  new Promise<{ child: ChildProcess; url: string; banner: string; output: () => string }>((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env }
    delete childEnv.PRIMARY_BASE_URL
    const child = spawn(process.execPath, [join(root, "scripts/start-node.mjs"), ...args], {
      cwd: root,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const timer = setTimeout(() => fail(new Error("the Node server did not start in time")), 90_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill("SIGKILL")
      reject(new Error(`${error.message}\n${output}`))
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /claude-failover \(Node\) on (http:\/\/\S+)/.exec(output)
      if (m !== null) {
        clearTimeout(timer)
        resolve({ child, url: m[1]!, banner: output, output: () => output })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      process.stderr.write(chunk)
    })
    child.on("exit", (code) => fail(new Error(`the Node server exited (${code})`)))
  })

export default async function setup(project: TestProject) {
  const fake = await startFakeUpstream()
  const dir = await mkdtemp(join(tmpdir(), "claude-failover-node-"))
  const configFile = join(dir, "config.json")
  const { banner, child, url } = await startNode({
    ADMIN_TOKEN: "test-admin-token",
    CONFIG_FILE: configFile,
    CONFIG_CACHE_MS: "0",
    ALLOW_PRIVATE_UPSTREAMS: "true",
    LOG_LEVEL: "none"
  })
  project.provide("fakeUrl", fake.url)
  project.provide("nodeUrl", url)
  project.provide("nodeBanner", banner)
  project.provide("nodeConfigFile", configFile)
  return async () => {
    child.removeAllListeners("exit")
    const exited = new Promise((r) => child.once("exit", r))
    child.kill("SIGTERM")
    await exited
    await fake.close()
    await rm(dir, { recursive: true, force: true })
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    nodeUrl: string
    nodeBanner: string
    nodeConfigFile: string
  }
}
