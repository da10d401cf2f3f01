#!/usr/bin/env node
// The admin page's static files: web/admin/ (TypeScript modules, the HTML and the stylesheet) built
// with esbuild into build/page/ (the page at admin/index.html, its script and styles in admin/static/),
// the directory Workers Static Assets serves (wrangler.toml `[assets]`) and `npm run start:node`
// serves too. `_headers` carries the page's security headers (web/admin/headers.json).
// Runs before `wrangler dev` and `wrangler deploy` (wrangler.toml `[build]`) and in the tests' setup.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { loadEsbuild } from "./load-esbuild.mjs"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const source = join(root, "web/admin")
export const pageDir = join(root, "build/page")

/** `_headers`: the same headers on the page (`/admin`) and on each of its files. */
const headersFile = () => {
  const headers = JSON.parse(readFileSync(join(source, "headers.json"), "utf8"))
  const lines = Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)
  return ["/admin", ...lines, "/admin/static/*", ...lines, ""].join("\n")
}

const listing = (dir) => readdirSync(dir, { recursive: true }).map(String).sort()
const sameFiles = (a, b) => {
  if (!existsSync(b)) return false
  const files = listing(a)
  return JSON.stringify(files) === JSON.stringify(listing(b)) &&
    files.every((f) => {
      try {
        return statSync(join(a, f)).isDirectory() ? statSync(join(b, f)).isDirectory() : readFileSync(join(a, f)).equals(readFileSync(join(b, f)))
      } catch {
        return false
      }
    })
}

/** Build into a fresh directory, then swap it in: a server reading the old files never sees half a build. */
export const buildPage = async ({ outdir = pageDir } = {}) => {
  const esbuild = await loadEsbuild()
  const staging = `${outdir}.${process.pid}.tmp`
  rmSync(staging, { recursive: true, force: true })
  await esbuild.build({
    entryPoints: [{ in: join(source, "main.ts"), out: "app" }, { in: join(source, "style.css"), out: "app" }],
    outdir: join(staging, "admin/static"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    // effect's Schema imports fast-check for `Arbitrary`, which the page never runs (as in wrangler.toml).
    alias: { "fast-check": join(root, "src/stubs/fast-check.ts") },
    logLevel: "warning"
  }).catch((error) => {
    rmSync(staging, { recursive: true, force: true })
    throw error
  })
  writeFileSync(join(staging, "admin/index.html"), readFileSync(join(source, "index.html")))
  writeFileSync(join(staging, "_headers"), headersFile())
  // The same files as before (esbuild is deterministic): keep the directory a server may be reading.
  if (sameFiles(staging, outdir)) {
    rmSync(staging, { recursive: true, force: true })
    return outdir
  }
  mkdirSync(dirname(outdir), { recursive: true })
  const old = `${outdir}.${process.pid}.old`
  // Two builds at once (test projects starting together) each swap a whole directory in; the last wins.
  for (let attempt = 0; ; attempt++) {
    try { renameSync(outdir, old) } catch { /* none yet, or the other build moved it */ }
    try {
      renameSync(staging, outdir)
      break
    } catch (error) {
      if (attempt >= 5) throw error
    }
  }
  rmSync(old, { recursive: true, force: true })
  return outdir
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildPage()
}
