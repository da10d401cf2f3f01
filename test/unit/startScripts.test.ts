/**
 * The start scripts print the admin token only when they generated it just now: one that came from
 * the environment or .dev.vars stays out of terminal scrollback and CI logs.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** `npm start`'s script with `--help` passed to wrangler dev: the banner, then wrangler's help, and exit. */
const start = (cwd: string, env: Record<string, string | undefined>) =>
  new Promise<string>((resolve, reject) => {
    const childEnv = { ...process.env, ...env }
    if (env.ADMIN_TOKEN === undefined) delete childEnv.ADMIN_TOKEN
    execFile(process.execPath, [join(root, "scripts/start.mjs"), "--help"], { cwd, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) =>
      error !== null && error.killed ? reject(error) : resolve(stdout + stderr))
  })

describe("npm start's banner", () => {
  it("names where the token came from, and shows it only when it was generated now", async () => {
    const dir = await mkdtemp(join(tmpdir(), "claude-failover-start-"))
    try {
      const fromEnv = await start(dir, { ADMIN_TOKEN: "adm_from_the_environment_0123" })
      expect(fromEnv).toContain("admin token:  from ADMIN_TOKEN (not shown)")
      expect(fromEnv).not.toContain("adm_from_the_environment_0123")

      const generated = await start(dir, { ADMIN_TOKEN: undefined })
      const saved = /ADMIN_TOKEN="([^"]+)"/.exec(await readFile(join(dir, ".dev.vars"), "utf8"))![1]!
      expect(generated).toContain(`admin token:  ${saved}`)
      expect((await stat(join(dir, ".dev.vars"))).mode & 0o777).toBe(0o600)

      const again = await start(dir, { ADMIN_TOKEN: undefined })
      expect(again).toContain("admin token:  from .dev.vars (not shown)")
      expect(again).not.toContain(saved)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
