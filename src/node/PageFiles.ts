/**
 * The admin page on Node: the files `scripts/build-page.mjs` wrote (the same ones Workers Static
 * Assets serves), with the headers its `_headers` file gives them there. Read once at start.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { extname, join } from "node:path"
import { HttpLayerRouter, type HttpRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml"
}

/** `_headers` as Static Assets reads it, for the rules the build writes: an exact path or `prefix/*`. */
export const parseHeaders = (text: string) => {
  const rules: Array<{ readonly pattern: string; readonly headers: Record<string, string> }> = []
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue
    if (!/^\s/.test(line)) rules.push({ pattern: line.trim(), headers: {} })
    else {
      const colon = line.indexOf(":")
      const rule = rules[rules.length - 1]
      if (rule && colon > 0) rule.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
  }
  return (path: string) =>
    Object.assign(
      {},
      ...rules
        .filter((r) => r.pattern === path || (r.pattern.endsWith("/*") && path.startsWith(r.pattern.slice(0, -1))))
        .map((r) => r.headers)
    ) as Record<string, string>
}

const notBuilt = (dir: string) =>
  HttpServerResponse.text(`The admin page is not built (no ${dir}): run \`node scripts/build-page.mjs\`.\n`, {
    status: 503,
    contentType: "text/plain; charset=utf-8"
  })

/** `GET /admin` and `/admin/static/<file>` from `dir` (build/page). */
export const layer = (dir: string) =>
  HttpLayerRouter.use((router) =>
    Effect.gen(function*() {
      const pageDir = join(dir, "admin")
      if (!existsSync(join(pageDir, "index.html"))) {
        yield* router.add("GET", "/admin", Effect.succeed(notBuilt(dir)))
        return
      }
      const headersFor = parseHeaders(existsSync(join(dir, "_headers")) ? readFileSync(join(dir, "_headers"), "utf8") : "")
      const serve = (path: HttpRouter.PathInput, file: string) => {
        const response = HttpServerResponse.uint8Array(readFileSync(join(pageDir, file)), {
          contentType: CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
          headers: { "cache-control": "no-cache", ...headersFor(path) }
        })
        return router.add("GET", path, Effect.succeed(response))
      }
      yield* serve("/admin", "index.html")
      const statics = existsSync(join(pageDir, "static")) ? readdirSync(join(pageDir, "static")) : []
      for (const file of statics) yield* serve(`/admin/static/${file}` as const, join("static", file))
    })
  )

/** Where the page's files are: PAGE_DIR, else build/page under the working directory. */
export const defaultDir = (env: Readonly<Record<string, string | undefined>>) => env.PAGE_DIR ?? join(process.cwd(), "build/page")

export const layerFrom = (env: Readonly<Record<string, string | undefined>>) => layer(defaultDir(env))
