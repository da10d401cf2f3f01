/**
 * The docs stay true to the repository: every relative link in README.md and docs/*.md resolves (the
 * file exists inside the repository; an anchor is a heading of the target, slugged as GitHub does),
 * every field of the config document's schemas is named in docs/configuration.md, every npm script a
 * doc names exists in package.json, the README's configuration example is a valid document, the
 * admin page's docs links resolve, and the README's library example is the one docs/library.md shows.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, type Schema, SchemaAST } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import {
  AccessToken,
  AwsCredentials,
  CapabilityOverrides,
  ConfigDocument,
  Cooldown,
  ProviderConfig,
  ServiceAccount,
  Settings,
  StreamSettings
} from "../../src/Config/Document.js"
import { validate } from "../../src/Config/Validation.js"
import { SECTION_DOCS } from "../../web/admin/DocsLinks.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const read = (path: string) => readFileSync(path, "utf8")

const docFiles = [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join(root, "docs", f))
]

/** The text outside fenced code blocks, line by line (fences of ``` or ~~~). */
const proseLines = (text: string): Array<string> => {
  const out: Array<string> = []
  let fence: string | undefined
  for (const line of text.split("\n")) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line)
    if (m !== null) {
      if (fence === undefined) fence = m[1]![0]
      else if (m[1]![0] === fence) fence = undefined
      continue
    }
    if (fence === undefined) out.push(line)
  }
  return out
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
const headingSlugs = (text: string): Set<string> => {
  const slugs = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)
    if (m === null) continue
    const title = m[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "")
    const base = title.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-")
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    slugs.add(n === 0 ? base : `${base}-${n}`)
  }
  return slugs
}

