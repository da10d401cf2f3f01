/**
 * JSON Schema (as tools declare it) -> the OpenAPI subset Gemini accepts in `functionDeclarations[].parameters`.
 *
 * Built by allow-list rather than by deleting known offenders: Gemini rejects the whole request on any
 * unknown keyword ($schema, additionalProperties, const, exclusiveMinimum, propertyNames, ...), and
 * also rejects keywords that do not fit the node's type ("properties: only allowed for OBJECT type",
 * "items: missing field"). Keys of `properties` are data, never keywords: they are copied verbatim.
 * A node Gemini cannot express (an object without properties, a value of any type) becomes JSON
 * text (see jsonText.ts); its place is recorded so that the answer can be decoded.
 */
import { emptyPaths, type FreeForm, jsonTextNode, type JsonTextPaths, record, type Step } from "./jsonText.js"
import { isRecord, type JsonObject } from "./wire.js"

interface Ctx {
  readonly root: JsonObject
  /** $refs being expanded on the current path (a recursive schema is cut, not expanded forever) */
  readonly refs: ReadonlySet<string>
  readonly depth: number
  /** where this node's value sits in the arguments */
  readonly path: ReadonlyArray<Step>
  /** where JSON text stands for a free-form value */
  readonly found: JsonTextPaths
}

const MAX_DEPTH = 48
const TYPES: ReadonlySet<string> = new Set(["string", "number", "integer", "boolean", "object", "array"])
const FORMATS: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(["enum", "date-time"]),
  number: new Set(["float", "double"]),
  integer: new Set(["int32", "int64"])
}
/** keys that say nothing about the value: a union branch with only these accepts anything */
const ANNOTATIONS: ReadonlySet<string> = new Set(["description", "title", "nullable"])

/**
 * A tool's input_schema -> Gemini parameters schema. The root is left as it comes out (an object
 * without properties means "no parameters" to the caller); `found` collects the JSON-text places.
 */
export const scrubSchema = (schema: unknown, found: JsonTextPaths = emptyPaths()): JsonObject =>
  scrub(schema, { root: isRecord(schema) ? schema : {}, refs: new Set(), depth: 0, path: [], found })

/** One level down; `step` when the value moves too (a property, or array items), none for a union branch. */
const child = (ctx: Ctx, ...step: Array<Step>): Ctx => ({ ...ctx, depth: ctx.depth + 1, path: [...ctx.path, ...step] })

const scrub = (input: unknown, ctx: Ctx): JsonObject => expressible(build(input, ctx), ctx)

/**
 * Gemini refuses an OBJECT without properties ("should be non-empty for OBJECT type") and a node
 * with neither type nor anyOf ("type: must be specified"): such a node becomes JSON text.
 */
const expressible = (out: JsonObject, ctx: Ctx): JsonObject => {
  if (ctx.depth === 0) return out
  const props = out["properties"]
  const named = isRecord(props) && Object.keys(props).length > 0
  if (Array.isArray(out["anyOf"])) {
    // The branches say what the value is; an empty OBJECT beside them would only be refused.
    if (out["type"] === "object" && !named) {
      for (const k of ["type", "properties", "required", "minProperties", "maxProperties"]) delete out[k]
    }
    return out
  }
  const kind: FreeForm | undefined = out["type"] === undefined ? "any" : out["type"] === "object" && !named ? "object" : undefined
  if (kind === undefined) return out
  record(ctx.found, ctx.path, kind)
  return jsonTextNode(out, kind)
}

const build = (input: unknown, ctx0: Ctx): JsonObject => {
  if (!isRecord(input) || ctx0.depth > MAX_DEPTH) return {}
  const [node, ctx] = flatten(input, ctx0)
  let nullable = node["nullable"] === true

  const rawType = node["type"]
  const declared = (Array.isArray(rawType) ? rawType : [rawType])
    .filter((t): t is string => typeof t === "string")
    .map((t) => t.toLowerCase())
  if (declared.includes("null")) nullable = true
  let types = declared.filter((t) => TYPES.has(t))

  // Gemini's enum is string-only: a string const becomes a one-value enum, other literals are dropped.
  let values: Array<string> | undefined
  const literals = "const" in node ? [node["const"]] : Array.isArray(node["enum"]) ? node["enum"] : undefined
  if (literals !== undefined) {
    if (literals.includes(null)) nullable = true
    const present = literals.filter((v) => v !== null)
    if (present.length > 0 && present.every((v): v is string => typeof v === "string")) values = present
  }

  let branches: Array<JsonObject> | undefined
  const union = [...asArray(node["anyOf"]), ...asArray(node["oneOf"])]
  if (union.length > 0) {
    const kept: Array<JsonObject> = []
    let vacuous = false
    for (const b of union) {
      if (isNullSchema(b)) {
        nullable = true
        continue
      }
      // Built, not yet made expressible: a lone branch is inlined and judged with its parent.
      const s = build(b, child(ctx))
      if (Object.keys(s).every((k) => ANNOTATIONS.has(k))) vacuous = true
      kept.push(s)
    }
    // A branch that accepts anything makes the whole union accept anything.
    if (!vacuous && kept.length > 0) branches = kept
  }

  if (types.length === 0 && branches === undefined) {
    if (isRecord(node["properties"])) types = ["object"]
    else if ("items" in node || "prefixItems" in node) types = ["array"]
    else if (values !== undefined) types = ["string"]
  }

  const out: JsonObject = {}
  if (types.length === 1 && types[0] !== undefined) {
    out["type"] = types[0]
    typeKeywords(out, types[0], node, values, ctx)
  }
  copyString(node, out, "title")
  copyString(node, out, "description")
  if (branches !== undefined) {
    const only = branches[0]
    if (branches.length === 1 && only !== undefined && types.length === 0) {
      for (const [k, v] of Object.entries(only)) if (!Object.hasOwn(out, k)) out[k] = v
    } else {
      out["anyOf"] = branches.map((b) => expressible(b, child(ctx)))
    }
  } else if (types.length > 1) {
    // ["string","number"]: one branch per type, each with only the keywords that fit it.
    out["anyOf"] = types.map((t) => expressible(typeKeywords({ type: t }, t, node, values, ctx), child(ctx)))
  }
  if (nullable) out["nullable"] = true
  return out
}

