#!/usr/bin/env node
// The benchmark: the built Worker in workerd (Miniflare's API, no `wrangler dev`) beside the floor, a
// raw-fetch passthrough Worker in the same workerd, both against one loopback upstream, interleaved
// A/B/A/B. Then CPU per request in-process (bench/inprocess.mjs, in a child process), the stream
// transformer's speed and the deployable bundle's size. Prints a table, writes bench/results.json.
//
//   npm run bench                      full run (a few minutes), writes bench/results.json
//   node bench/run.mjs --smoke         tiny run (seconds): every metric, meaningless numbers
//   node bench/run.mjs --out <file>    write the results elsewhere
//   node bench/run.mjs --root <dir>    benchmark another checkout of the project (e.g. a worktree)
//   node bench/run.mjs --log-level none   override wrangler.toml's LOG_LEVEL (to see what logging costs)
import { execFile, execFileSync, spawn } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { Agent, request as httpRequest } from "node:http"
import { createRequire } from "node:module"
import { cpus, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { gzipSync } from "node:zlib"
import { bundleForNode } from "./inprocess.mjs"
import { startUpstream } from "./upstream.mjs"
import { ADMIN_TOKEN, BODY_SIZES, workloads } from "./workloads.mjs"

const require = createRequire(import.meta.url)
const benchDir = fileURLToPath(new URL(".", import.meta.url))
const repoRoot = join(benchDir, "..")

export const FULL = {
  rounds: 6,
  warmup: 30,
  latencyRequests: 60,
  throughputMs: 1500,
  concurrency: 8,
  streamEvents: 2000,
  bigBytes: 100 * 1024 * 1024,
  bigRuns: 4,
  probeDelayMs: 300,
  inProcess: { requests: 2000, warmup: 300, blocks: 8, streamEvents: 2000, transformerEvents: 300_000 }
}

export const SMOKE = {
  rounds: 2,
  warmup: 2,
  latencyRequests: 3,
  throughputMs: 150,
  concurrency: 2,
  streamEvents: 100,
  bigBytes: 2 * 1024 * 1024,
  bigRuns: 1,
  probeDelayMs: 150,
  inProcess: { requests: 20, warmup: 2, blocks: 2, streamEvents: 100, transformerEvents: 4_000 }
}

/** Every number a run must produce (paths into results.json); the smoke test checks them all. */
export const METRIC_PATHS = [
  ...["a", "b", "c", "d"].flatMap((w) => [
    ...["proxy", "floor"].flatMap((t) => [`workloads.${w}.${t}.reqPerSec`, `workloads.${w}.${t}.p50Ms`, `workloads.${w}.${t}.p99Ms`, `workloads.${w}.${t}.ttfbP50Ms`]),
    `workloads.${w}.ratio.reqPerSec`,
    `workloads.${w}.ratio.p50`,
    `workloads.${w}.ratio.p99`,
    `workloads.${w}.addedP50Ms`,
    `workloads.${w}.addedTtfbMs`
  ]),
  ...["proxy", "floor"].flatMap((t) => [`workloads.e.${t}.mbPerSec`, `workloads.e.${t}.ttfbMs`, `workloads.e.${t}.memoryGrowthMB`]),
  "workloads.e.ratio.mbPerSec",
  ...BODY_SIZES.flatMap(([k]) => [`workloads.${k}.proxy.p50Ms`, `workloads.${k}.floor.p50Ms`, `workloads.${k}.addedP50Ms`, `cpu.${k}.addedCpuMs`]),
  "cpu.slopeMsPerMiB",
  ...["a", "b", "c", "d"].flatMap((w) => [`cpu.${w}.proxyCpuMs`, `cpu.${w}.floorCpuMs`, `cpu.${w}.addedCpuMs`, `cpu.${w}.requests`]),
  "transformer.eventsPerCpuSec",
  "transformer.plumbingEventsPerCpuSec",
  "transformer.events",
  "forwarding.proxyFirstChunkMs",
  "forwarding.floorFirstChunkMs",
  "bundle.minifiedBytes",
  "bundle.gzipBytes"
]

const get = (obj, path) => path.split(".").reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj)