/** Every link target in the prose (inline code left out): `[text](target)` and `![alt](target)`. */
const linkTargets = (text: string): Array<string> =>
  proseLines(text).flatMap((line) => [...line.replace(/`[^`]*`/g, "").matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!))

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target)

/** Why a relative link from `file` does not resolve, or undefined when it does. */
const brokenLink = (file: string, target: string): string | undefined => {
  const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined]
  const path = pathPart === "" ? file : resolve(dirname(file), decodeURIComponent(pathPart))
  if (relative(root, path).startsWith("..")) return "points outside the repository"
  if (!existsSync(path)) return "no such file"
  if (anchor === undefined || anchor === "") return undefined
  if (!path.endsWith(".md")) return "an anchor into a file that is not Markdown"
  return headingSlugs(read(path)).has(decodeURIComponent(anchor).toLowerCase()) ? undefined : `no heading #${anchor}`
}

/** Every property name of a schema, however deep: structs inside unions, arrays, refinements, optionals. */
const fieldNames = (ast: SchemaAST.AST, out = new Set<string>(), seen = new Set<SchemaAST.AST>()): Set<string> => {
  if (seen.has(ast)) return out
  seen.add(ast)
  const walk = (a: SchemaAST.AST) => fieldNames(a, out, seen)
  switch (ast._tag) {
    case "TypeLiteral":
      for (const p of ast.propertySignatures) {
        out.add(String(p.name))
        walk(p.type)
      }
      for (const i of ast.indexSignatures) walk(i.type)
      break
    case "Union":
      ast.types.forEach(walk)
      break
    case "Refinement":
      walk(ast.from)
      break
    case "Transformation":
      walk(ast.from)
      walk(ast.to)
      break
    case "TupleType":
      ast.elements.forEach((e) => walk(e.type))
      ast.rest.forEach((r) => walk(r.type))
      break
    case "Suspend":
      walk(ast.f())
      break
    case "Declaration":
      ast.typeParameters.forEach(walk)
      break
  }
  return out
}

const SCHEMAS: ReadonlyArray<readonly [string, Schema.Schema.Any]> = [
  ["ConfigDocument", ConfigDocument],
  ["ProviderConfig", ProviderConfig],
  ["AccessToken", AccessToken],
  ["Settings", Settings],
  ["StreamSettings", StreamSettings],
  ["Cooldown", Cooldown],
  ["CapabilityOverrides", CapabilityOverrides],
  ["AwsCredentials", AwsCredentials],
  ["ServiceAccount", ServiceAccount]
]

describe("the docs", () => {
  it("find README.md and the pages under docs/", () => {
    expect(docFiles.map((f) => relative(root, f))).toEqual(expect.arrayContaining([
      "README.md",
      "docs/configuration.md",
      "docs/providers.md",
      "docs/behaviour.md",
      "docs/admin.md",
      "docs/recipes.md",
      "docs/library.md",
      "docs/performance.md",
      "docs/design.md",
      "docs/troubleshooting.md"
    ]))
  })

  it("slug headings as GitHub does", () => {
    const slugs = headingSlugs("# A\n## Claude Code's gateway protocol\n### `env:` references\n## count_tokens and the list\n## A\n```\n# not a heading\n```\n")
    expect([...slugs]).toEqual(["a", "claude-codes-gateway-protocol", "env-references", "count_tokens-and-the-list", "a-1"])
  })

  it("link only to files and headings that exist in the repository", () => {
    const broken: Array<string> = []
    let checked = 0
    for (const file of docFiles) {
      for (const target of linkTargets(read(file))) {
        if (isExternal(target)) continue
        checked++
        const why = brokenLink(file, target)
        if (why !== undefined) broken.push(`${relative(root, file)}: ${target}: ${why}`)
      }
    }
    expect(checked).toBeGreaterThan(50)
    expect(broken).toEqual([])
  })

  it("name every field of the config document's schemas in docs/configuration.md", () => {
    const text = read(join(root, "docs/configuration.md"))
    const fields = new Set<string>()
    for (const [, schema] of SCHEMAS) for (const name of fieldNames(schema.ast)) fields.add(name)
    // The walk reaches the nested structs (a guard against a walk that finds nothing).
    expect([...fields]).toEqual(expect.arrayContaining(["providers", "threshold", "firstEventIdleMs", "accessKeyId", "client_email", "min", "echo", "strip"]))
    const missing = [...fields].filter((name) => !text.includes(`\`${name}\``))
    expect(missing, "fields of src/Config/Document.ts not named (in backticks) in docs/configuration.md").toEqual([])
  })

  it("name only npm scripts that package.json has", () => {
    const scripts = Object.keys((JSON.parse(read(join(root, "package.json"))) as { scripts: Record<string, string> }).scripts)
    const named = new Set<string>()
    for (const file of docFiles) {
      const text = read(file)
      for (const m of text.matchAll(/\bnpm run ([\w:.-]+)/g)) named.add(m[1]!.replace(/[.:]+$/, ""))
      for (const m of text.matchAll(/\bnpm (start|test)\b/g)) named.add(m[1]!)
    }
    expect([...named]).toEqual(expect.arrayContaining(["start", "test", "deploy", "start:node", "bench"]))
    expect([...named].filter((s) => !scripts.includes(s))).toEqual([])
  })

  it("give a README configuration example that is a valid document", () => {
    const readme = read(join(root, "README.md"))
    const documents = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => JSON.parse(m[1]!) as unknown)
      .filter((j) => typeof j === "object" && j !== null && "providers" in j)
    expect(documents.length).toBeGreaterThan(0)
    for (const document of documents) {
      const checked = validate(document, { allowPrivateUpstreams: false })
      expect(Either.isLeft(checked) ? checked.left : [], JSON.stringify(document)).toEqual([])
    }
  })

  it("are what the admin page's Docs links point to", () => {
    const broken = Object.entries(SECTION_DOCS)
      .map(([id, page]) => [id, page, brokenLink(join(root, "docs", "index.md"), page)] as const)
      .filter(([, , why]) => why !== undefined)
    expect(broken).toEqual([])
    const html = read(join(root, "web/admin/index.html"))
    for (const id of Object.keys(SECTION_DOCS)) expect(html, id).toContain(`id="${id}"`)
  })

  it("show in docs/library.md the library example the README shows (the one the consumer test type-checks)", () => {
    const readme = read(join(root, "README.md"))
    const start = readme.indexOf("## Use it as a library")
    expect(start).toBeGreaterThan(-1)
    const next = readme.indexOf("\n## ", start + 1)
    const blocks = [...readme.slice(start, next === -1 ? undefined : next).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
    expect(blocks.length).toBeGreaterThan(0)
    const library = read(join(root, "docs/library.md"))
    for (const block of blocks) expect(library).toContain(block)
  })
})
