/**
 * Free-form values as JSON text. Gemini's parameters schema cannot say "any object" or "any value":
 * an OBJECT must name its properties (400 "properties: should be non-empty for OBJECT type") and a
 * node needs a type ("type: must be specified when not using one_of, any_of or all_of fields",
 * danny-avila/LibreChat#6971). Public fixes give such a field a placeholder property or no
 * properties (the model can then only answer `{}` or the placeholder), or declare it a STRING
 * (both listed in browser-use/browser-use#3786). Chosen here: a STRING holding the value as JSON
 * text, so the model can still write any keys. The answer's text is parsed back into the value
 * before the client sees the call, and the history's values are written as text again.
 */
import { isRecord, type JsonObject } from "./wire.js"

export type FreeForm = "object" | "any"

/** Where a tool's arguments hold JSON text: a tree following properties and array items. */
export interface JsonTextPaths {
  here?: FreeForm
  readonly props: Map<string, JsonTextPaths>
  items?: JsonTextPaths
}

/** One step of a path: a property name, or `null` for an array's items. */
export type Step = string | null

export const emptyPaths = (): JsonTextPaths => ({ props: new Map() })

export const isEmptyPaths = (t: JsonTextPaths): boolean => t.here === undefined && t.props.size === 0 && t.items === undefined

/** Records a free-form node at `path`. */
export const record = (root: JsonTextPaths, path: ReadonlyArray<Step>, kind: FreeForm): void => {
  let at = root
  for (const step of path) {
    if (step === null) at = at.items ??= emptyPaths()
    else {
      let next = at.props.get(step)
      if (next === undefined) at.props.set(step, (next = emptyPaths()))
      at = next
    }
  }
  // "object" wins: an object where anything is taken also fits "any".
  if (at.here !== "object") at.here = kind
}

const NOTES: Readonly<Record<FreeForm, string>> = {
  object: "Write this JSON object as JSON text; it is parsed back into the object before the tool runs.",
  any: "Write this value as JSON text; it is parsed back into the value before the tool runs."
}

/** The STRING node standing for a free-form one; title, description and nullable are kept. */
export const jsonTextNode = (node: JsonObject, kind: FreeForm): JsonObject => {
  const out: JsonObject = { type: "string" }
  if (typeof node["title"] === "string") out["title"] = node["title"]
  const description = node["description"]
  out["description"] = typeof description === "string" && description.length > 0 ? `${description}\n\n(${NOTES[kind]})` : NOTES[kind]
  if (node["nullable"] === true) out["nullable"] = true
  return out
}

const parse = (text: string): { readonly value: unknown } | undefined => {
  try {
    return { value: JSON.parse(text) }
  } catch {
    return undefined
  }
}

/** JSON text back to the value; anything that does not fit stays as the model wrote it. */
const decodeValue = (value: unknown, t: JsonTextPaths): unknown => {
  let v = value
  if (t.here !== undefined && typeof v === "string") {
    const parsed = parse(v)
    if (parsed !== undefined && (t.here === "any" || isRecord(parsed.value))) v = parsed.value
  }
  return walk(v, t, decodeValue)
}

/** A value to JSON text where the declaration says text; a string stays as it is. */
const encodeValue = (value: unknown, t: JsonTextPaths): unknown => {
  if (t.here !== undefined && value !== null && value !== undefined) {
    // An "any" string is written as JSON too, so that decoding gives the same string back.
    return typeof value === "string" && t.here === "object" ? value : JSON.stringify(value)
  }
  return walk(value, t, encodeValue)
}

const walk = (value: unknown, t: JsonTextPaths, map: (v: unknown, t: JsonTextPaths) => unknown): unknown => {
  if (t.items !== undefined && Array.isArray(value)) {
    const items = t.items
    return value.map((x) => map(x, items))
  }
  if (t.props.size > 0 && isRecord(value)) {
    // fromEntries defines own properties: even one named "__proto__" stays data.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => {
      const sub = t.props.get(k)
      return [k, sub === undefined ? v : map(v, sub)]
    }))
  }
  return value
}

/** A functionCall's args -> the tool's input. */
export const decodeArgs = (args: JsonObject, t: JsonTextPaths | undefined): JsonObject => {
  if (t === undefined || isEmptyPaths(t)) return args
  const out = decodeValue(args, t)
  return isRecord(out) ? out : args
}

/** A tool_use input -> the functionCall args as the declaration describes them. */
export const encodeArgs = (input: JsonObject, t: JsonTextPaths | undefined): JsonObject => {
  if (t === undefined || isEmptyPaths(t)) return input
  const out = encodeValue(input, t)
  return isRecord(out) ? out : input
}
