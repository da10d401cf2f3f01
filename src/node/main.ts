/**
 * The Node entry: the same app as the Worker (routes, admin API, providers, chain, formats) and the
 * admin page's built files (PAGE_DIR, default build/page), served by @effect/platform-node's HTTP
 * server. Only the services under it differ: the config document lives in a local file, and
 * health, usage and quotas are counted in this process.
 *
 * Environment: PORT (default 8787), HOST (default 127.0.0.1), CONFIG_FILE (default
 * .claude-failover/config.json), ADMIN_TOKEN, LOG_LEVEL, ALLOW_PRIVATE_UPSTREAMS (default "true":
 * a local proxy may use http:// and loopback upstreams), CONFIG_CACHE_MS, and the configuration's
 * own: FAILOVER_CONFIG (or `--config FILE`), CLAUDE_API_BASE / PRIMARY_BASE_URL, CLAUDE_API_KEY,
 * ACCESS_TOKENS, PROXY_ALLOWED_ORIGINS, PROXY_TIMEOUT_MS, and whatever `env:NAME` references name.
 * `npm run start:node` (scripts/start-node.mjs) builds this file and fills ADMIN_TOKEN in.
 */
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { HttpLayerRouter, HttpServer } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Layer } from "effect"
import * as App from "../App.js"
import { type Bindings, WorkerEnv } from "../Env.js"
import * as Health from "../Health/Health.js"
import * as Usage from "../Health/Usage.js"
import * as Quota from "../Quota/Quota.js"
import * as Tracing from "../Tracing.js"
import * as FileConfig from "./FileConfig.js"
import * as PageFiles from "./PageFiles.js"
import * as WebBridge from "./WebBridge.js"

const env = process.env

/** `--config FILE`: the whole configuration from a file, as FAILOVER_CONFIG would give it. */
const { values: args } = parseArgs({ options: { config: { type: "string" } }, strict: false })
const configFromFile = typeof args.config === "string" ? readFileSync(resolve(args.config), "utf8") : undefined

// Every variable is there for `env:NAME` references; the ones this entry reads are set on top.
const bindings: Bindings = {
  ...env,
  ADMIN_TOKEN: env.ADMIN_TOKEN,
  LOG_LEVEL: env.LOG_LEVEL,
  ALLOW_PRIVATE_UPSTREAMS: env.ALLOW_PRIVATE_UPSTREAMS ?? "true",
  CONFIG_CACHE_MS: env.CONFIG_CACHE_MS,
  FAILOVER_CONFIG: configFromFile ?? env.FAILOVER_CONFIG
}

const configFile = resolve(env.CONFIG_FILE ?? FileConfig.DEFAULT_PATH)
const port = Number(env.PORT ?? 8787)
const host = env.HOST ?? "127.0.0.1"

/** The services under the shared app, Node's way. */
const Services = Layer.mergeAll(
  FileConfig.layer(configFile),
  Health.layerMemory,
  Usage.layerMemory,
  Layer.sync(Quota.Quota, Quota.makeMemory)
)

const banner = (url: string) => {
  const token = bindings.ADMIN_TOKEN
  // Shown only when `npm run start:node` generated it now; one that came from somewhere stays there.
  const generated = token !== undefined && env.ADMIN_TOKEN_SOURCE === "generated"
  const shown = token === undefined
    ? "(none: set ADMIN_TOKEN to open the admin API)"
    : generated
    ? token
    : `from ${env.ADMIN_TOKEN_SOURCE ?? "ADMIN_TOKEN"} (not shown)`
  return `
claude-failover (Node) on ${url}
  admin token:  ${shown}
  Claude Code:  ANTHROPIC_BASE_URL=${url} claude
  admin page:   ${url}/admin
  config API:   curl -H "Authorization: Bearer ${generated ? token : "<admin token>"}" ${url}/admin/api/config
  config file:  ${configFile}
`
}

const Banner = Layer.effectDiscard(
  HttpServer.addressWith((address) =>
    Effect.sync(() => {
      const url = address._tag === "TcpAddress"
        ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
        : `unix:${address.path}`
      console.log(banner(url))
    })
  )
)

const Main = HttpLayerRouter.serve(Layer.mergeAll(App.app, WebBridge.layer, PageFiles.layerFrom(env)), {
  disableLogger: true,
  disableListenLog: true
}).pipe(
  Layer.merge(Banner),
  Layer.provide(Services),
  Layer.provide(NodeHttpServer.layer(createServer, { port, host })),
  Layer.provide(Layer.succeed(WorkerEnv, bindings)),
  Layer.provide(Tracing.layer(Tracing.parseLogLevel(bindings.LOG_LEVEL)))
)

NodeRuntime.runMain(Layer.launch(Main))