// ---------------------------------------------------------------------------------------------
// building

const run = (cmd, args, options) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[cmd, ...args].join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })

const wranglerBin = () => join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js")

/** `wrangler deploy --dry-run --outdir` (optionally `--minify`): the bundle Cloudflare would get. */
export const wranglerBuild = async (root, outdir, minify) => {
  const { stdout, stderr } = await run(
    process.execPath,
    [wranglerBin(), "deploy", "--dry-run", "--outdir", outdir, ...(minify ? ["--minify"] : [])],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", CI: "1" } }
  )
  const file = readdirSync(outdir).find((f) => /\.m?js$/.test(f))
  if (file === undefined) throw new Error(`wrangler produced no bundle in ${outdir}`)
  const gzip = /gzip:\s*([\d.]+)\s*KiB/.exec(stdout + stderr)
  return { path: join(outdir, file), wranglerGzipKiB: gzip ? Number(gzip[1]) : undefined }
}

// ---------------------------------------------------------------------------------------------
// the runtime

/** workerd's pid: the child of this process whose command is workerd (Linux /proc). */
const workerdPid = () => {
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
        const close = stat.lastIndexOf(")")
        const comm = stat.slice(stat.indexOf("(") + 1, close)
        const ppid = Number(stat.slice(close + 2).split(" ")[1])
        if (comm.startsWith("workerd") && ppid === process.pid) return Number(entry)
      } catch {
        // the process went away
      }
    }
  } catch {
    // no /proc
  }
  return undefined
}

const rssBytes = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m ? Number(m[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}

/** The Worker's bindings and flags as wrangler.toml declares them (KV, Durable Objects, vars). */
export const workerOptionsFromConfig = async (root) => {
  process.env.WRANGLER_LOG ??= "error"
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler")
  return unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml")).workerOptions
}

export const startRuntime = async (fromConfig, bundlePath, upstreamUrl, logLevel, inspectorPort) => {
  const { Miniflare } = await import("miniflare")
  const output = []
  const mf = new Miniflare({
    ...(inspectorPort !== undefined ? { inspectorPort } : {}),
    workers: [
      {
        ...fromConfig,
        name: "proxy",
        modules: true,
        scriptPath: bundlePath,
        modulesRoot: dirname(bundlePath),
        bindings: {
          ...fromConfig.bindings,
          ADMIN_TOKEN,
          ALLOW_PRIVATE_UPSTREAMS: "true",
          CONFIG_CACHE_MS: "5000",
          ...(logLevel !== undefined ? { LOG_LEVEL: logLevel } : {})
        },
        kvNamespaces: { CONFIG: "bench-config" },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }]
      },
      {
        name: "floor",
        modules: true,
        script: readFileSync(join(benchDir, "floor.mjs"), "utf8"),
        compatibilityDate: fromConfig.compatibilityDate,
        compatibilityFlags: fromConfig.compatibilityFlags,
        bindings: { UPSTREAM: upstreamUrl },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }]
      }
    ],
    handleRuntimeStdio(out, err) {
      // The Worker's log lines are built (that cost is real) but not printed; the last few are kept
      // to explain a failure.
      const keep = (d) => {
        output.push(String(d))
        if (output.length > 20) output.shift()
      }
      out.on("data", keep)
      err.on("data", keep)
    }
  })
  try {
    await mf.ready
    const proxy = (await mf.unsafeGetDirectURL("proxy")).href.replace(/\/$/, "")
    const floor = (await mf.unsafeGetDirectURL("floor")).href.replace(/\/$/, "")
    return { mf, proxy, floor, pid: workerdPid(), output }
  } catch (error) {
    await mf.dispose().catch(() => {})
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// the client

const IDLE_TIMEOUT_MS = 30_000
const CHILD_TIMEOUT_MS = 15 * 60_000

/**
 * One request; resolves when the whole body has arrived. A kept-alive connection the server closed
 * just as it was reused ("socket hang up" before any answer) is retried once on a new one.
 */
export const send = (agent, url, init, options = {}, retried = false) =>
  new Promise((resolve, reject) => {
    const { method = "POST", headers, body } = init
    const t0 = performance.now()
    let ttfb = NaN
    let bytes = 0
    const parts = []
    const req = httpRequest(url, { method, headers: { ...headers, "content-length": String(body?.byteLength ?? 0) }, agent }, (res) => {
      res.on("data", (chunk) => {
        if (bytes === 0) ttfb = performance.now() - t0
        bytes += chunk.length
        if (options.collect) parts.push(chunk)
      })
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          ttfb,
          total: performance.now() - t0,
          bytes,
          body: options.collect ? Buffer.concat(parts) : undefined
        })
      )
      res.on("error", reject)
    })
    // Bounded: a connection idle this long fails the request instead of hanging the run.
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS} ms from ${url}`)))
    req.on("error", (error) => {
      if (!retried && req.reusedSocket && error.code === "ECONNRESET") resolve(send(agent, url, init, options, true))
      else reject(error)
    })
    req.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  })

const percentile = (values, p) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const median = (values) => percentile(values, 50)

/** Runs `fn` on `concurrency` lanes until `ms` have passed; completed calls per second. */
const throughput = async (fn, concurrency, ms) => {
  let done = 0
  const t0 = performance.now()
  const deadline = t0 + ms
  let last = t0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await fn()
        done++
        last = performance.now()
      }
    })
  )
  return { done, perSec: done / ((last - t0) / 1000) }
}

// ---------------------------------------------------------------------------------------------
// the workloads

export const putConfig = async (proxy, doc) => {
  // On a connection of its own, so no measured request inherits it.
  const r = await send(false, `${proxy}/admin/api/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: new TextEncoder().encode(JSON.stringify(doc))
  }, { collect: true })
  if (r.status !== 200) throw new Error(`config rejected: ${r.status} ${r.body}`)
}

