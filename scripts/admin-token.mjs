// The local admin token, shared by `npm start` (the Worker) and `npm run start:node`: ADMIN_TOKEN from
// the environment, else from .dev.vars, else a new one generated once and saved to .dev.vars.
import { randomBytes } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"

const fromDevVars = (devVars) => {
  if (!existsSync(devVars)) return undefined
  const m = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(devVars, "utf8"))
  return m?.[1]
}

/**
 * The token and where it came from.
 * @returns {{ token: string, source: "ADMIN_TOKEN" | ".dev.vars" | "generated" }}
 */
export const resolveAdminToken = ({ env = process.env, devVars = ".dev.vars" } = {}) => {
  if (env.ADMIN_TOKEN !== undefined && env.ADMIN_TOKEN !== "") return { token: env.ADMIN_TOKEN, source: "ADMIN_TOKEN" }
  const saved = fromDevVars(devVars)
  if (saved !== undefined) return { token: saved, source: ".dev.vars" }
  const token = `adm_${randomBytes(24).toString("base64url")}`
  const previous = existsSync(devVars) ? readFileSync(devVars, "utf8") : ""
  writeFileSync(devVars, `${previous}${previous && !previous.endsWith("\n") ? "\n" : ""}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 })
  console.log(`Generated an admin token and saved it in ${devVars}`)
  return { token, source: "generated" }
}

/** @returns {string} */
export const adminToken = (options = {}) => resolveAdminToken(options).token

/**
 * What a start banner shows for the token: the token only when it was generated just now (it is
 * needed once, to sign in); otherwise where it lives, so it does not land in scrollback or CI logs.
 * @param {{ token: string, source: string }} resolved
 */
export const describeAdminToken = ({ source, token }) => (source === "generated" ? token : `from ${source} (not shown)`)

/** The token as a banner's example command shows it. */
export const tokenInExample = ({ source, token }) => (source === "generated" ? token : "<admin token>")
