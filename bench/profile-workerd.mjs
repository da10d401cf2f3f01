#!/usr/bin/env node
// A CPU profile of the Worker inside workerd itself (through Miniflare's inspector), for one
// workload: what the in-process profile cannot show (workerd's own fetch, timers, console, the
// Durable Objects the Worker calls). The bundle is built unminified so functions keep their names.
//
//   node bench/profile-workerd.mjs --workload a --requests 1000 [--out-dir bench/profiles] [--log-level none]
//   node bench/profile.mjs bench/profiles/workerd-a.cpuprofile --bundle bench/profiles/workerd-bundle.js
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { Agent } from "node:http"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { summarise } from "./profile.mjs"
import { putConfig, send, startRuntime, workerOptionsFromConfig, wranglerBuild } from "./run.mjs"
import { startUpstream } from "./upstream.mjs"
import { workloads } from "./workloads.mjs"

const require = createRequire(import.meta.url)
const repoRoot = fileURLToPath(new URL("..", import.meta.url))

const { values } = parseArgs({
  options: {
    workload: { type: "string" },
    requests: { type: "string" },
    warmup: { type: "string" },
    "out-dir": { type: "string" },
    root: { type: "string" },
    "log-level": { type: "string" }
  }
})
const key = values.workload ?? "a"
const requests = Number(values.requests ?? 1000)
const warmup = Number(values.warmup ?? 300)
const outDir = values["out-dir"] ?? join(repoRoot, "bench", "profiles")
const root = values.root ?? repoRoot
const w = workloads()[key]
if (w === undefined || key === "e" || key === "probe") throw new Error(`--workload must be one of a, b, c, d`)

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/** A minimal Chrome DevTools Protocol client (Node's WebSocket when present, else the `ws` package). */
const connect = async (url) => {
  const WS = globalThis.WebSocket ?? require("ws")
  const socket = new WS(url)
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve)
    socket.addEventListener("error", reject)
  })
  let id = 0
  const pending = new Map()
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data))
    const done = pending.get(message.id)
    if (done !== undefined) {
      pending.delete(message.id)
      done(message)
    }
  })
  return {
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 30_000)
        pending.set(++id, (m) => {
          clearTimeout(timer)
          if (m.error) reject(new Error(`${method}: ${m.error.message}`))
          else resolve(m.result)
        })
        socket.send(JSON.stringify({ id, method, params }))
      }),
    close: () => socket.close()
  }
}

const dir = await mkdtemp(join(tmpdir(), "claude-failover-profile-"))
const cleanup = []
try {
  const [build, fromConfig] = await Promise.all([wranglerBuild(root, join(dir, "build"), false), workerOptionsFromConfig(root)])
  const upstream = await startUpstream({})
  cleanup.push(() => upstream.close())
  const inspectorPort = await freePort()
  const rt = await startRuntime(fromConfig, build.path, upstream.url, values["log-level"], inspectorPort)
  cleanup.push(() => rt.mf.dispose())
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  cleanup.push(() => agent.destroy())
  await putConfig(rt.proxy, w.config(upstream.url))
  const one = async () => {
    const r = await send(agent, rt.proxy + w.proxyPath, w)
    if (r.status !== 200) throw new Error(`${w.title}: the proxy answered ${r.status}`)
  }
  for (let i = 0; i < warmup; i++) await one()

  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()
  const target = targets.find((t) => String(t.webSocketDebuggerUrl).endsWith("core:user:proxy"))
  if (target === undefined) throw new Error(`no inspector target for the proxy in ${JSON.stringify(targets.map((t) => t.title))}`)
  const inspector = await connect(target.webSocketDebuggerUrl)
  cleanup.push(() => inspector.close())
  await inspector.call("Profiler.enable")
  await inspector.call("Profiler.setSamplingInterval", { interval: 200 })
  await inspector.call("Profiler.start")
  const t0 = performance.now()
  for (let i = 0; i < requests; i++) await one()
  const wallMs = performance.now() - t0
  const { profile } = await inspector.call("Profiler.stop")

  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, `workerd-${key}.cpuprofile`)
  const bundle = join(outDir, "workerd-bundle.js")
  writeFileSync(file, JSON.stringify(profile))
  copyFileSync(build.path, bundle)
  console.log(`${w.title}: ${requests} requests, ${(wallMs / requests).toFixed(2)} ms each (profiler on)`)
  console.log(`profile: ${file}\nsummary: node bench/profile.mjs ${file} --bundle ${bundle}`)
  const s = summarise(profile, bundle)
  for (const [name, ms] of s.self.slice(0, 15)) console.log(`${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%  ${name}`)
} finally {
  while (cleanup.length > 0) {
    try {
      await cleanup.pop()()
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true })
}
