import { describe, expect, it } from "@effect/vitest"
import fixture from "../../fixtures/claude-code-request.json"
import { scrubSchema } from "../../../src/formats/gemini/schema.js"

/** Keywords Gemini's parameters schema accepts; anything else used as a keyword fails the request. */
const ALLOWED = new Set([
  "type", "format", "title", "description", "nullable", "enum", "properties", "required", "minProperties",
  "maxProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
  "anyOf"
])

/** Walks a scrubbed schema, visiting keyword positions only (property names are data). */
const walk = (schema: unknown, visit: (node: Record<string, unknown>, path: string) => void, path = "#"): void => {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Error(`${path} is not a schema`)
  const node = schema as Record<string, unknown>
  visit(node, path)
  const props = node["properties"]
  if (props !== undefined) {
    for (const [name, sub] of Object.entries(props as Record<string, unknown>)) walk(sub, visit, `${path}/properties/${name}`)
  }
  if (node["items"] !== undefined) walk(node["items"], visit, `${path}/items`)
  const anyOf = node["anyOf"]
  if (anyOf !== undefined) (anyOf as Array<unknown>).forEach((s, i) => walk(s, visit, `${path}/anyOf/${i}`))
}

/** Asserts every node uses only allowed keywords, with the type rules Gemini enforces. */
const assertGeminiSchema = (schema: unknown): void =>
  walk(schema, (node, path) => {
    for (const key of Object.keys(node)) expect(ALLOWED.has(key), `${path}: keyword ${key}`).toBe(true)
    const type = node["type"]
    if (path !== "#") {
      // "type: must be specified when not using one_of, any_of or all_of fields"
      expect(type !== undefined || node["anyOf"] !== undefined, `${path}: untyped`).toBe(true)
      // "properties: should be non-empty for OBJECT type"
      if (type === "object") expect(Object.keys((node["properties"] ?? {}) as object).length, `${path}: empty OBJECT`).toBeGreaterThan(0)
    }
    if (type !== undefined) expect(typeof type, `${path}: type`).toBe("string")
    if (node["properties"] !== undefined || node["required"] !== undefined) expect(type, path).toBe("object")
    if (node["items"] !== undefined) expect(type, path).toBe("array")
    if (type === "array") expect(node["items"], `${path}: items`).toBeDefined()
    if (node["enum"] !== undefined) {
      expect(type, path).toBe("string")
      for (const v of node["enum"] as Array<unknown>) expect(typeof v).toBe("string")
    }
    const format = node["format"]
    if (format !== undefined) {
      const ok = { string: ["enum", "date-time"], number: ["float", "double"], integer: ["int32", "int64"] }
      expect(ok[type as keyof typeof ok], `${path}: format ${String(format)}`).toContain(format)
    }
    const required = node["required"]
    if (required !== undefined) {
      for (const r of required as Array<string>) expect(Object.keys(node["properties"] as object)).toContain(r)
    }
  })

/** Property-name sets, path by path, in the original JSON Schema (following properties/items/anyOf). */
const propertyNames = (schema: unknown): Array<string> => {
  const out: Array<string> = []
  const go = (s: unknown, path: string) => {
    if (typeof s !== "object" || s === null) return
    const node = s as Record<string, unknown>
    const props = node["properties"] as Record<string, unknown> | undefined
    if (props !== undefined) {
      for (const [name, sub] of Object.entries(props)) {
        out.push(`${path}/${name}`)
        go(sub, `${path}/${name}`)
      }
    }
    if (typeof node["items"] === "object") go(node["items"], `${path}[]`)
  }
  go(schema, "")
  return out
}