/** One request to each side before measuring: right status, right provider, same bytes where they must be. */
const verify = async (key, w, agents, rt) => {
  const p = await send(agents.proxy, rt.proxy + w.proxyPath, w, { collect: true })
  const f = await send(agents.floor, rt.floor + w.floorPath, w, { collect: true })
  if (p.status !== 200) throw new Error(`${w.title}: the proxy answered ${p.status}: ${String(p.body).slice(0, 300)}`)
  if (f.status !== 200) throw new Error(`${w.title}: the floor answered ${f.status}: ${String(f.body).slice(0, 300)}`)
  if (p.headers["x-failover-provider"] !== w.provider) {
    throw new Error(`${w.title}: expected provider ${w.provider}, got ${p.headers["x-failover-provider"]}`)
  }
  if (key === "d") {
    const text = p.body.toString("utf8")
    if (!text.includes("event: message_stop") || !text.includes('"type":"tool_use"')) throw new Error(`${w.title}: no translated tool call in ${text.slice(0, 300)}`)
  } else if (!p.body.equals(f.body)) {
    throw new Error(`${w.title}: the proxy's body differs from the floor's (${p.body.length} vs ${f.body.length} bytes)`)
  }
}

const measureWorkload = async (key, w, agents, rt, o, log) => {
  await putConfig(rt.proxy, w.config(rt.upstream))
  await verify(key, w, agents, rt)
  const urls = { proxy: rt.proxy + w.proxyPath, floor: rt.floor + w.floorPath }
  const stats = { proxy: { latency: [], ttfb: [], rates: [], errors: 0 }, floor: { latency: [], ttfb: [], rates: [], errors: 0 } }
  const one = async (side, record) => {
    const r = await send(agents[side], urls[side], w)
    if (r.status !== 200) stats[side].errors++
    if (record) {
      stats[side].latency.push(r.total)
      stats[side].ttfb.push(r.ttfb)
    }
  }
  for (const side of ["proxy", "floor"]) for (let i = 0; i < o.warmup; i++) await one(side, false)
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? ["proxy", "floor"] : ["floor", "proxy"]
    for (const side of order) for (let i = 0; i < o.latencyRequests; i++) await one(side, true)
    if (w.latencyOnly) continue
    for (const side of order) stats[side].rates.push((await throughput(() => one(side, false), o.concurrency, o.throughputMs)).perSec)
  }
  const summary = (s) => ({
    reqPerSec: median(s.rates),
    p50Ms: median(s.latency),
    p99Ms: percentile(s.latency, 99),
    ttfbP50Ms: median(s.ttfb),
    errors: s.errors
  })
  const proxy = summary(stats.proxy)
  const floor = summary(stats.floor)
  const result = {
    title: w.title,
    proxy,
    floor,
    ratio: { reqPerSec: proxy.reqPerSec / floor.reqPerSec, p50: proxy.p50Ms / floor.p50Ms, p99: proxy.p99Ms / floor.p99Ms },
    addedP50Ms: proxy.p50Ms - floor.p50Ms,
    addedTtfbMs: proxy.ttfbP50Ms - floor.ttfbP50Ms
  }
  if (w.bytes !== undefined) result.bytes = w.bytes
  log(`${w.title}: ${proxy.reqPerSec?.toFixed(0)} vs ${floor.reqPerSec?.toFixed(0)} req/s, p50 ${proxy.p50Ms.toFixed(2)} vs ${floor.p50Ms.toFixed(2)} ms`)
  return result
}

