#!/usr/bin/env node
// In-process mode: the Worker's own module (src/index.ts, bundled with esbuild, "cloudflare:workers"
// shimmed) runs in Node, driven with Request objects while the global fetch answers from memory.
// It measures CPU per request with process.cpuUsage (the proxy beside the floor Worker, interleaved)
// and the OpenAI stream transformer's events per CPU-second. It is the mode to profile:
//
//   node --cpu-prof --cpu-prof-dir=bench/profiles bench/inprocess.mjs --profile proxy --workloads a \
//     --bundle-dir bench/profiles/bundle
//   node bench/profile.mjs bench/profiles/<file>.cpuprofile
import * as esbuild from "esbuild"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import floor from "./floor.mjs"
import * as P from "./payloads.mjs"
import { ADMIN_TOKEN, BODY_SIZES, workloads } from "./workloads.mjs"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const UPSTREAM = "http://upstream.bench"

export const IN_PROCESS_DEFAULTS = {
  requests: 2000,
  warmup: 200,
  blocks: 4,
  streamEvents: 2000,
  transformerEvents: 200_000,
  workloads: ["a", "b", "c", "d", ...BODY_SIZES.map(([k]) => k)]
}

/** Least-squares slope of added CPU (ms) over body size (MiB). */
const slope = (points) => {
  const n = points.length
  const mx = points.reduce((a, p) => a + p.x, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0)
  return sxx === 0 ? NaN : points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx
}

/** src/index.ts and the OpenAI adapter of the checkout at `root` as Node modules; `dir` is removed by the caller. */
export const bundleForNode = async (dir, root = repoRoot) => {
  const shim = fileURLToPath(new URL("./shim/cloudflare-workers.mjs", import.meta.url))
  await esbuild.build({
    entryPoints: {
      worker: join(root, "src/index.ts"),
      openai: join(root, "src/formats/openai/index.ts"),
      translator: join(root, "src/formats/StreamTranslator.ts")
    },
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
    plugins: [{
      name: "cloudflare-workers-shim",
      setup(build) {
        build.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: shim }))
      }
    }]
  })
  return { worker: join(dir, "worker.mjs"), openai: join(dir, "openai.mjs"), translator: join(dir, "translator.mjs") }
}

const memoryKv = () => {
  const map = new Map()
  return {
    get: async (key, type) => {
      const v = map.get(key)
      if (v === undefined) return null
      return type === "json" || type?.type === "json" ? JSON.parse(v) : v
    },
    put: async (key, value) => void map.set(key, String(value)),
    delete: async (key) => void map.delete(key),
    list: async () => ({ keys: [...map.keys()].map((name) => ({ name })), list_complete: true })
  }
}

const streamOf = (chunks) => {
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++])
      else controller.close()
    }
  })
}

/** The upstream in memory: same routes and bytes as bench/upstream.mjs, one SSE frame per chunk. */
export const memoryUpstream = (options = {}) => {
  const enc = new TextEncoder()
  const message = enc.encode(P.anthropicMessage())
  const overloaded = enc.encode(P.overloaded())
  const stream = P.group(P.anthropicStream(options.streamEvents ?? 2000), 1)
  const openai = P.group(P.openaiToolCallStream(), 1)
  const json = P.answerHeaders("application/json")
  const sse = P.answerHeaders("text/event-stream; charset=utf-8")
  return async (input) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
    const route = new URL(url).pathname.split("/")[1]
    switch (route) {
      case "msg":
        return new Response(message, { status: 200, headers: json })
      case "fail529":
        return new Response(overloaded, { status: 529, headers: json })
      case "stream":
        return new Response(streamOf(stream), { status: 200, headers: sse })
      case "openai":
        return new Response(streamOf(openai), { status: 200, headers: { "content-type": "text/event-stream" } })
      default:
        return new Response("not found", { status: 404 })
    }
  }
}

const drain = async (response) => {
  if (response.body === null) return 0
  const reader = response.body.getReader()
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return bytes
    bytes += value.byteLength
  }
}

const cpuMs = (since) => {
  const d = process.cpuUsage(since)
  return (d.user + d.system) / 1000
}

/** Loads the bundled Worker with a memory KV and returns its fetch and the floor's, both in this process. */
export const loadTargets = async (bundle, { logLevel = "info" } = {}) => {
  const pending = []
  const ctx = { waitUntil: (p) => void pending.push(p), passThroughOnException: () => {}, props: {} }
  const env = Object.assign((globalThis.__claudeFailoverBenchEnv ??= {}), {
    ADMIN_TOKEN,
    ALLOW_PRIVATE_UPSTREAMS: "true",
    CONFIG_CACHE_MS: "5000",
    LOG_LEVEL: logLevel,
    CONFIG: memoryKv()
  })
  const worker = (await import(pathToFileURL(bundle.worker).href)).default
  const settle = async () => {
    while (pending.length > 0) await Promise.allSettled(pending.splice(0))
  }
  return {
    proxy: async (request) => {
      const response = await worker.fetch(request, env, ctx)
      return { response, settle }
    },
    floor: async (request) => ({ response: await floor.fetch(request, { UPSTREAM }), settle }),
    putConfig: async (doc) => {
      const r = await worker.fetch(
        new Request("http://proxy.bench/admin/api/config", {
          method: "PUT",
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify(doc)
        }),
        env,
        ctx
      )
      const text = await r.text()
      await settle()
      if (r.status !== 200) throw new Error(`config rejected: ${r.status} ${text}`)
    }
  }
}

