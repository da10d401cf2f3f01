#!/usr/bin/env node
// `npm start`: the Worker on http://127.0.0.1:8787 (PORT overrides) with local KV persisted under
// .wrangler/. The admin token comes from ADMIN_TOKEN, else .dev.vars, else is generated once,
// written to .dev.vars and printed (only then). Local runs may use http:// and loopback upstreams.
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import { describeAdminToken, resolveAdminToken, tokenInExample } from "./admin-token.mjs"
import { pipeRedacted } from "./redact-path-tokens.mjs"

const port = process.env.PORT ?? "8787"
const resolved = resolveAdminToken()
const adminToken = resolved.token

console.log(`
claude-failover on http://127.0.0.1:${port}
  admin token:  ${describeAdminToken(resolved)}
  Claude Code:  ANTHROPIC_BASE_URL=http://127.0.0.1:${port} claude
  config API:   curl -H "Authorization: Bearer ${tokenInExample(resolved)}" http://127.0.0.1:${port}/admin/api/config
`)

const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js")
const child = spawn(process.execPath, [
  wrangler, "dev",
  "--ip", "127.0.0.1",
  "--port", port,
  "--persist-to", ".wrangler/state",
  "--show-interactive-dev-session=false",
  "--var", `ADMIN_TOKEN:${adminToken}`,
  "--var", "ALLOW_PRIVATE_UPSTREAMS:true",
  ...process.argv.slice(2)
], { stdio: ["inherit", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } })
// wrangler's access log shows request paths, and so `/t/<token>`: those are redacted on the way out.
pipeRedacted(child.stdout, process.stdout)
pipeRedacted(child.stderr, process.stderr)

const stop = (signal) => child.kill(signal)
process.on("SIGINT", () => stop("SIGINT"))
process.on("SIGTERM", () => stop("SIGTERM"))
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
