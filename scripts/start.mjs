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

// The configuration's variables, from the environment (wrangler dev reads .dev.vars itself), and
// whatever FAILOVER_CONFIG's `env:NAME` references name.
const CONFIG_VARIABLES = ["FAILOVER_CONFIG", "CLAUDE_API_BASE", "PRIMARY_BASE_URL", "CLAUDE_API_KEY", "ACCESS_TOKENS", "PROXY_ALLOWED_ORIGINS", "PROXY_TIMEOUT_MS"]
const referenced = [...(process.env.FAILOVER_CONFIG ?? "").matchAll(/"env:([A-Za-z_][A-Za-z0-9_]*)"/g)].map((m) => m[1])
const passed = [...new Set([...CONFIG_VARIABLES, ...referenced])].filter((name) => process.env[name] !== undefined && process.env[name] !== "")
  .flatMap((name) => ["--var", `${name}:${process.env[name]}`])

const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js")
const child = spawn(process.execPath, [
  wrangler, "dev",
  "--ip", "127.0.0.1",
  "--port", port,
  "--persist-to", ".wrangler/state",
  "--show-interactive-dev-session=false",
  "--var", `ADMIN_TOKEN:${adminToken}`,
  "--var", "ALLOW_PRIVATE_UPSTREAMS:true",
  ...passed,
  ...process.argv.slice(2)
], { stdio: ["inherit", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } })
// wrangler's access log shows request paths, and so `/t/<token>`: those are redacted on the way out.
pipeRedacted(child.stdout, process.stdout)
pipeRedacted(child.stderr, process.stderr)

const stop = (signal) => child.kill(signal)
process.on("SIGINT", () => stop("SIGINT"))
process.on("SIGTERM", () => stop("SIGTERM"))
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
