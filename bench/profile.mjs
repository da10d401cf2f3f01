#!/usr/bin/env node
// Summarises a .cpuprofile from the in-process mode: self and inclusive time per function, and self
// time per source module (the unminified esbuild bundle marks each module with a `// path` comment,
// so a line in the bundle maps back to src/... or node_modules/...).
//
//   node bench/profile.mjs <file.cpuprofile> [--top 25] [--filter Proxy] [--bundle <index.js>]
//
// `--bundle` names the script a workerd profile (taken through the inspector) refers to as "index.js".
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const moduleMaps = new Map()
/** The bundle a profile's relative script URLs (workerd's "index.js") refer to. */
let bundleFile

/** Line (0-based) -> module path, from the bundle's `// path` markers. */
const moduleOf = (url, line) => {
  const local = url.startsWith("file://") || (bundleFile !== undefined && url !== "" && !url.includes(":"))
  if (!local) return url === "" ? "(native)" : url
  let map = moduleMaps.get(url)
  if (map === undefined) {
    const path = url.startsWith("file://") ? fileURLToPath(url) : bundleFile
    map = []
    if (existsSync(path) && /\.m?js$/.test(path)) {
      readFileSync(path, "utf8").split("\n").forEach((text, i) => {
        const m = /^\/\/ (\S+\.(?:ts|tsx|js|mjs|cjs|json))$/.exec(text)
        if (m) map.push([i, m[1].replace(/^(?:\.\.\/)+/, "").replace(/^.*?\b((?:src|node_modules|bench|scripts|test)\/)/, "$1")])
      })
    }
    if (map.length === 0) map.push([0, path.replace(/^.*\/(bench|src|node_modules)\//, "$1/")])
    moduleMaps.set(url, map)
  }
  let lo = 0
  let hi = map.length - 1
  let found = map[0][1]
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (map[mid][0] <= line) {
      found = map[mid][1]
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** Self and inclusive time per function and self time per module; `bundle`: see --bundle. */
export const summarise = (profile, bundle) => {
  if (bundle !== undefined) bundleFile = bundle
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = (n) => {
    const f = n.callFrame
    const name = f.functionName || "(anonymous)"
    return { key: `${name} ${moduleOf(f.url, f.lineNumber)}:${f.lineNumber + 1}`, module: moduleOf(f.url, f.lineNumber), name }
  }
  const keys = new Map()
  const key = (id) => {
    let k = keys.get(id)
    if (k === undefined) keys.set(id, (k = keyOf(byId.get(id))))
    return k
  }
  const self = new Map()
  const inclusive = new Map()
  const modules = new Map()
  let total = 0
  const deltas = profile.timeDeltas
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000
    total += dt
    const id = profile.samples[i]
    const k = key(id)
    self.set(k.key, (self.get(k.key) ?? 0) + dt)
    modules.set(k.module, (modules.get(k.module) ?? 0) + dt)
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const kk = key(at).key
      if (seen.has(kk)) continue
      seen.add(kk)
      inclusive.set(kk, (inclusive.get(kk) ?? 0) + dt)
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1])
  return { totalMs: total, self: sorted(self), inclusive: sorted(inclusive), modules: sorted(modules) }
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: "string" }, filter: { type: "string" }, bundle: { type: "string" } }
  })
  bundleFile = values.bundle
  const top = Number(values.top ?? 25)
  const s = summarise(JSON.parse(readFileSync(positionals[0], "utf8")))
  const pct = (ms) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`
  const show = (title, rows) => {
    console.log(`\n${title}`)
    for (const [k, ms] of rows.filter(([k]) => values.filter === undefined || k.includes(values.filter)).slice(0, top)) {
      console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`)
    }
  }
  console.log(`total sampled: ${s.totalMs.toFixed(0)} ms`)
  show("self time by module", s.modules)
  show("self time by function", s.self)
  show("inclusive time by function", s.inclusive)
}
