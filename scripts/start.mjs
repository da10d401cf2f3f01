#!/usr/bin/env node
// `npm start`: the Worker on http://127.0.0.1:8787 (PORT overrides) with local KV persisted under
// .wrangler/. The admin token comes from ADMIN_TOKEN, else .dev.vars, else is generated once,
// written to .dev.vars and printed. Local runs may use http:// and loopback upstreams.
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"

const port = process.env.PORT ?? "8787"
const devVars = ".dev.vars"

const fromDevVars = () => {
  if (!existsSync(devVars)) return undefined
  const m = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(devVars, "utf8"))
  return m?.[1]
}

let adminToken = process.env.ADMIN_TOKEN ?? fromDevVars()
if (adminToken === undefined) {
  adminToken = `adm_${randomBytes(24).toString("base64url")}`
  const previous = existsSync(devVars) ? readFileSync(devVars, "utf8") : ""
  writeFileSync(devVars, `${previous}${previous && !previous.endsWith("\n") ? "\n" : ""}ADMIN_TOKEN="${adminToken}"\n`, { mode: 0o600 })
  console.log(`Generated an admin token and saved it in ${devVars}`)
}

console.log(`
claude-failover on http://127.0.0.1:${port}
  admin token:  ${adminToken}
  Claude Code:  ANTHROPIC_BASE_URL=http://127.0.0.1:${port} claude
  config API:   curl -H "Authorization: Bearer ${adminToken}" http://127.0.0.1:${port}/admin/api/config
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
], { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } })

const stop = (signal) => child.kill(signal)
process.on("SIGINT", () => stop("SIGINT"))
process.on("SIGTERM", () => stop("SIGTERM"))
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
