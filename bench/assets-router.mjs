#!/usr/bin/env node
// What Workers Static Assets costs the proxy paths: the same minified bundle in two workerd
// instances, one with wrangler.toml's `[assets]` (Cloudflare's asset router in front, as deployed;
// `run_worker_first` sends the proxy paths straight on) and one without, the 50 KB and 8 MB
// passthroughs one request at a time, interleaved. A diagnostic beside `npm run bench` (whose
// numbers include the router, as a deployment's do).
//
//   node bench/assets-router.mjs [--rounds 6] [--requests 300]
import { mkdtemp, rm } from "node:fs/promises"
import { Agent } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { putConfig, send, startRuntime, workerOptionsFromConfig, wranglerBuild } from "./run.mjs"
import { startUpstream } from "./upstream.mjs"
import { workloads } from "./workloads.mjs"

const { values } = parseArgs({ options: { rounds: { type: "string", default: "6" }, requests: { type: "string", default: "300" } } })
const rounds = Number(values.rounds)
const requests = Number(values.requests)
const root = fileURLToPath(new URL("..", import.meta.url))
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

const dir = await mkdtemp(join(tmpdir(), "claude-failover-assets-"))
const upstream = await startUpstream({})
const runtimes = []
try {
  const [bundle, fromConfig] = await Promise.all([wranglerBuild(root, join(dir, "build"), true), workerOptionsFromConfig(root)])
  const { assets: _assets, ...withoutAssets } = fromConfig
  const sides = { assets: fromConfig, none: withoutAssets }
  const urls = {}
  for (const [side, options] of Object.entries(sides)) {
    const rt = await startRuntime(options, bundle.path, upstream.url, "info")
    runtimes.push(rt)
    urls[side] = rt.proxy
  }
  const all = workloads()
  for (const key of ["a", "s8m"]) {
    const w = all[key]
    for (const side of Object.keys(sides)) await putConfig(urls[side], w.config(upstream.url))
    const agents = { assets: new Agent({ keepAlive: true }), none: new Agent({ keepAlive: true }) }
    const times = { assets: [], none: [] }
    const n = key === "a" ? requests : Math.max(10, Math.round(requests / 10))
    for (let round = 0; round <= rounds; round++) {
      for (const side of round % 2 === 0 ? ["assets", "none"] : ["none", "assets"]) {
        for (let i = 0; i < n; i++) {
          const r = await send(agents[side], urls[side] + w.proxyPath, w)
          if (r.status !== 200) throw new Error(`${side}: ${r.status}`)
          // Round 0 warms both up.
          if (round > 0) times[side].push(r.total)
        }
      }
    }
    for (const agent of Object.values(agents)) agent.destroy()
    const a = median(times.assets)
    const none = median(times.none)
    console.log(`${w.title}: p50 ${a.toFixed(2)} ms with [assets], ${none.toFixed(2)} ms without: ${(a - none) >= 0 ? "+" : ""}${(a - none).toFixed(2)} ms`)
  }
} finally {
  for (const rt of runtimes) await rt.mf.dispose().catch(() => {})
  await upstream.close()
  await rm(dir, { recursive: true, force: true })
}
