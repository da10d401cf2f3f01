// The real providers' refusals for the fake upstream's agent routes, keyed by the model the request
// names: one table per provider (Chat Completions, Responses, Gemini, Vertex). A rule applies when the
// model matches one of its globs (case-insensitive; `*` any run, `?` one character, `[1-9]` a class),
// and answers with the status and error body that provider really sends. A model no rule names keeps
// the lenient agent. Every rule names where the real provider is seen answering that way; they follow
// the proxy's catalogue (src/Capabilities/Catalogue.ts).

/** `*` any run, `?` one character, `[...]` a class; nothing else is special (as the catalogue reads them). */
export const globToRegExp = (glob) => {
  let re = ""
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    const end = c === "[" ? glob.indexOf("]", i + 1) : -1
    if (c === "*") re += ".*"
    else if (c === "?") re += "."
    else if (end !== -1) {
      re += `[${glob.slice(i + 1, end).replace(/[\\^]/g, "\\$&")}]`
      i = end
    } else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&")
  }
  return new RegExp(`^${re}$`, "i")
}

/** The first refusal of the rules whose globs match `model`, or undefined (an unknown model: none). */
export const refusalFor = (rules, model, body, context = {}) => {
  if (typeof model !== "string") return undefined
  for (const rule of rules) {
    if (!rule.models.some((g) => globToRegExp(g).test(model))) continue
    const refusal = rule.check(body, { ...context, model })
    if (refusal !== undefined) return refusal
  }
  return undefined
}

/** Writes a refusal as the provider would. */
export const sendRefusal = (res, { status, body }) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify(body))
}

// ---- The providers' error bodies

const openai = (message, code, param) => ({ status: 400, body: { error: { message, type: "invalid_request_error", param, code } } })
const deepseek = (message) => ({ status: 400, body: { error: { message, type: "invalid_request_error", param: null, code: "invalid_request_error" } } })
// vLLM's ErrorResponse{error: ErrorInfo} (vllm/entrypoints/openai/protocol.py), the shape of current releases
const vllm = (message) => ({ status: 400, body: { error: { message, type: "BadRequestError", param: null, code: 400 } } })
const google = (message, extra = {}) => ({ status: 400, body: { error: { code: 400, message, status: "INVALID_ARGUMENT", ...extra } } })
const anthropic = (message) => ({ status: 400, body: { type: "error", error: { type: "invalid_request_error", message }, request_id: "req_vrtx_fake" } })

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v)
const list = (v) => (Array.isArray(v) ? v : [])
const given = (v) => v !== undefined && v !== null

// ---- OpenAI checks, shared by Chat Completions and Responses

const OPENAI_FAMILY = ["gpt-*", "o[1-9]*", "chatgpt-*"]
const OPENAI_REASONING = ["gpt-5*", "o[1-9]*"]
const TOOL_NAME = /^[a-zA-Z0-9_-]+$/

const tooManyTools = (body) => {
  const n = list(body.tools).length
  if (n > 128) return openai(`Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length ${n} instead.`, "array_above_max_length", "tools")
}

