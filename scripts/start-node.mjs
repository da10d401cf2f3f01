#!/usr/bin/env node
// `npm run start:node`: the same app on Node's HTTP server, on http://127.0.0.1:8787 (PORT and HOST
// override), with the config document in .claude-failover/config.json (CONFIG_FILE overrides).
// src/node/main.ts is bundled with esbuild (the one wrangler brings; packages stay external) to
// .wrangler/node/main.mjs and run in this process; the admin page is built to build/page/ and
// served from there. The admin token comes from ADMIN_TOKEN, else
// .dev.vars, else is generated once, written to .dev.vars and printed (as with `npm start`).
import { mkdirSync, renameSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { resolveAdminToken } from "./admin-token.mjs"
import { buildPage, pageDir } from "./build-page.mjs"
import { loadEsbuild } from "./load-esbuild.mjs"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
export const entry = join(root, "src/node/main.ts")
export const defaultOutfile = join(root, ".wrangler/node/main.mjs")

/** Bundle the Node entry to `outfile` (written whole, then renamed into place). */
export const buildNode = async (outfile = defaultOutfile) => {
  const esbuild = await loadEsbuild()
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    write: false,
    logLevel: "warning"
  })
  mkdirSync(dirname(outfile), { recursive: true })
  const temporary = `${outfile}.${process.pid}.tmp`
  writeFileSync(temporary, result.outputFiles[0].contents)
  renameSync(temporary, outfile)
  return outfile
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outfile = await buildNode()
  // The admin page's files, the same the Worker's Static Assets serve.
  await buildPage()
  process.env.PAGE_DIR ??= pageDir
  const resolved = resolveAdminToken()
  process.env.ADMIN_TOKEN = resolved.token
  // The banner shows the token only when it was generated now.
  process.env.ADMIN_TOKEN_SOURCE = resolved.source
  process.setSourceMapsEnabled(true)
  await import(pathToFileURL(outfile).href)
}
