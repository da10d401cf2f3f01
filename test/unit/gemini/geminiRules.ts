/**
 * What the real Gemini API refuses with a 400, written down independently of the translator (each
 * rule quotes the error it avoids), so that a test can check a translated body the way Google would.
 * Returns the violations, empty when the body would be accepted on these counts.
 */

/** Thinking budget ranges from Google's own 400s ("Please choose a value between X and Y"). */
const BUDGETS: ReadonlyArray<readonly [RegExp, number, number]> = [
  [/^gemini-2\.5-flash-lite/, 512, 24576],
  [/^gemini-2\.5-flash/, 0, 24576],
  [/^gemini-2\.5-pro/, 128, 32768]
]

/** "supported range is from 1 (inclusive) to 65537 (exclusive)" */
const MAX_OUTPUT = 65536
/** functionDeclarations[].name: "must start with a letter or an underscore ... maximum length of 64" */
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/
/** https://ai.google.dev/gemini-api/docs/image-understanding */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"])
/** "Invalid JSON payload received. Unknown name ..." for anything else in a schema node */
const KEYWORDS = new Set([
  "type", "format", "title", "description", "nullable", "enum", "properties", "required", "minProperties",
  "maxProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
  "anyOf", "propertyOrdering"
])

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const schemaViolations = (node: unknown, path: string, out: Array<string>): void => {
  if (!isObject(node)) {
    out.push(`${path}: not a schema object`)
    return
  }
  for (const key of Object.keys(node)) if (!KEYWORDS.has(key)) out.push(`${path}: unknown keyword ${key}`)
  const type = node["type"]
  const anyOf = node["anyOf"]
  // "type: must be specified when not using one_of, any_of or all_of fields"
  if (type === undefined && !Array.isArray(anyOf)) out.push(`${path}: no type`)
  const props = node["properties"]
  // "properties: should be non-empty for OBJECT type"
  if (type === "object" && (!isObject(props) || Object.keys(props).length === 0)) out.push(`${path}: OBJECT without properties`)
  // "items: missing field"
  if (type === "array" && node["items"] === undefined) out.push(`${path}: ARRAY without items`)
  if (node["enum"] !== undefined && type !== "string") out.push(`${path}: enum on ${String(type)}`)
  if (isObject(props)) for (const [name, sub] of Object.entries(props)) schemaViolations(sub, `${path}.properties[${name}]`, out)
  if (node["items"] !== undefined) schemaViolations(node["items"], `${path}.items`, out)
  if (Array.isArray(anyOf)) anyOf.forEach((b, i) => schemaViolations(b, `${path}.anyOf[${i}]`, out))
}

export const geminiViolations = (body: unknown, model: string): Array<string> => {
  const out: Array<string> = []
  if (!isObject(body)) return ["body is not an object"]
  const config = isObject(body["generationConfig"]) ? body["generationConfig"] : {}
  const max = config["maxOutputTokens"]
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_OUTPUT)) {
    out.push(`maxOutputTokens ${String(max)} is outside 1..${MAX_OUTPUT}`)
  }
  const thinking = isObject(config["thinkingConfig"]) ? config["thinkingConfig"] : undefined
  const budget = thinking?.["thinkingBudget"]
  const range = BUDGETS.find(([re]) => re.test(model))
  if (budget !== undefined && range !== undefined && budget !== -1) {
    const [, min, maxBudget] = range
    if (typeof budget !== "number" || budget < min || budget > maxBudget) out.push(`thinkingBudget ${String(budget)} is outside ${min}..${maxBudget}`)
  }

  const declared = new Set<string>()
  const tools = Array.isArray(body["tools"]) ? body["tools"] : []
  for (const tool of tools) {
    const decls = isObject(tool) && Array.isArray(tool["functionDeclarations"]) ? tool["functionDeclarations"] : []
    for (const d of decls) {
      const name = isObject(d) ? d["name"] : undefined
      if (typeof name !== "string" || !NAME.test(name)) out.push(`declaration name ${String(name)} is invalid`)
      else if (declared.has(name)) out.push(`declaration name ${name} is duplicated`)
      else declared.add(name)
      if (isObject(d) && d["parameters"] !== undefined) schemaViolations(d["parameters"], `${String(name)}.parameters`, out)
    }
  }
  const toolConfig = isObject(body["toolConfig"]) ? body["toolConfig"]["functionCallingConfig"] : undefined
  const allowed = isObject(toolConfig) && Array.isArray(toolConfig["allowedFunctionNames"]) ? toolConfig["allowedFunctionNames"] : []
  for (const n of allowed) if (typeof n !== "string" || !declared.has(n)) out.push(`allowedFunctionNames ${String(n)} is not declared`)

  const contents = Array.isArray(body["contents"]) ? body["contents"] : []
  const system = isObject(body["systemInstruction"]) ? [{ role: "system", ...body["systemInstruction"] }] : []
  for (const [i, c] of [...system, ...contents].entries()) {
    if (!isObject(c)) continue
    if (c["role"] !== "user" && c["role"] !== "model" && c["role"] !== "system") out.push(`content ${i}: role ${String(c["role"])}`)
    const parts = Array.isArray(c["parts"]) ? c["parts"] : []
    if (parts.length === 0) out.push(`content ${i}: no parts`)
    for (const p of parts) {
      if (!isObject(p)) continue
      const call = isObject(p["functionCall"]) ? p["functionCall"]["name"] : undefined
      const response = isObject(p["functionResponse"]) ? p["functionResponse"]["name"] : undefined
      for (const n of [call, response]) if (n !== undefined && (typeof n !== "string" || !NAME.test(n))) out.push(`content ${i}: name ${String(n)}`)
      const media = isObject(p["inlineData"]) ? p["inlineData"] : isObject(p["fileData"]) ? p["fileData"] : undefined
      const mime = media?.["mimeType"]
      if (typeof mime === "string" && mime.startsWith("image/") && !IMAGE_TYPES.has(mime)) out.push(`content ${i}: image type ${mime}`)
      const data = ["text", "inlineData", "fileData", "functionCall", "functionResponse"].filter((k) => p[k] !== undefined)
      if (data.length !== 1) out.push(`content ${i}: a part with ${data.length} data fields`)
    }
  }
  return out
}
