/**
 * A provider's `models` map: an exact key wins, then `*` globs in document order; no match keeps the
 * model the client asked for. Compiled once per config snapshot, not per request.
 */
export type ModelMapper = (model: string) => string

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)

export const compileModels = (models: Readonly<Record<string, string>> | undefined): ModelMapper => {
  if (models === undefined) return (m) => m
  const exact = new Map<string, string>()
  const globs: Array<readonly [RegExp, string]> = []
  for (const [key, target] of Object.entries(models)) {
    if (key.includes("*")) globs.push([globToRegExp(key), target])
    else exact.set(key, target)
  }
  return (model) => {
    const hit = exact.get(model)
    if (hit !== undefined) return hit
    for (const [re, target] of globs) if (re.test(model)) return target
    return model
  }
}