/**
 * (e): one large stream per side, interleaved, each on a fresh connection; workerd's resident memory
 * sampled every 10 ms. A transfer that breaks off is tried once more and counted in `failures`.
 */
const measureBig = async (w, rt, o, log) => {
  await putConfig(rt.proxy, w.config(rt.upstream))
  const urls = { proxy: rt.proxy + w.proxyPath, floor: rt.floor + w.floorPath }
  const runs = { proxy: [], floor: [] }
  const failures = { proxy: 0, floor: 0 }
  const transfer = async (side) => {
    try {
      return await send(false, urls[side], w)
    } catch (error) {
      failures[side]++
      log(`${w.title}: a ${side} transfer broke off (${error.message}); trying once more`)
      return send(false, urls[side], w)
    }
  }
  // One unmeasured transfer each first: the first large stream through a fresh path is slower.
  for (const side of ["proxy", "floor"]) await transfer(side)
  for (let i = 0; i < o.bigRuns; i++) {
    for (const side of i % 2 === 0 ? ["proxy", "floor"] : ["floor", "proxy"]) {
      const before = rt.pid === undefined ? NaN : rssBytes(rt.pid)
      let peak = before
      const timer = setInterval(() => {
        if (rt.pid !== undefined) peak = Math.max(peak, rssBytes(rt.pid))
      }, 10)
      try {
        const r = await transfer(side)
        if (r.status !== 200) throw new Error(`${w.title}: ${side} answered ${r.status}`)
        if (r.bytes < o.bigBytes) throw new Error(`${w.title}: ${side} delivered ${r.bytes} of ${o.bigBytes} bytes`)
        if (rt.pid !== undefined) peak = Math.max(peak, rssBytes(rt.pid))
        runs[side].push({ mbPerSec: r.bytes / 1e6 / (r.total / 1000), ttfbMs: r.ttfb, memoryGrowthMB: (peak - before) / 1e6 })
      } finally {
        clearInterval(timer)
      }
    }
  }
  const summary = (list, side) => ({
    mbPerSec: median(list.map((r) => r.mbPerSec)),
    ttfbMs: median(list.map((r) => r.ttfbMs)),
    memoryGrowthMB: Math.max(...list.map((r) => r.memoryGrowthMB)),
    failures: failures[side]
  })
  const proxy = summary(runs.proxy, "proxy")
  const floor = summary(runs.floor, "floor")
  log(`${w.title}: ${proxy.mbPerSec.toFixed(0)} vs ${floor.mbPerSec.toFixed(0)} MB/s, memory +${proxy.memoryGrowthMB.toFixed(1)} MB`)
  return { title: w.title, bytes: o.bigBytes, proxy, floor, ratio: { mbPerSec: proxy.mbPerSec / floor.mbPerSec } }
}

