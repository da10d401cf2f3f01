/**
 * Where a provider keeps secrets: its `apiKey`, its AWS secret and session token, its service-account
 * private key, and the same in each key of its pool (`keys[i].key`, `keys[i].aws.*`). One list, so
 * masking on reads, keeping a masked value on writes and `env:NAME` references all know every secret
 * field, and a new one is added in one place.
 */

type Path = ReadonlyArray<string | number>

/** Paths of a provider's own secret fields, below the provider. */
export const SECRET_FIELDS: ReadonlyArray<readonly [string] | readonly [string, string]> = [
  ["apiKey"],
  ["aws", "secretAccessKey"],
  ["aws", "sessionToken"],
  ["serviceAccount", "private_key"]
]

/** Paths of a pooled key's secret fields, below the key. */
export const KEY_SECRET_FIELDS: ReadonlyArray<readonly [string] | readonly [string, string]> = [
  ["key"],
  ["aws", "secretAccessKey"],
  ["aws", "sessionToken"]
]

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)

/** Every secret path of this provider as it stands (its own fields, then each pooled key's). */
export const secretPaths = (provider: unknown): ReadonlyArray<Path> => {
  const keys = isObject(provider) && Array.isArray(provider["keys"]) ? provider["keys"] : []
  return [...SECRET_FIELDS, ...keys.flatMap((_, i) => KEY_SECRET_FIELDS.map((p) => ["keys", i, ...p]))]
}

export const getSecret = (provider: unknown, path: Path): string | undefined => {
  let at: unknown = provider
  for (const key of path) {
    at = typeof key === "number" ? (Array.isArray(at) ? at[key] : undefined) : isObject(at) ? at[key] : undefined
  }
  return typeof at === "string" ? at : undefined
}

/** A copy of `provider` with the secret at `path` replaced (its parents copied too). */
export const setSecret = <P>(provider: P, path: Path, value: string): P => {
  const [head, ...rest] = path
  if (head === undefined) return provider
  if (typeof head === "number") {
    if (!Array.isArray(provider) || head >= provider.length) return provider
    const copy = [...provider]
    copy[head] = rest.length === 0 ? value : setSecret(copy[head], rest, value)
    return copy as P
  }
  if (!isObject(provider)) return provider
  if (rest.length === 0) return { ...provider, [head]: value } as P
  const child = provider[head]
  return isObject(child) || Array.isArray(child) ? ({ ...provider, [head]: setSecret(child, rest, value) } as P) : provider
}

/** The provider with every secret field passed through `f` (absent fields stay absent). */
export const mapSecrets = <P>(provider: P, f: (value: string, path: Path) => string): P => {
  let out = provider
  for (const path of secretPaths(provider)) {
    const value = getSecret(out, path)
    if (value !== undefined) out = setSecret(out, path, f(value, path))
  }
  return out
}

/**
 * The stored value a masked `value` at `path` stands for: the same path in `stored` when its mask
 * matches; for a pooled key (which may have moved in the list), the one stored key whose same field
 * has that mask. Undefined when nothing (or more than one key) matches.
 */
export const storedFor = (stored: unknown, path: Path, value: string, mask: (s: string) => string): string | undefined => {
  const same = getSecret(stored, path)
  if (same !== undefined && mask(same) === value) return same
  if (path[0] !== "keys" || !isObject(stored) || !Array.isArray(stored["keys"])) return undefined
  const below = path.slice(2)
  const matches = stored["keys"].map((k) => getSecret(k, below)).filter((s): s is string => s !== undefined && mask(s) === value)
  return matches.length === 1 ? matches[0] : undefined
}