const send = async (target, w, which) => {
  const path = which === "proxy" ? w.proxyPath : w.floorPath
  const request = new Request(`http://${which}.bench${path}`, { method: "POST", headers: w.headers, body: w.body })
  const { response, settle } = await target(request)
  if (response.status !== 200) throw new Error(`${which} ${w.title}: status ${response.status}: ${await response.text()}`)
  const bytes = await drain(response)
  await settle()
  return { response, bytes }
}

/**
 * CPU per request of the proxy and of the floor, in interleaved blocks (proxy, floor, floor, proxy,
 * ...). `profile` runs one side only (for --cpu-prof).
 */
export const measureCpu = async (targets, w, { requests, warmup, blocks, profile }) => {
  await targets.putConfig(w.config(UPSTREAM))
  const first = await targets.proxy(new Request(`http://proxy.bench${w.proxyPath}`, { method: "POST", headers: w.headers, body: w.body }))
  if (first.response.headers.get("x-failover-provider") !== w.provider) {
    throw new Error(`${w.title}: expected provider ${w.provider}, got ${first.response.headers.get("x-failover-provider")} (${first.response.status})`)
  }
  await drain(first.response)
  const sides = profile === undefined ? ["proxy", "floor"] : [profile]
  for (const side of sides) for (let i = 0; i < warmup; i++) await send(targets[side], w, side)
  const total = { proxy: 0, floor: 0 }
  const count = { proxy: 0, floor: 0 }
  const perBlock = Math.max(1, Math.ceil(requests / blocks))
  for (let b = 0; b < blocks; b++) {
    const order = b % 2 === 0 ? sides : [...sides].reverse()
    for (const side of order) {
      const before = process.cpuUsage()
      for (let i = 0; i < perBlock; i++) await send(targets[side], w, side)
      total[side] += cpuMs(before)
      count[side] += perBlock
    }
  }
  const proxy = count.proxy > 0 ? total.proxy / count.proxy : NaN
  const floorMs = count.floor > 0 ? total.floor / count.floor : NaN
  return { requests: count.proxy || count.floor, proxyCpuMs: proxy, floorCpuMs: floorMs, addedCpuMs: proxy - floorMs }
}

/**
 * The OpenAI stream transformer as the proxy uses it (translateBody over adapter.translate(...).streamTranslator()),
 * fed one upstream event per chunk (the worst case: no batching to amortise per-chunk costs):
 * upstream events per CPU-second. The same chunks through an identity translator give the stream
 * plumbing's own cost, so the translation's share can be told apart.
 */
export const measureTransformer = async (bundle, totalEvents) => {
  const { OpenAiFormat } = await import(pathToFileURL(bundle.openai).href)
  const { translateBody } = await import(pathToFileURL(bundle.translator).href)
  const request = JSON.parse(new TextDecoder().decode(P.claudeCodeBody(true)))
  const translation = OpenAiFormat.translate(request, {
    provider: { name: "bench", baseUrl: `${UPSTREAM}/openai`, apiKey: "sk-bench" },
    model: "gpt-bench"
  })
  const frames = P.openaiToolCallStream(1000, 1000)
  const chunks = P.group(frames, 1)
  const identity = () => ({ push: (chunk) => chunk, end: () => undefined })
  const makers = { translated: () => translation.streamTranslator(), plumbing: identity }
  const once = async (make) => {
    const bytes = await drain(new Response(translateBody(streamOf(chunks), make())))
    if (bytes === 0) throw new Error("the transformer produced nothing")
  }
  for (const make of Object.values(makers)) for (let i = 0; i < 3; i++) await once(make)
  // Interleaved blocks (translated, plumbing, plumbing, translated, ...) so drift cancels out.
  const runs = Math.max(2, Math.ceil(totalEvents / frames.length))
  const blocks = Math.min(runs, 6)
  const stats = { translated: { events: 0, cpuMs: 0, wallMs: 0 }, plumbing: { events: 0, cpuMs: 0, wallMs: 0 } }
  for (let b = 0; b < blocks; b++) {
    const order = b % 2 === 0 ? ["translated", "plumbing"] : ["plumbing", "translated"]
    for (const name of order) {
      const n = Math.ceil(runs / blocks)
      const before = process.cpuUsage()
      const t0 = performance.now()
      for (let i = 0; i < n; i++) await once(makers[name])
      stats[name].cpuMs += cpuMs(before)
      stats[name].wallMs += performance.now() - t0
      stats[name].events += n * frames.length
    }
  }
  const { translated, plumbing } = stats
  const perEvent = translated.cpuMs / translated.events
  const plumbingPerEvent = plumbing.cpuMs / plumbing.events
  return {
    events: translated.events,
    eventsPerCpuSec: 1000 / perEvent,
    eventsPerSec: translated.events / (translated.wallMs / 1000),
    plumbingEventsPerCpuSec: 1000 / plumbingPerEvent,
    translationEventsPerCpuSec: perEvent > plumbingPerEvent ? 1000 / (perEvent - plumbingPerEvent) : Infinity
  }
}