/** Copies the keywords Gemini allows for `type`, scrubbing nested schemas. */
const typeKeywords = (
  out: JsonObject,
  type: string,
  node: JsonObject,
  values: Array<string> | undefined,
  ctx: Ctx
): JsonObject => {
  switch (type) {
    case "object": {
      const props = node["properties"]
      if (isRecord(props)) {
        const names = Object.keys(props)
        // fromEntries defines own data properties, so even a property named "__proto__" survives.
        out["properties"] = Object.fromEntries(names.map((name) => [name, scrub(props[name], child(ctx, name))]))
        const required = asArray(node["required"]).filter(
          (r): r is string => typeof r === "string" && Object.hasOwn(props, r)
        )
        if (required.length > 0) out["required"] = [...new Set(required)]
      }
      copyNumber(node, out, "minProperties")
      copyNumber(node, out, "maxProperties")
      break
    }
    case "array": {
      const items = node["items"]
      const prefix = node["prefixItems"]
      const item = Array.isArray(items) ? items[0] : items !== undefined ? items : asArray(prefix)[0]
      // Gemini requires `items` on every array; a missing one becomes "any element" (JSON text).
      out["items"] = scrub(item, child(ctx, null))
      copyNumber(node, out, "minItems")
      copyNumber(node, out, "maxItems")
      break
    }
    case "string": {
      if (values !== undefined) out["enum"] = values
      copyNumber(node, out, "minLength")
      copyNumber(node, out, "maxLength")
      const pattern = node["pattern"]
      // RE2 (Gemini's regex engine) has no lookaround: such a pattern would fail the whole request.
      if (typeof pattern === "string" && !pattern.includes("(?")) out["pattern"] = pattern
      break
    }
    case "number":
    case "integer": {
      copyNumber(node, out, "minimum")
      copyNumber(node, out, "maximum")
      const exMin = node["exclusiveMinimum"]
      const exMax = node["exclusiveMaximum"]
      const step = type === "integer" ? 1 : 0
      if (out["minimum"] === undefined && typeof exMin === "number") out["minimum"] = exMin + step
      if (out["maximum"] === undefined && typeof exMax === "number") out["maximum"] = exMax - step
      break
    }
  }
  const format = node["format"]
  if (typeof format === "string" && FORMATS[type]?.has(format) === true && (format !== "enum" || values !== undefined)) {
    out["format"] = format
  }
  return out
}

/** Expands local $refs and merges allOf members into one node. */
const flatten = (input: JsonObject, ctx: Ctx): [JsonObject, Ctx] => {
  let node = input
  let refs = ctx.refs
  for (let ref = node["$ref"]; typeof ref === "string"; ref = node["$ref"]) {
    const { $ref: _drop, ...siblings } = node
    const target = refs.has(ref) ? undefined : resolveRef(ctx.root, ref)
    if (target === undefined) {
      node = siblings
      break
    }
    refs = new Set([...refs, ref])
    node = { ...target, ...siblings }
  }
  const members = asArray(node["allOf"])
  if (members.length > 0) {
    const { allOf: _drop, ...rest } = node
    node = rest
    for (const m of members) {
      if (!isRecord(m)) continue
      const [flat] = flatten(m, { ...ctx, refs })
      node = mergeSchemas(node, flat)
    }
  }
  return [node, { ...ctx, refs }]
}

const mergeSchemas = (a: JsonObject, b: JsonObject): JsonObject => {
  const out: JsonObject = { ...b, ...a }
  const pa = a["properties"]
  const pb = b["properties"]
  if (isRecord(pa) && isRecord(pb)) out["properties"] = Object.fromEntries([...Object.entries(pb), ...Object.entries(pa)])
  const ra = asArray(a["required"])
  const rb = asArray(b["required"])
  if (ra.length > 0 || rb.length > 0) out["required"] = [...new Set([...ra, ...rb])]
  return out
}

/** Resolves "#", "#/$defs/X", "#/definitions/X", any local JSON pointer. Remote refs are dropped. */
const resolveRef = (root: JsonObject, ref: string): JsonObject | undefined => {
  if (!ref.startsWith("#")) return undefined
  let at: unknown = root
  const pointer = ref.slice(1)
  if (pointer.length === 0) return root
  for (const raw of pointer.split("/").slice(1)) {
    const key = decodePointer(raw)
    if (key === undefined) return undefined
    if (Array.isArray(at)) at = at[Number(key)]
    else if (isRecord(at) && Object.hasOwn(at, key)) at = at[key]
    else return undefined
  }
  return isRecord(at) ? at : undefined
}

const decodePointer = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~")
  } catch {
    return undefined
  }
}

const isNullSchema = (u: unknown): boolean => isRecord(u) && (u["type"] === "null" || u["const"] === null)

const asArray = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])

const copyNumber = (from: JsonObject, to: JsonObject, key: string): void => {
  const v = from[key]
  if (typeof v === "number" && Number.isFinite(v)) to[key] = v
}

const copyString = (from: JsonObject, to: JsonObject, key: string): void => {
  const v = from[key]
  if (typeof v === "string" && v.length > 0) to[key] = v
}