/**
 * The upstream sends its frames up to the first content delta (where a stream commits), pauses, then
 * the rest: a proxy that forwards chunks as they arrive shows the first ones before the pause ends.
 */
const measureForwarding = async (w, rt, o) => {
  await putConfig(rt.proxy, w.config(rt.upstream))
  const first = { proxy: [], floor: [] }
  for (let i = 0; i < 3; i++) {
    for (const side of ["proxy", "floor"]) {
      const r = await send(false, side === "proxy" ? rt.proxy + w.proxyPath : rt.floor + w.floorPath, w)
      if (r.status !== 200) throw new Error(`forwarding probe: ${side} answered ${r.status}`)
      first[side].push(r.ttfb)
    }
  }
  const proxyFirstChunkMs = Math.max(...first.proxy)
  return {
    delayMs: o.probeDelayMs,
    proxyFirstChunkMs,
    floorFirstChunkMs: Math.max(...first.floor),
    chunksForwardedAsTheyArrive: proxyFirstChunkMs < o.probeDelayMs / 2
  }
}

// ---------------------------------------------------------------------------------------------
// in-process CPU (a child process, so the global fetch it replaces and its heap are its own)

const inProcess = (bundleDir, options, logLevel) =>
  new Promise((resolve, reject) => {
    const args = [
      join(benchDir, "inprocess.mjs"),
      "--json",
      "--prebuilt",
      "--bundle-dir", bundleDir,
      "--requests", String(options.requests),
      "--warmup", String(options.warmup),
      "--blocks", String(options.blocks),
      "--stream-events", String(options.streamEvents),
      "--transformer-events", String(options.transformerEvents),
      "--log-level", logLevel
    ]
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (d) => (out += d))
    child.stderr.on("data", (d) => (err += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`in-process mode failed (${code}): ${err.slice(-2000)}`))
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()))
      } catch (error) {
        reject(new Error(`in-process mode printed no result: ${out.slice(-500)} ${err.slice(-500)}`))
      }
    })
  })

// ---------------------------------------------------------------------------------------------
// report

/** The commit measured, and whether src/ differed from it (read-only git queries). */
const revision = (root) => {
  try {
    const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
    return { commit: git("rev-parse", "--short", "HEAD"), srcModified: git("status", "--porcelain", "--", "src", "wrangler.toml") !== "" }
  } catch {
    return { commit: "unknown", srcModified: false }
  }
}

const machine = () => {
  let model = cpus()[0]?.model ?? "unknown"
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))
    if (m) model = m[1].trim()
  } catch {
    // not Linux
  }
  const version = (name) => {
    try {
      return require(`${name}/package.json`).version
    } catch {
      return "unknown"
    }
  }
  return {
    cpus: cpus().length,
    cpuModel: model,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    miniflare: version("miniflare"),
    wrangler: version("wrangler"),
    date: new Date().toISOString()
  }
}