/** Function names: `^[a-zA-Z0-9_-]+$`, at most 64 characters. */
const badToolName = (nameOf, at) => (body) => {
  for (const [i, tool] of list(body.tools).entries()) {
    const name = nameOf(tool)
    if (typeof name !== "string") continue
    if (name.length > 64) return openai(`Invalid '${at(i)}': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`, "string_above_max_length", at(i))
    if (!TOOL_NAME.test(name)) return openai(`Invalid '${at(i)}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, "invalid_value", at(i))
  }
}

/** Only the tool types in `accepted` (a set, or a test) are taken; an Anthropic server tool is not one of them. */
const foreignToolType = (accepted, supported) => (body) => {
  for (const [i, tool] of list(body.tools).entries()) {
    if (isObject(tool) && typeof tool.type === "string" && !accepted(tool.type)) {
      return openai(`Invalid value: '${tool.type}'. Supported values are: ${supported}.`, "invalid_value", `tools[${i}].type`)
    }
  }
}

/** Reasoning models take only the default temperature / top_p. */
const defaultOnly = (param) => (body) => {
  if (given(body[param]) && body[param] !== 1) {
    return openai(`Unsupported value: '${param}' does not support ${body[param]} with this model. Only the default (1) value is supported.`, "unsupported_value", param)
  }
}

/** At most `max` for the first of `fields` the body sets. */
const outputCap = (max, fields) => (body) => {
  const field = fields.find((f) => given(body[f]))
  if (field !== undefined && body[field] > max) {
    return openai(`${field} is too large: ${body[field]}. This model supports at most ${max} completion tokens, whereas you provided ${body[field]}.`, "invalid_value", field)
  }
}

const CHAT_TOKEN_FIELDS = ["max_completion_tokens", "max_tokens"]

const deepseekCap = (max) => (body) => {
  const n = CHAT_TOKEN_FIELDS.map((f) => body[f]).find(given)
  if (n !== undefined && (n < 1 || n > max)) return deepseek(`Invalid max_tokens value, the valid range of max_tokens is [1, ${max}]`)
}

const REASONING_GUIDE = "https://platform.openai.com/docs/guides/reasoning"
const CHAT_REFERENCE = "https://platform.openai.com/docs/api-reference/chat/create"

/** POST /agent/openai/.../chat/completions, by body.model. */
export const CHAT_RULES = [
  {
    models: OPENAI_FAMILY,
    // "Invalid value: web_search_preview. Supported values are: function and custom." (a tool type Chat does not take)
    source: "https://github.com/sipeed/picoclaw/pull/2951 ; " + CHAT_REFERENCE,
    check: foreignToolType((t) => t === "function" || t === "custom", "'function' and 'custom'")
  },
  { models: OPENAI_FAMILY, source: "https://github.com/vishalmysore/Tools4AI/issues/16 ; " + CHAT_REFERENCE, check: tooManyTools },
  {
    models: OPENAI_FAMILY,
    source: "https://github.com/brekkylab/ailoy/pull/109 ; " + CHAT_REFERENCE,
    check: badToolName((t) => t?.function?.name, (i) => `tools[${i}].function.name`)
  },
  {
    models: OPENAI_REASONING,
    source: "https://github.com/griptape-ai/ComfyUI-Griptape/issues/312 ; " + REASONING_GUIDE,
    check: (body) => given(body.max_tokens)
      ? openai("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "unsupported_parameter", "max_tokens")
      : undefined
  },
  { models: ["gpt-5*"], source: "https://platform.openai.com/docs/models/gpt-5 (128,000 max output)", check: outputCap(128_000, ["max_completion_tokens"]) },
  { models: ["o[1-9]*"], source: "https://platform.openai.com/docs/models/o3 (100,000 max output)", check: outputCap(100_000, ["max_completion_tokens"]) },
  { models: OPENAI_REASONING, source: "https://github.com/gabrii/Cursor-Azure-GPT-5/issues/33 ; " + REASONING_GUIDE, check: defaultOnly("temperature") },
  { models: OPENAI_REASONING, source: REASONING_GUIDE, check: defaultOnly("top_p") },
  { models: ["gpt-4.1*"], source: "https://github.com/opencode-ai/opencode/issues/140 ; https://platform.openai.com/docs/models/gpt-4.1", check: outputCap(32_768, CHAT_TOKEN_FIELDS) },
  { models: ["gpt-4o*"], source: "https://github.com/enoch3712/ExtractThinker/issues/346 ; https://platform.openai.com/docs/models/gpt-4o", check: outputCap(16_384, CHAT_TOKEN_FIELDS) },
  { models: ["deepseek-chat"], source: "https://github.com/deepseek-ai/DeepSeek-V3/issues/69 ; https://api-docs.deepseek.com/quick_start/pricing", check: deepseekCap(8_192) },
  { models: ["deepseek-reasoner"], source: "https://github.com/Aider-AI/aider/pull/4125 ; https://api-docs.deepseek.com/quick_start/pricing", check: deepseekCap(65_536) },
  {
    models: ["qwen*", "*/qwen*", "*qwen3*"],
    // Qwen's chat template (served by vLLM): one system message, first
    source: "https://github.com/vllm-project/vllm/issues/41114 ; https://github.com/cortexkit/magic-context/issues/311",
    check: (body) => list(body.messages).some((m, i) => i > 0 && m?.role === "system") ? vllm("System message must be at the beginning.") : undefined
  }
]

// ---- OpenAI Responses

/** Anthropic's server tools carry a dated type (`web_search_20250305`); OpenAI's own never end that way. */
const notAnthropicServerTool = (type) => !/_\d{8}$/.test(type)
// The real answer lists every Responses tool type; this list is abridged.
const RESPONSES_TOOL_TYPES = "'function', 'custom', 'file_search', 'web_search', 'web_search_preview', 'computer_use_preview', 'code_interpreter', 'image_generation', 'mcp' and 'local_shell'"
const RESPONSES_REFERENCE = "https://platform.openai.com/docs/api-reference/responses/create"

/** POST /agent/openai-responses/.../responses, by body.model (after fake-responses.mjs's own checks). */
export const RESPONSES_RULES = [
  { models: OPENAI_FAMILY, source: RESPONSES_REFERENCE, check: foreignToolType(notAnthropicServerTool, RESPONSES_TOOL_TYPES) },
  { models: OPENAI_FAMILY, source: "https://github.com/anomalyco/opencode/issues/4909 ; " + RESPONSES_REFERENCE, check: tooManyTools },
  { models: OPENAI_FAMILY, source: RESPONSES_REFERENCE, check: badToolName((t) => (t?.type === "function" ? t.name : undefined), (i) => `tools[${i}].name`) },
  {
    models: ["gpt-5.[1-9]*"],
    // gpt-5.1 and later (codex variants too): no sampling parameters at all, whatever the value
    source: "https://github.com/OpenHands/software-agent-sdk/issues/1837 ; " + REASONING_GUIDE,
    check: (body) => {
      const param = ["temperature", "top_p"].find((p) => given(body[p]))
      return param === undefined ? undefined : openai(`Unsupported parameter: '${param}' is not supported with this model.`, null, param)
    }
  },
  { models: OPENAI_REASONING, source: "https://github.com/QwenLM/qwen-code/issues/921 ; " + REASONING_GUIDE, check: defaultOnly("temperature") },
  { models: OPENAI_REASONING, source: REASONING_GUIDE, check: defaultOnly("top_p") },
  { models: ["gpt-5*"], source: "https://platform.openai.com/docs/models/gpt-5 (128,000 max output)", check: outputCap(128_000, ["max_output_tokens"]) },
  { models: ["o[1-9]*"], source: "https://platform.openai.com/docs/models/o3 (100,000 max output)", check: outputCap(100_000, ["max_output_tokens"]) },
  {
    models: ["gpt-4.1*", "gpt-4o*"],
    source: "https://github.com/BoundaryML/baml/pull/2708 (gpt-4.1 is not a reasoning model)",
    check: (body) => given(body.reasoning) ? openai("Unsupported parameter: 'reasoning.effort' is not supported with this model.", "unsupported_parameter", "reasoning.effort") : undefined
  },
  {
    models: ["gpt-4.1*", "gpt-4o*"],
    source: "https://github.com/pydantic/pydantic-ai/issues/2865 ; https://github.com/NousResearch/hermes-agent/issues/52023",
    check: (body) => list(body.include).includes("reasoning.encrypted_content") ? openai("Encrypted content is not supported with this model.", null, "include") : undefined
  },
  { models: ["gpt-4.1*"], source: "https://platform.openai.com/docs/models/gpt-4.1 (32,768 max output)", check: outputCap(32_768, ["max_output_tokens"]) },
  { models: ["gpt-4o*"], source: "https://platform.openai.com/docs/models/gpt-4o (16,384 max output)", check: outputCap(16_384, ["max_output_tokens"]) }
]

// ---- Gemini

const GEMINI_TOOL_FIELDS = new Set([
  "functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext", "computerUse", "fileSearch", "googleMaps", "retrieval", "enterpriseWebSearch",
  "function_declarations", "google_search", "google_search_retrieval", "code_execution", "url_context", "computer_use", "file_search", "google_maps", "enterprise_web_search"
])

/** An Anthropic server tool (or anything else) where a Gemini Tool goes: every unknown field is named. */
const unknownToolFields = (body) => {
  const violations = []
  for (const [t, tool] of list(body.tools).entries()) {
    for (const key of Object.keys(isObject(tool) ? tool : {})) {
      if (!GEMINI_TOOL_FIELDS.has(key)) violations.push({ field: `tools[${t}]`, description: `Invalid JSON payload received. Unknown name "${key}" at 'tools[${t}]': Cannot find field.` })
    }
  }
  if (violations.length === 0) return undefined
  return google(violations.map((v) => v.description).join("\n"), { details: [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: violations }] })
}

/** Google Search beside function declarations: Gemini 3 with the flag only, never Gemini 2.x. */
const searchWithFunctions = (body, { model }) => {
  const tools = list(body.tools)
  const search = tools.some((t) => isObject(t) && (t.google_search !== undefined || t.googleSearch !== undefined))
  const functions = tools.some((t) => list(t?.functionDeclarations ?? t?.function_declarations).length > 0)
  if (!search || !functions) return undefined
  const flag = (body.toolConfig?.includeServerSideToolInvocations ?? body.tool_config?.include_server_side_tool_invocations) === true
  if (globToRegExp("gemini-3*").test(model)) {
    return flag ? undefined : google("Please enable tool_config.include_server_side_tool_invocations to use Built-in tools with Function calling.")
  }
  return google(flag ? `Tool call context circulation is not enabled for models/${model}` : "Tool use with function calling is unsupported")
}

const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/
const BAD_NAME = "Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64."

/** Every OBJECT node of a schema without properties (the top-level `parameters` included). */
const emptyObjects = (schema, path, out) => {
  if (!isObject(schema)) return
  const props = isObject(schema.properties) ? schema.properties : {}
  if (String(schema.type).toUpperCase() === "OBJECT" && Object.keys(props).length === 0) out.push(`${path}.properties: should be non-empty for OBJECT type`)
  for (const [key, sub] of Object.entries(props)) emptyObjects(sub, `${path}.properties[${key}]`, out)
  emptyObjects(schema.items, `${path}.items`, out)
  for (const [j, sub] of list(schema.anyOf ?? schema.any_of).entries()) emptyObjects(sub, `${path}.any_of[${j}]`, out)
}

/** The proto checks on function declarations, all reported at once as Gemini does ("* path: problem\n" each). */
const declarationProblems = (body) => {
  const problems = []
  for (const [t, tool] of list(body.tools).entries()) {
    for (const [i, d] of list(tool?.functionDeclarations ?? tool?.function_declarations).entries()) {
      const at = `GenerateContentRequest.tools[${t}].function_declarations[${i}]`
      if (typeof d?.name !== "string" || !GEMINI_NAME.test(d.name)) problems.push(`${at}.name: ${BAD_NAME}`)
      if (d?.parameters !== undefined) emptyObjects(d.parameters, `${at}.parameters`, problems)
    }
  }
  return problems.length === 0 ? undefined : google(problems.map((p) => `* ${p}\n`).join(""))
}

const GEMINI_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"])

const imageType = (body) => {
  for (const content of list(body.contents)) {
    for (const part of list(content?.parts)) {
      const data = part?.inlineData ?? part?.inline_data
      const mime = data?.mimeType ?? data?.mime_type
      if (typeof mime === "string" && mime.startsWith("image/") && !GEMINI_IMAGE_TYPES.has(mime)) return google(`Unsupported MIME type: ${mime}`)
    }
  }
}

const maxOutputTokens = (max) => (body) => {
  const n = body.generationConfig?.maxOutputTokens
  if (given(n) && (n < 1 || n > max)) {
    return google(`Unable to submit request because it has a maxOutputTokens value of ${n} but the supported range is from 1 (inclusive) to ${max + 1} (exclusive). Update the value and try again.`)
  }
}

// The first entry whose globs match decides; -1 (dynamic) is taken everywhere.
const THINKING_BUDGETS = [
  { models: ["gemini-2.5-flash-lite*"], min: 512, max: 24_576, off: true },
  { models: ["gemini-2.5-flash*"], min: 0, max: 24_576 },
  { models: ["gemini-2.5-pro*", "gemini-3*"], min: 128, max: 32_768 }
]

const thinkingBudget = (body, { model }) => {
  const n = body.generationConfig?.thinkingConfig?.thinkingBudget
  const range = THINKING_BUDGETS.find((r) => r.models.some((g) => globToRegExp(g).test(model)))
  if (!given(n) || range === undefined || n === -1 || (range.off && n === 0) || (n >= range.min && n <= range.max)) return undefined
  return google(`The thinking budget ${n} is invalid. Please choose a value between ${range.min} and ${range.max}.`)
}

/** POST /agent/gemini/.../models/{model}:generateContent (or :streamGenerateContent), by the model in the path. */
export const GEMINI_RULES = [
  { models: ["gemini-*"], source: "https://github.com/langchain-ai/langchainjs/issues/9412 (Unknown name \"type\" at 'tools[16]')", check: unknownToolFields },
  {
    models: ["gemini-*"],
    source: "https://github.com/maximhq/bifrost/issues/1979 (names) ; https://github.com/agno-agi/agno/issues/2112 (empty OBJECT) ; https://ai.google.dev/gemini-api/docs/function-calling",
    check: declarationProblems
  },
  { models: ["gemini-*"], source: "https://ai.google.dev/gemini-api/docs/image-understanding (PNG, JPEG, WEBP, HEIC, HEIF) ; https://github.com/microsoft/vscode/issues/286628", check: imageType },
  {
    models: ["gemini-*"],
    source: "https://ai.google.dev/gemini-api/docs/tool-combination ; https://github.com/googleapis/go-genai/issues/323 (2.x) ; https://github.com/owndev/Open-WebUI-Functions/pull/159 (3 without the flag) ; https://github.com/prism-php/prism/issues/972 (2.5 with it)",
    check: searchWithFunctions
  },
  { models: ["gemini-2.5*", "gemini-3*"], source: "https://github.com/BerriAI/litellm/pull/10548 ; https://ai.google.dev/gemini-api/docs/models", check: maxOutputTokens(65_536) },
  { models: ["gemini-2.5*", "gemini-3*"], source: "https://ai.google.dev/gemini-api/docs/thinking ; https://github.com/RooCodeInc/Roo-Code/issues/4399", check: thinkingBudget }
]

// ---- Claude on Vertex AI

const VERTEX_REFUSED_BETAS = new Set([
  "effort-2025-11-24",
  "adaptive-thinking-2026-01-28",
  "structured-outputs-2025-11-13",
  "prompt-caching-scope-2026-01-05",
  "oauth-2025-04-20",
  "pdfs-2024-09-25"
])

const betasOf = (headers) => String(headers["anthropic-beta"] ?? "").split(",").map((b) => b.trim()).filter(Boolean)

/** .../publishers/anthropic/models/{model}:rawPredict (or :streamRawPredict), by the model in the path. */
export const VERTEX_RULES = [
  {
    models: ["claude-*"],
    source: "https://github.com/anthropics/claude-agent-sdk-typescript/issues/307 ; https://github.com/vercel/ai/issues/10981 ; https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai",
    check: (_, { headers }) => {
      const refused = betasOf(headers).filter((b) => VERTEX_REFUSED_BETAS.has(b))
      if (refused.length === 0) return undefined
      return anthropic(`Unexpected value(s) ${refused.map((b) => `\`${b}\``).join(", ")} for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`)
    }
  },
  {
    models: ["claude-*"],
    // refused unless the header carries the beta it belongs to (the report: 400 without it, 200 with it)
    source: "https://github.com/BerriAI/litellm/pull/22321",
    check: (body, { headers }) => {
      if (!("context_management" in body) || betasOf(headers).some((b) => /^(context-management|compact)-/.test(b))) return undefined
      return anthropic("context_management: Extra inputs are not permitted")
    }
  }
]