describe("scrubSchema", () => {
  it("cleans every tool schema of the real Claude Code request, keeping every property", () => {
    expect(fixture.tools.length).toBeGreaterThan(10)
    for (const tool of fixture.tools) {
      const scrubbed = scrubSchema(tool.input_schema)
      assertGeminiSchema(scrubbed)
      expect(propertyNames(scrubbed), tool.name).toEqual(propertyNames(tool.input_schema))
      expect(JSON.stringify(scrubbed)).not.toMatch(/"\$schema"|"additionalProperties"|"exclusiveMinimum"|"default"/)
    }
  })

  it("keeps the Read tool's descriptions, enums and bounds; turns exclusiveMinimum into minimum", () => {
    const read = fixture.tools.find((t) => t.name === "Read")
    const scrubbed = scrubSchema(read?.input_schema) as { properties: Record<string, Record<string, unknown>>; required: unknown }
    expect(scrubbed.required).toEqual(["file_path"])
    expect(scrubbed.properties["limit"]).toEqual({
      type: "integer",
      description: "The number of lines to read. Only provide if the file is too large to read at once.",
      minimum: 1,
      maximum: 9007199254740991
    })
  })

  it("never touches property names that look like keywords", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      additionalProperties: false,
      properties: {
        const: { type: "string", const: "fixed" },
        format: { type: "string", format: "uri" },
        $ref: { type: "number" },
        additionalProperties: { type: "boolean", default: true },
        type: { type: ["string", "null"] },
        properties: { type: "object", properties: { default: { type: "string" } }, propertyNames: { pattern: "^a" } }
      },
      required: ["const", "format", "missing"]
    }
    const out = scrubSchema(schema)
    assertGeminiSchema(out)
    const props = out["properties"] as Record<string, unknown>
    expect(Object.keys(props)).toEqual(["const", "format", "$ref", "additionalProperties", "type", "properties"])
    expect(props["const"]).toEqual({ type: "string", enum: ["fixed"] })
    expect(props["format"]).toEqual({ type: "string" })
    expect(props["$ref"]).toEqual({ type: "number" })
    expect(props["additionalProperties"]).toEqual({ type: "boolean" })
    expect(props["type"]).toEqual({ type: "string", nullable: true })
    expect(props["properties"]).toEqual({ type: "object", properties: { default: { type: "string" } } })
    expect(out["required"]).toEqual(["const", "format"])
  })

  it("keeps a property literally named __proto__ as an own property", () => {
    const text = '{"type":"object","properties":{"__proto__":{"type":"string","const":"x"}},"required":["__proto__"]}'
    const schema = JSON.parse(text) as unknown
    const out = scrubSchema(schema)
    expect(JSON.stringify(out)).toBe(
      '{"type":"object","properties":{"__proto__":{"type":"string","enum":["x"]}},"required":["__proto__"]}'
    )
  })

  it("converts const, drops non-string enums and unsupported formats", () => {
    expect(scrubSchema({ const: "a" })).toEqual({ type: "string", enum: ["a"] })
    expect(scrubSchema({ type: "integer", const: 3 })).toEqual({ type: "integer" })
    expect(scrubSchema({ type: "integer", enum: [1, 2] })).toEqual({ type: "integer" })
    expect(scrubSchema({ type: "string", enum: ["a", "b", null] })).toEqual({ type: "string", enum: ["a", "b"], nullable: true })
    expect(scrubSchema({ type: "string", format: "date-time" })).toEqual({ type: "string", format: "date-time" })
    expect(scrubSchema({ type: "string", format: "email" })).toEqual({ type: "string" })
    expect(scrubSchema({ type: "integer", format: "int64" })).toEqual({ type: "integer", format: "int64" })
    expect(scrubSchema({ type: "number", exclusiveMaximum: 1.5, examples: [1] })).toEqual({ type: "number", maximum: 1.5 })
  })

  it("turns array types into nullable or a per-type anyOf with only fitting keywords", () => {
    expect(scrubSchema({ type: ["string", "null"], maxLength: 3 })).toEqual({ type: "string", maxLength: 3, nullable: true })
    const out = scrubSchema({ type: ["object", "array", "null"], properties: { a: { type: "string" } }, items: { type: "number" } })
    expect(out).toEqual({
      anyOf: [{ type: "object", properties: { a: { type: "string" } } }, { type: "array", items: { type: "number" } }],
      nullable: true
    })
    assertGeminiSchema(out)
  })

  it("simplifies anyOf/oneOf: null branches become nullable, one branch is inlined, any-branch drops it", () => {
    expect(scrubSchema({ anyOf: [{ type: "string" }, { type: "null" }], description: "d" })).toEqual({
      type: "string",
      description: "d",
      nullable: true
    })
    expect(scrubSchema({ oneOf: [{ type: "string" }, { type: "integer" }] })).toEqual({
      anyOf: [{ type: "string" }, { type: "integer" }]
    })
    expect(scrubSchema({ type: "object", properties: { a: { type: "string" } }, anyOf: [{ required: ["a"] }, {}] })).toEqual({
      type: "object",
      properties: { a: { type: "string" } }
    })
  })

  it("inlines $ref/$defs/definitions, merges allOf, and cuts recursion", () => {
    const schema = {
      type: "object",
      $defs: { Point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] } },
      definitions: { Name: { type: "string", minLength: 1 } },
      properties: {
        p: { $ref: "#/$defs/Point", description: "a point" },
        n: { $ref: "#/definitions/Name" },
        both: { allOf: [{ $ref: "#/$defs/Point" }, { properties: { y: { type: "number" } }, required: ["y"] }] },
        self: { $ref: "#" },
        remote: { $ref: "https://example.com/schema.json", description: "remote" }
      }
    }
    const out = scrubSchema(schema)
    assertGeminiSchema(out)
    const props = out["properties"] as Record<string, Record<string, unknown>>
    expect(props["p"]).toEqual({ type: "object", properties: { x: { type: "number" } }, required: ["x"], description: "a point" })
    expect(props["n"]).toEqual({ type: "string", minLength: 1 })
    expect(props["both"]).toEqual({
      type: "object",
      properties: { x: { type: "number" }, y: { type: "number" } },
      required: ["x", "y"]
    })
    // Cut and unresolvable nodes take any value: JSON text (see jsonText.ts), never an untyped node.
    expect((props["self"]?.["properties"] as Record<string, unknown>)["self"]).toEqual({
      type: "string",
      description: "Write this value as JSON text; it is parsed back into the value before the tool runs."
    })
    expect(props["remote"]).toEqual({ type: "string", description: "remote\n\n(Write this value as JSON text; it is parsed back into the value before the tool runs.)" })
  })

  it("gives every array items, taking the first of a tuple", () => {
    expect(scrubSchema({ type: "array" })).toEqual({
      type: "array",
      items: { type: "string", description: "Write this value as JSON text; it is parsed back into the value before the tool runs." }
    })
    expect(scrubSchema({ type: "array", prefixItems: [{ type: "string" }, { type: "number" }] })).toEqual({
      type: "array",
      items: { type: "string" }
    })
    expect(scrubSchema({ type: "array", items: [{ type: "integer" }], minItems: 1, uniqueItems: true })).toEqual({
      type: "array",
      items: { type: "integer" },
      minItems: 1
    })
  })

  it("drops keywords that do not fit the type, and RE2-incompatible patterns", () => {
    const misplaced = { type: "string", properties: { a: {} }, items: {}, minimum: 1, pattern: "^a(?=b)" }
    expect(scrubSchema(misplaced)).toEqual({ type: "string" })
    expect(scrubSchema({ type: "string", pattern: "^wf_[a-z0-9-]{6,}$" })).toEqual({ type: "string", pattern: "^wf_[a-z0-9-]{6,}$" })
    const conditional = {
      type: "object",
      propertyNames: { pattern: "x" },
      patternProperties: {},
      unevaluatedProperties: false,
      if: {},
      then: {},
      else: {}
    }
    expect(scrubSchema(conditional)).toEqual({ type: "object" })
  })
})