const BUDGETS = [
  { name: "(s) workerd p50 added, 50 KB body", target: "<= 0.5 ms", unit: "ms", value: (r) => r.workloads.s50k.addedP50Ms, pass: (v) => v <= 0.5 },
  { name: "(s) workerd p50 added, 8 MB body", target: "<= 1.5 ms", unit: "ms", value: (r) => r.workloads.s8m.addedP50Ms, pass: (v) => v <= 1.5 },
  { name: "(a) workerd throughput vs floor, 8 in flight", target: ">= 0.85x", unit: "x", value: (r) => r.workloads.a.ratio.reqPerSec, pass: (v) => v >= 0.85 },
  { name: "(b) workerd time to last byte added", target: "<= 1 ms", unit: "ms", value: (r) => r.workloads.b.addedP50Ms, pass: (v) => v <= 1 },
  {
    name: "(b) chunks forwarded as they arrive (first chunk, upstream then pauses)",
    target: "< half the pause",
    unit: "ms",
    value: (r) => r.forwarding.proxyFirstChunkMs,
    pass: (_v, r) => r.forwarding.chunksForwardedAsTheyArrive
  },
  { name: "(b) in-process CPU added, 2,000 events one per chunk", target: "<= 1 ms", unit: "ms", value: (r) => r.cpu.b.addedCpuMs, pass: (v) => v <= 1 },
  { name: "(s) in-process CPU added, 50 KB body", target: "<= 0.5 ms", unit: "ms", value: (r) => r.cpu.s50k.addedCpuMs, pass: (v) => v <= 0.5 },
  { name: "(s) in-process CPU added per MB, 50 KB to 8 MB", target: "<= 0.3 ms/MB", unit: "ms/MB", value: (r) => r.cpu.slopeMsPerMiB, pass: (v) => v <= 0.3 },
  { name: "(c) in-process CPU added, failover 529 -> anthropic", target: "<= 1.5 ms", unit: "ms", value: (r) => r.cpu.c.addedCpuMs, pass: (v) => v <= 1.5 },
  { name: "(d) in-process CPU added, translated stream", target: "<= 3 ms", unit: "ms", value: (r) => r.cpu.d.addedCpuMs, pass: (v) => v <= 3 },
  { name: "stream transformer", target: ">= 400,000 events/CPU-s", unit: "events/CPU-s", value: (r) => r.transformer.eventsPerCpuSec, pass: (v) => v >= 400_000 },
  { name: "(e) memory growth", target: "< 20 MB", unit: "MB", value: (r) => r.workloads.e.proxy.memoryGrowthMB, pass: (v) => v < 20 },
  { name: "bundle, minified + gzip", target: "<= 250 KiB", unit: "KiB", value: (r) => r.bundle.gzipBytes / 1024, pass: (v) => v <= 250 }
]

const fmt = (v, digits = 2) => (typeof v !== "number" || !Number.isFinite(v) ? "n/a" : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toFixed(digits))
const signed = (v) => (typeof v === "number" && v >= 0 ? "+" : "") + fmt(v)

