// esbuild as the project has it: its own dependency when installed, else the one wrangler brings.
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"

export const loadEsbuild = async () => {
  const require = createRequire(import.meta.url)
  let path
  try {
    path = require.resolve("esbuild")
  } catch {
    path = createRequire(require.resolve("wrangler/bin/wrangler.js")).resolve("esbuild")
  }
  const mod = await import(pathToFileURL(path).href)
  return mod.build ? mod : mod.default
}