/** Everything the in-process mode measures. */
export const runInProcess = async (options = {}) => {
  const o = { ...IN_PROCESS_DEFAULTS, ...options }
  const dir = o.bundleDir ?? (await mkdtemp(join(tmpdir(), "claude-failover-bench-node-")))
  const realFetch = globalThis.fetch
  const realLog = console.log
  try {
    const bundle = o.prebuilt === true
      ? { worker: join(dir, "worker.mjs"), openai: join(dir, "openai.mjs"), translator: join(dir, "translator.mjs") }
      : await bundleForNode(dir, o.root)
    globalThis.fetch = memoryUpstream({ streamEvents: o.streamEvents })
    // Log lines are still built (their cost is the Worker's), just not written to the terminal.
    console.log = () => {}
    // The transformer first, in a fresh heap; then the requests.
    const transformer = o.profile === undefined || o.transformer === true ? await measureTransformer(bundle, o.transformerEvents) : undefined
    const targets = await loadTargets(bundle, { logLevel: o.logLevel ?? "info" })
    const all = workloads()
    const cpu = {}
    for (const key of o.workloads) {
      const w = all[key]
      // Large bodies: fewer requests (the same order of total bytes), at least 200 (their garbage
      // collection is what varies most between runs).
      const scale = w.bytes === undefined ? 1 : Math.max(1, w.bytes / (256 * 1024))
      cpu[key] = await measureCpu(targets, w, { ...o, requests: Math.max(Math.min(o.requests, 200), Math.round(o.requests / scale)), warmup: Math.max(Math.min(o.warmup, 20), Math.round(o.warmup / scale)) })
      if (w.bytes !== undefined) cpu[key].bytes = w.bytes
    }
    const sized = BODY_SIZES.map(([k]) => cpu[k]).filter((c) => c !== undefined)
    if (sized.length >= 2) cpu.slopeMsPerMiB = slope(sized.map((c) => ({ x: c.bytes / (1024 * 1024), y: c.addedCpuMs })))
    return { cpu, transformer }
  } finally {
    globalThis.fetch = realFetch
    console.log = realLog
    if (o.bundleDir === undefined) await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      requests: { type: "string" },
      warmup: { type: "string" },
      blocks: { type: "string" },
      "stream-events": { type: "string" },
      "transformer-events": { type: "string" },
      workloads: { type: "string" },
      profile: { type: "string" },
      transformer: { type: "boolean" },
      "bundle-dir": { type: "string" },
      root: { type: "string" },
      prebuilt: { type: "boolean" },
      "log-level": { type: "string" },
      json: { type: "boolean" }
    }
  })
  const options = {
    ...(values.requests ? { requests: Number(values.requests) } : {}),
    ...(values.warmup ? { warmup: Number(values.warmup) } : {}),
    ...(values.blocks ? { blocks: Number(values.blocks) } : {}),
    ...(values["stream-events"] ? { streamEvents: Number(values["stream-events"]) } : {}),
    ...(values["transformer-events"] ? { transformerEvents: Number(values["transformer-events"]) } : {}),
    ...(values.workloads ? { workloads: values.workloads.split(",") } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.transformer ? { transformer: true } : {}),
    ...(values["bundle-dir"] ? { bundleDir: values["bundle-dir"] } : {}),
    ...(values.root ? { root: values.root } : {}),
    ...(values.prebuilt ? { prebuilt: true } : {}),
    ...(values["log-level"] ? { logLevel: values["log-level"] } : {})
  }
  const result = await runInProcess(options)
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n")
  else {
    for (const [k, v] of Object.entries(result.cpu)) {
      if (typeof v === "number") {
        console.log(`${k}: ${v.toFixed(3)}`)
        continue
      }
      console.log(`${k}: proxy ${v.proxyCpuMs.toFixed(3)} ms, floor ${v.floorCpuMs.toFixed(3)} ms, added ${v.addedCpuMs.toFixed(3)} ms CPU/request (${v.requests} requests)`)
    }
    const t = result.transformer
    if (t) {
      console.log(`transformer: ${Math.round(t.eventsPerCpuSec)} events/CPU-s (${t.events} events); ` +
        `stream plumbing alone ${Math.round(t.plumbingEventsPerCpuSec)}, translation alone ${Math.round(t.translationEventsPerCpuSec)}`)
    }
  }
}