export const table = (r) => {
  const lines = []
  lines.push("| workload | req/s proxy / floor | ratio | p50 ms proxy / floor | ratio | p99 ms proxy / floor | ratio | TTFB added ms | CPU ms/req in-process (added) |")
  lines.push("|---|---|---|---|---|---|---|---|---|")
  for (const k of ["a", "b", "c", "d"]) {
    const w = r.workloads[k]
    const c = r.cpu[k]
    lines.push(
      `| ${w.title} | ${fmt(w.proxy.reqPerSec, 0)} / ${fmt(w.floor.reqPerSec, 0)} | ${fmt(w.ratio.reqPerSec)} | ${fmt(w.proxy.p50Ms)} / ${fmt(w.floor.p50Ms)} | ${fmt(w.ratio.p50)} | ${fmt(w.proxy.p99Ms)} / ${fmt(w.floor.p99Ms)} | ${fmt(w.ratio.p99)} | ${w.title.includes("stream") ? signed(w.addedTtfbMs) : "—"} | ${fmt(c.proxyCpuMs)} (${signed(c.addedCpuMs)}) |`
    )
  }
  for (const [k] of BODY_SIZES) {
    const w = r.workloads[k]
    const c = r.cpu[k]
    lines.push(`| ${w.title} (${fmt(w.bytes / 1024, 0)} KiB) | — | — | ${fmt(w.proxy.p50Ms)} / ${fmt(w.floor.p50Ms)} | ${fmt(w.ratio.p50)} | ${fmt(w.proxy.p99Ms)} / ${fmt(w.floor.p99Ms)} | ${fmt(w.ratio.p99)} | — | ${fmt(c.proxyCpuMs)} (${signed(c.addedCpuMs)}) |`)
  }
  const e = r.workloads.e
  lines.push(
    `| ${e.title} | ${fmt(e.proxy.mbPerSec, 0)} / ${fmt(e.floor.mbPerSec, 0)} MB/s | ${fmt(e.ratio.mbPerSec)} | — | — | — | — | ${signed(e.proxy.ttfbMs - e.floor.ttfbMs)} | memory +${fmt(e.proxy.memoryGrowthMB, 1)} MB (floor +${fmt(e.floor.memoryGrowthMB, 1)}) |`
  )
  if (e.proxy.failures > 0 || e.floor.failures > 0) {
    lines.push("", `Large transfers that broke off and were repeated: proxy ${e.proxy.failures}, floor ${e.floor.failures}.`)
  }
  lines.push("")
  lines.push(`Added CPU per MB of body, in process (least squares over the four sizes): ${fmt(r.cpu.slopeMsPerMiB, 3)} ms/MB; ` +
    `added p50 latency in workerd: ${BODY_SIZES.map(([k, label]) => `${label} ${signed(r.workloads[k].addedP50Ms)} ms`).join(", ")}.`)
  lines.push("")
  lines.push(`Stream transformer: ${fmt(r.transformer.eventsPerCpuSec, 0)} upstream events per CPU-second, one event per chunk ` +
    `(Node's web-stream plumbing alone: ${fmt(r.transformer.plumbingEventsPerCpuSec, 0)}/s; the translation alone: ${fmt(r.transformer.translationEventsPerCpuSec, 0)}/s). ` +
    `Bundle: ${fmt(r.bundle.minifiedBytes / 1024, 1)} KiB minified, ${fmt(r.bundle.gzipBytes / 1024, 1)} KiB gzip. ` +
    `Forwarding probe: first chunk after ${fmt(r.forwarding.proxyFirstChunkMs, 1)} ms (floor ${fmt(r.forwarding.floorFirstChunkMs, 1)} ms, the upstream pauses ${r.forwarding.delayMs} ms after its first content event).`)
  lines.push("")
  lines.push("| budget | target | measured | |")
  lines.push("|---|---|---|---|")
  for (const b of r.budgets) lines.push(`| ${b.name} | ${b.target} | ${fmt(b.value)} ${b.unit} | ${b.pass ? "pass" : "**fail**"} |`)
  const errors = ["a", "b", "c", "d", ...BODY_SIZES.map(([k]) => k)].flatMap((k) =>
    ["proxy", "floor"].filter((side) => r.workloads[k][side].errors > 0).map((side) => `${k}/${side}: ${r.workloads[k][side].errors}`)
  )
  if (errors.length > 0) lines.push("", `Answers other than 200 during the run (they still count in the rates): ${errors.join(", ")}`)
  const m = r.machine
  lines.push("")
  const rev = r.revision === undefined ? "" : `, commit ${r.revision.commit}${r.revision.srcModified ? " + local changes" : ""}`
  lines.push(`${m.cpuModel}, ${m.cpus} CPUs, Node ${m.node}, miniflare ${m.miniflare}, wrangler ${m.wrangler}, ${m.date.slice(0, 10)}${rev} (${r.mode} run)`)
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------------------

/**
 * Runs everything and returns the results (also written to `out` unless it is null). Every server
 * started here is closed and the Miniflare instance disposed, whatever happens.
 */
export const runBench = async (options = {}) => {
  const mode = options.smoke ? "smoke" : "full"
  const o = { ...(options.smoke ? SMOKE : FULL), ...(options.overrides ?? {}) }
  const root = options.root ?? repoRoot
  // A smoke run's numbers mean nothing: it writes nowhere unless told.
  const out = options.out === undefined ? (options.smoke ? null : join(benchDir, "results.json")) : options.out
  const started = performance.now()
  const print = options.log ?? ((line) => process.stderr.write(`${line}\n`))
  const log = (line) => print(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`)
  // What is measured is what the build saw, so the revision is read before building.
  const measured = revision(root)
  const dir = await mkdtemp(join(tmpdir(), "claude-failover-bench-"))
  const cleanup = []
  try {
    log(`building with wrangler (${root})`)
    // One build serves both: the minified bundle is what gets measured for size and what runs.
    const nodeBundle = join(dir, "node")
    const [minified, fromConfig] = await Promise.all([
      wranglerBuild(root, join(dir, "build"), true),
      workerOptionsFromConfig(root),
      bundleForNode(nodeBundle, root)
    ])
    const minifiedSource = readFileSync(minified.path)
    const bundle = {
      minifiedBytes: minifiedSource.byteLength,
      gzipBytes: minified.wranglerGzipKiB !== undefined ? Math.round(minified.wranglerGzipKiB * 1024) : gzipSync(minifiedSource).byteLength
    }

    // A smoke run's numbers mean nothing, so its in-process part runs alongside to save time.
    // The log level wrangler.toml sets (what a deployment runs with) unless told otherwise.
    const logLevel = options.logLevel ?? String(fromConfig.bindings?.LOG_LEVEL ?? "info")
    const cpuEarly = options.smoke ? inProcess(nodeBundle, o.inProcess, logLevel) : undefined
    cpuEarly?.catch(() => {})
    const upstream = await startUpstream({ streamEvents: o.streamEvents, bigBytes: o.bigBytes, probeDelayMs: o.probeDelayMs })
    cleanup.push(() => upstream.close())
    log("starting workerd")
    const runtime = await startRuntime(fromConfig, minified.path, upstream.url, options.logLevel)
    cleanup.push(() => runtime.mf.dispose())
    const rt = { ...runtime, upstream: upstream.url }
    const agents = {
      proxy: new Agent({ keepAlive: true, maxSockets: o.concurrency }),
      floor: new Agent({ keepAlive: true, maxSockets: o.concurrency })
    }
    cleanup.push(() => {
      agents.proxy.destroy()
      agents.floor.destroy()
    })
    log(`workerd (pid ${rt.pid ?? "?"}): proxy ${rt.proxy}, floor ${rt.floor}; upstream ${upstream.url}`)

    const all = workloads()
    const results = {}
    let forwarding
    try {
      for (const key of ["a", "b", "c", "d", ...BODY_SIZES.map(([k]) => k)]) results[key] = await measureWorkload(key, all[key], agents, rt, o, log)
      results.e = await measureBig(all.e, rt, o, log)
      forwarding = await measureForwarding(all.probe, rt, o)
    } catch (error) {
      const tail = rt.output.join("").slice(-4000)
      if (tail !== "") log(`workerd said:\n${tail}`)
      throw error
    }
    log("forwarding probe done")
    while (cleanup.length > 0) await cleanup.pop()()

    log("in-process CPU and transformer")
    const cpuRun = await (cpuEarly ?? inProcess(nodeBundle, o.inProcess, logLevel))
    log("done")

    const result = {
      schema: 1,
      mode,
      machine: machine(),
      revision: measured,
      parameters: { ...o, logLevel },
      workloads: results,
      cpu: cpuRun.cpu,
      transformer: cpuRun.transformer,
      forwarding,
      bundle
    }
    result.budgets = BUDGETS.map((b) => {
      const value = b.value(result)
      return { name: b.name, target: b.target, unit: b.unit, value, pass: Boolean(b.pass(value, result)) }
    })
    const missing = METRIC_PATHS.filter((p) => typeof get(result, p) !== "number" || !Number.isFinite(get(result, p)))
    if (missing.length > 0) log(`warning: no number for ${missing.join(", ")}`)
    if (out !== null) await writeFile(out, JSON.stringify(result, null, 2) + "\n")
    return result
  } finally {
    while (cleanup.length > 0) {
      try {
        await cleanup.pop()()
      } catch (error) {
        log(`cleanup: ${error}`)
      }
    }
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: { smoke: { type: "boolean" }, out: { type: "string" }, root: { type: "string" }, "log-level": { type: "string" } }
  })
  const result = await runBench({
    smoke: values.smoke === true,
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.root !== undefined ? { root: values.root } : {}),
    ...(values["log-level"] !== undefined ? { logLevel: values["log-level"] } : {})
  })
  console.log(table(result))
}
