/**
 * Where a provider keeps secrets: its `apiKey`, its AWS secret and session token, its service-account
 * private key. One list, so masking on reads, keeping a masked value on writes and `env:NAME`
 * references all know every secret field, and a new one is added in one place.
 */

/** Paths of a provider's secret fields, below the provider. */
export const SECRET_FIELDS: ReadonlyArray<readonly [string] | readonly [string, string]> = [
  ["apiKey"],
  ["aws", "secretAccessKey"],
  ["aws", "sessionToken"],
  ["serviceAccount", "private_key"]
]

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)

export const getSecret = (provider: unknown, path: ReadonlyArray<string>): string | undefined => {
  let at: unknown = provider
  for (const key of path) at = isObject(at) ? at[key] : undefined
  return typeof at === "string" ? at : undefined
}

/** A copy of `provider` with the secret at `path` replaced (its parent object copied too). */
export const setSecret = <P>(provider: P, path: ReadonlyArray<string>, value: string): P => {
  if (!isObject(provider)) return provider
  const [head, ...rest] = path
  if (head === undefined) return provider
  if (rest.length === 0) return { ...provider, [head]: value } as P
  const child = provider[head]
  return isObject(child) ? ({ ...provider, [head]: setSecret(child, rest, value) } as P) : provider
}

/** The provider with every secret field passed through `f` (absent fields stay absent). */
export const mapSecrets = <P>(provider: P, f: (value: string, path: ReadonlyArray<string>) => string): P => {
  let out = provider
  for (const path of SECRET_FIELDS) {
    const value = getSecret(out, path)
    if (value !== undefined) out = setSecret(out, path, f(value, path))
  }
  return out
}
