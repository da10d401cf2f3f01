// The local admin token, shared by `npm start` (the Worker) and `npm run start:node`: ADMIN_TOKEN from
// the environment, else from .dev.vars, else a new one generated once and saved to .dev.vars.
import { randomBytes } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"

const fromDevVars = (devVars) => {
  if (!existsSync(devVars)) return undefined
  const m = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(devVars, "utf8"))
  return m?.[1]
}

/** @returns {string} */
export const adminToken = ({ env = process.env, devVars = ".dev.vars" } = {}) => {
  const known = env.ADMIN_TOKEN ?? fromDevVars(devVars)
  if (known !== undefined) return known
  const token = `adm_${randomBytes(24).toString("base64url")}`
  const previous = existsSync(devVars) ? readFileSync(devVars, "utf8") : ""
  writeFileSync(devVars, `${previous}${previous && !previous.endsWith("\n") ? "\n" : ""}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 })
  console.log(`Generated an admin token and saved it in ${devVars}`)
  return token
}
