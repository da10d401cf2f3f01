/**
 * The fake upstream's agent routes refuse what the real providers refuse, keyed by the model the
 * request names, with the provider's real status and error body (scripts/strict-rules.mjs); a model
 * no rule names is served as before. One request per rule that trips it, one accepted request per
 * provider, and one unknown model that the same faults do not stop.
 */
import { createSign } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type FakeUpstream, startFakeUpstream } from "../../scripts/fake-upstream.mjs"
import { CHAT_RULES, GEMINI_RULES, globToRegExp, RESPONSES_RULES, VERTEX_RULES } from "../../scripts/strict-rules.mjs"

let fake: FakeUpstream
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 })
})
afterAll(() => fake.close())

type Json = Record<string, any>
const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> => {
  const r = await fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })
  return { status: r.status, json: (await r.json()) as Json }
}

const openaiError = (message: string, code: string | null, param: string | null) => ({ error: { message, type: "invalid_request_error", param, code } })
const googleError = (message: string) => ({ error: { code: 400, message, status: "INVALID_ARGUMENT" } })
const schema = { type: "object", properties: { command: { type: "string" } }, required: ["command"] }
const manyTools = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "function", function: { name: `tool_${i}`, parameters: schema } }))
const serverTool = { type: "web_search_20250305", name: "web_search", max_uses: 5 }

describe("strict fakes: Chat Completions (/agent/openai)", () => {
  const chat = (body: Json) => post("/agent/openai/v1/chat/completions", { messages: [{ role: "user", content: "hi" }], ...body })
  const bash = { type: "function", function: { name: "Bash", parameters: schema } }

  const refused: Array<[string, Json, unknown]> = [
    ["gpt-5 with max_tokens", { model: "gpt-5", max_tokens: 1000 },
      openaiError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "unsupported_parameter", "max_tokens")],
    ["o3 with max_tokens", { model: "o3", max_tokens: 1000 },
      openaiError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "unsupported_parameter", "max_tokens")],
    ["gpt-5 over 128000 completion tokens", { model: "gpt-5", max_completion_tokens: 200000 },
      openaiError("max_completion_tokens is too large: 200000. This model supports at most 128000 completion tokens, whereas you provided 200000.", "invalid_value", "max_completion_tokens")],
    ["o4-mini over 100000 completion tokens", { model: "o4-mini", max_completion_tokens: 100001 },
      openaiError("max_completion_tokens is too large: 100001. This model supports at most 100000 completion tokens, whereas you provided 100001.", "invalid_value", "max_completion_tokens")],
    ["gpt-5-mini with temperature 0.7", { model: "gpt-5-mini", temperature: 0.7 },
      openaiError("Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.", "unsupported_value", "temperature")],
    ["o3 with top_p 0.9", { model: "o3", top_p: 0.9 },
      openaiError("Unsupported value: 'top_p' does not support 0.9 with this model. Only the default (1) value is supported.", "unsupported_value", "top_p")],
    ["gpt-4.1 over 32768 max_tokens", { model: "gpt-4.1", max_tokens: 40000 },
      openaiError("max_tokens is too large: 40000. This model supports at most 32768 completion tokens, whereas you provided 40000.", "invalid_value", "max_tokens")],
    ["gpt-4.1-mini over 32768 max_completion_tokens", { model: "gpt-4.1-mini", max_completion_tokens: 32769 },
      openaiError("max_completion_tokens is too large: 32769. This model supports at most 32768 completion tokens, whereas you provided 32769.", "invalid_value", "max_completion_tokens")],
    ["gpt-4o over 16384 max_tokens", { model: "gpt-4o", max_tokens: 20000 },
      openaiError("max_tokens is too large: 20000. This model supports at most 16384 completion tokens, whereas you provided 20000.", "invalid_value", "max_tokens")],
    ["gpt-4o with 129 tools", { model: "gpt-4o", tools: manyTools(129) },
      openaiError("Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead.", "array_above_max_length", "tools")],
    ["gpt-5 with a tool name out of pattern", { model: "gpt-5", tools: [bash, { type: "function", function: { name: "mcp/github.search", parameters: schema } }] },
      openaiError("Invalid 'tools[1].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", "invalid_value", "tools[1].function.name")],
    ["gpt-5 with a 65-character tool name", { model: "gpt-5", tools: [{ type: "function", function: { name: "x".repeat(65), parameters: schema } }] },
      openaiError("Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead.", "string_above_max_length", "tools[0].function.name")],
    ["gpt-4o with an Anthropic server tool", { model: "gpt-4o", tools: [bash, serverTool] },
      openaiError("Invalid value: 'web_search_20250305'. Supported values are: 'function' and 'custom'.", "invalid_value", "tools[1].type")],
    ["deepseek-chat over 8192 max_tokens", { model: "deepseek-chat", max_tokens: 32000 },
      { error: { message: "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]", type: "invalid_request_error", param: null, code: "invalid_request_error" } }],
    ["deepseek-chat over 8192 max_completion_tokens", { model: "deepseek-chat", max_completion_tokens: 8193 },
      { error: { message: "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]", type: "invalid_request_error", param: null, code: "invalid_request_error" } }],
    ["deepseek-reasoner over 65536 max_tokens", { model: "deepseek-reasoner", max_tokens: 70000 },
      { error: { message: "Invalid max_tokens value, the valid range of max_tokens is [1, 65536]", type: "invalid_request_error", param: null, code: "invalid_request_error" } }],
    ["Qwen/Qwen3-Coder with a system message after the first", {
      model: "Qwen/Qwen3-Coder-480B-A35B-Instruct",
      messages: [{ role: "system", content: "a" }, { role: "user", content: "hi" }, { role: "system", content: "b" }, { role: "user", content: "go" }]
    }, { error: { message: "System message must be at the beginning.", type: "BadRequestError", param: null, code: 400 } }],
    ["qwen3-coder-plus with a system message second", { model: "qwen3-coder-plus", messages: [{ role: "user", content: "hi" }, { role: "system", content: "b" }] },
      { error: { message: "System message must be at the beginning.", type: "BadRequestError", param: null, code: 400 } }]
  ]
  it.each(refused)("refuses %s with the real 400", async (_, body, expected) => {
    const r = await chat(body)
    expect(r.status).toBe(400)
    expect(r.json).toEqual(expected)
  })

  it("serves a request that fits the model: gpt-5 calls Bash", async () => {
    const r = await chat({ model: "gpt-5", max_completion_tokens: 32000, temperature: 1, top_p: 1, tools: [bash] })
    expect(r.status).toBe(200)
    expect(r.json["choices"][0].message.tool_calls[0].function.name).toBe("Bash")
    const d = await chat({ model: "deepseek-chat", max_tokens: 8192 })
    expect(d.status).toBe(200)
    const q = await chat({ model: "Qwen/Qwen3-Coder-480B-A35B-Instruct", messages: [{ role: "system", content: "a" }, { role: "user", content: "hi" }] })
    expect(q.status).toBe(200)
  })

  it("stays lenient for a model it does not know", async () => {
    const r = await chat({
      model: "my-local-model",
      max_tokens: 1_000_000,
      temperature: 0.2,
      messages: [{ role: "user", content: "hi" }, { role: "system", content: "late" }, { role: "user", content: "go" }],
      tools: [...manyTools(200), serverTool, { type: "function", function: { name: "bad/name", parameters: schema } }]
    })
    expect(r.status).toBe(200)
    expect(r.json["object"]).toBe("chat.completion")
  })
})

describe("strict fakes: Responses (/agent/openai-responses)", () => {
  const responses = (body: Json) => post("/agent/openai-responses/v1/responses", { store: false, input: [{ type: "message", role: "user", content: "hi" }], ...body })
  const bash = { type: "function", name: "Bash", parameters: schema }

  const refused: Array<[string, Json, unknown]> = [
    ["gpt-5.1 with temperature", { model: "gpt-5.1", temperature: 0.5 }, openaiError("Unsupported parameter: 'temperature' is not supported with this model.", null, "temperature")],
    ["gpt-5.2 with temperature 1", { model: "gpt-5.2", temperature: 1 }, openaiError("Unsupported parameter: 'temperature' is not supported with this model.", null, "temperature")],
    ["gpt-5.1-codex with top_p", { model: "gpt-5.1-codex", top_p: 1 }, openaiError("Unsupported parameter: 'top_p' is not supported with this model.", null, "top_p")],
    ["gpt-5 with temperature 0.7", { model: "gpt-5", temperature: 0.7 },
      openaiError("Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.", "unsupported_value", "temperature")],
    ["gpt-5-codex with top_p 0.5", { model: "gpt-5-codex", top_p: 0.5 },
      openaiError("Unsupported value: 'top_p' does not support 0.5 with this model. Only the default (1) value is supported.", "unsupported_value", "top_p")],
    ["gpt-4.1 with reasoning", { model: "gpt-4.1", reasoning: { effort: "high" } },
      openaiError("Unsupported parameter: 'reasoning.effort' is not supported with this model.", "unsupported_parameter", "reasoning.effort")],
    ["gpt-4o with encrypted reasoning included", { model: "gpt-4o", include: ["reasoning.encrypted_content"] },
      openaiError("Encrypted content is not supported with this model.", null, "include")],
    ["gpt-4.1 over 32768 output tokens", { model: "gpt-4.1", max_output_tokens: 40000 },
      openaiError("max_output_tokens is too large: 40000. This model supports at most 32768 completion tokens, whereas you provided 40000.", "invalid_value", "max_output_tokens")],
    ["gpt-4o-mini over 16384 output tokens", { model: "gpt-4o-mini", max_output_tokens: 20000 },
      openaiError("max_output_tokens is too large: 20000. This model supports at most 16384 completion tokens, whereas you provided 20000.", "invalid_value", "max_output_tokens")],
    ["gpt-5 over 128000 output tokens", { model: "gpt-5", max_output_tokens: 200000 },
      openaiError("max_output_tokens is too large: 200000. This model supports at most 128000 completion tokens, whereas you provided 200000.", "invalid_value", "max_output_tokens")],
    ["o3 over 100000 output tokens", { model: "o3", max_output_tokens: 100001 },
      openaiError("max_output_tokens is too large: 100001. This model supports at most 100000 completion tokens, whereas you provided 100001.", "invalid_value", "max_output_tokens")],
    ["gpt-5 with 129 tools", { model: "gpt-5", tools: Array.from({ length: 129 }, (_, i) => ({ type: "function", name: `t${i}`, parameters: schema })) },
      openaiError("Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead.", "array_above_max_length", "tools")],
    ["gpt-5.1 with a tool name out of pattern", { model: "gpt-5.1", tools: [bash, { type: "function", name: "read file", parameters: schema }] },
      openaiError("Invalid 'tools[1].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", "invalid_value", "tools[1].name")]
  ]
  it.each(refused)("refuses %s with the real 400", async (_, body, expected) => {
    const r = await responses(body)
    expect(r.status).toBe(400)
    expect(r.json).toEqual(expected)
  })

  it("refuses an Anthropic server tool as a tool type it does not take", async () => {
    const r = await responses({ model: "gpt-5.1-codex", tools: [bash, serverTool] })
    expect(r.status).toBe(400)
    expect(r.json["error"]).toMatchObject({ type: "invalid_request_error", code: "invalid_value", param: "tools[1].type" })
    expect(r.json["error"].message).toMatch(/^Invalid value: 'web_search_20250305'\. Supported values are: 'function', 'custom', /)
  })

  it("serves a request that fits the model: gpt-5.1-codex reasons and calls Bash", async () => {
    const r = await responses({ model: "gpt-5.1-codex", reasoning: { effort: "high", summary: "auto" }, include: ["reasoning.encrypted_content"], max_output_tokens: 32000, tools: [bash] })
    expect(r.status).toBe(200)
    expect(r.json["output"].map((o: Json) => o["type"])).toEqual(["reasoning", "message", "function_call"])
  })

  it("stays lenient for a model it does not know", async () => {
    const r = await responses({ model: "my-responses-model", temperature: 0.2, reasoning: { effort: "high" }, max_output_tokens: 1_000_000, tools: [serverTool] })
    expect(r.status).toBe(200)
    expect(r.json["status"]).toBe("completed")
  })
})

describe("strict fakes: Gemini (/agent/gemini)", () => {
  const gemini = (model: string, body: Json, op = "generateContent") =>
    post(`/agent/gemini/v1beta/models/${model}:${op}`, { contents: [{ role: "user", parts: [{ text: "hi" }] }], ...body })
  const thinking = (n: number) => ({ generationConfig: { thinkingConfig: { thinkingBudget: n } } })
  const decl = (name: string, parameters: unknown = schema) => ({ name, description: "d", parameters })
  const functionPath = "* GenerateContentRequest.tools[0].function_declarations"
  const badName = "Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64."

  const refused: Array<[string, string, Json, unknown]> = [
    ["maxOutputTokens over 65536", "gemini-2.5-pro", { generationConfig: { maxOutputTokens: 100000 } },
      googleError("Unable to submit request because it has a maxOutputTokens value of 100000 but the supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.")],
    ["a thinking budget of 0 on 3 Pro", "gemini-3-pro-preview", thinking(0), googleError("The thinking budget 0 is invalid. Please choose a value between 128 and 32768.")],
    ["a thinking budget of 40000 on 2.5 Pro", "gemini-2.5-pro", thinking(40000), googleError("The thinking budget 40000 is invalid. Please choose a value between 128 and 32768.")],
    ["a thinking budget of 31999 on 2.5 Flash", "gemini-2.5-flash", thinking(31999), googleError("The thinking budget 31999 is invalid. Please choose a value between 0 and 24576.")],
    ["a thinking budget of 100 on 2.5 Flash-Lite", "gemini-2.5-flash-lite", thinking(100), googleError("The thinking budget 100 is invalid. Please choose a value between 512 and 24576.")],
    ["a function name out of pattern", "gemini-2.5-flash", { tools: [{ functionDeclarations: [decl("Bash"), decl("mcp/github"), decl("9lives")] }] },
      googleError(`${functionPath}[1].name: ${badName}\n${functionPath}[2].name: ${badName}\n`)],
    ["parameters of OBJECT type without properties", "gemini-2.5-pro", { tools: [{ functionDeclarations: [decl("Bash"), decl("ListAll", { type: "object", properties: {} })] }] },
      googleError(`${functionPath}[1].parameters.properties: should be non-empty for OBJECT type\n`)],
    ["a nested OBJECT without properties", "gemini-3-flash-preview", {
      tools: [{ functionDeclarations: [decl("Task", { type: "OBJECT", properties: { options: { type: "OBJECT" }, list: { type: "ARRAY", items: { type: "object", properties: {} } } } })] }]
    }, googleError(`${functionPath}[0].parameters.properties[options].properties: should be non-empty for OBJECT type\n${functionPath}[0].parameters.properties[list].items.properties: should be non-empty for OBJECT type\n`)],
    ["a GIF image", "gemini-2.5-flash", { contents: [{ role: "user", parts: [{ text: "what is this" }, { inlineData: { mimeType: "image/gif", data: "R0lGODlhAQABAAAAACw=" } }] }] },
      googleError("Unsupported MIME type: image/gif")]
  ]
  it.each(refused)("refuses %s with the real 400", async (_, model, body, expected) => {
    const r = await gemini(model, body)
    expect(r.status).toBe(400)
    expect(r.json).toEqual(expected)
  })

  it("refuses an Anthropic server tool in tools: every unknown field named, with the field violations", async () => {
    const r = await gemini("gemini-2.5-pro", { tools: [{ functionDeclarations: [decl("Bash")] }, serverTool] }, "streamGenerateContent")
    expect(r.status).toBe(400)
    expect(r.json["error"]).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" })
    expect(r.json["error"].message.split("\n")).toEqual([
      "Invalid JSON payload received. Unknown name \"type\" at 'tools[1]': Cannot find field.",
      "Invalid JSON payload received. Unknown name \"name\" at 'tools[1]': Cannot find field.",
      "Invalid JSON payload received. Unknown name \"max_uses\" at 'tools[1]': Cannot find field."
    ])
    expect(r.json["error"].details[0]["@type"]).toBe("type.googleapis.com/google.rpc.BadRequest")
    expect(r.json["error"].details[0].fieldViolations[0]).toEqual({ field: "tools[1]", description: "Invalid JSON payload received. Unknown name \"type\" at 'tools[1]': Cannot find field." })
  })

  it("serves a request that fits the model: budgets in range, -1 and 0 where allowed, Bash called", async () => {
    for (const [model, budget] of [["gemini-2.5-flash", 0], ["gemini-2.5-flash-lite", 0], ["gemini-2.5-flash-lite", 512], ["gemini-2.5-pro", -1], ["gemini-3-pro-preview", 32768]] as const) {
      expect((await gemini(model, thinking(budget))).status, `${model} ${budget}`).toBe(200)
    }
    const r = await gemini("gemini-2.5-pro", {
      generationConfig: { maxOutputTokens: 65536, thinkingConfig: { thinkingBudget: 8192 } },
      contents: [{ role: "user", parts: [{ text: "run it" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] }],
      tools: [{ functionDeclarations: [decl("Bash"), decl("mcp__github.search:v2")] }]
    })
    expect(r.status).toBe(200)
    expect(r.json["candidates"][0].content.parts[0].functionCall.name).toBe("Bash")
  })

  it("stays lenient for a model it does not know", async () => {
    const r = await gemini("learnlm-2.0-flash-experimental", {
      generationConfig: { maxOutputTokens: 1_000_000, thinkingConfig: { thinkingBudget: 99 } },
      contents: [{ role: "user", parts: [{ inlineData: { mimeType: "image/gif", data: "R0lGODlhAQABAAAAACw=" } }] }],
      tools: [{ functionDeclarations: [decl("bad/name", { type: "object" })] }, serverTool]
    })
    expect(r.status).toBe(200)
  })
})

describe("strict fakes: Claude on Vertex AI (/vertex)", () => {
  const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url")
  const token = async (): Promise<string> => {
    const key = (await (await fetch(`${fake.url}/google/service-account.json`)).json()) as Record<string, string>
    const now = Math.floor(Date.now() / 1000)
    const unsigned = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ iss: key["client_email"], aud: key["token_uri"], scope: "https://www.googleapis.com/auth/cloud-platform", iat: now, exp: now + 3600 })}`
    const signature = createSign("RSA-SHA256").update(unsigned).sign(key["private_key"]!).toString("base64url")
    const form = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: `${unsigned}.${signature}` })
    const r = await fetch(key["token_uri"]!, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form })
    return ((await r.json()) as { access_token: string }).access_token
  }
  const vertex = async (model: string, betas: string | undefined, extra: Json = {}) =>
    post(`/vertex/v1/projects/fake-project/locations/us-east5/publishers/anthropic/models/${model}:rawPredict`,
      { anthropic_version: "vertex-2023-10-16", max_tokens: 64, messages: [{ role: "user", content: "hi" }], ...extra },
      { authorization: `Bearer ${await token()}`, ...(betas === undefined ? {} : { "anthropic-beta": betas }) })
  const unexpected = (values: Array<string>) => ({
    type: "error",
    error: {
      type: "invalid_request_error",
      message: `Unexpected value(s) ${values.map((v) => `\`${v}\``).join(", ")} for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`
    }
  })
  const SONNET = "claude-sonnet-4-5@20250929"

  it.each(["effort-2025-11-24", "adaptive-thinking-2026-01-28", "structured-outputs-2025-11-13", "prompt-caching-scope-2026-01-05", "oauth-2025-04-20", "pdfs-2024-09-25"])(
    "refuses the beta %s with the real 400",
    async (beta) => {
      const r = await vertex(SONNET, `interleaved-thinking-2025-05-14,${beta}`)
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject(unexpected([beta]))
    }
  )

  it("names every refused beta of the header at once", async () => {
    const r = await vertex("claude-opus-4-5@20251101", "oauth-2025-04-20,interleaved-thinking-2025-05-14,effort-2025-11-24,structured-outputs-2025-11-13")
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject(unexpected(["oauth-2025-04-20", "effort-2025-11-24", "structured-outputs-2025-11-13"]))
  })

  it("refuses context_management without the beta it belongs to", async () => {
    const r = await vertex(SONNET, "interleaved-thinking-2025-05-14", { context_management: { edits: [{ type: "clear_tool_uses_20250919" }] } })
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "context_management: Extra inputs are not permitted" } })
  })

  it("serves a request that fits the model: betas Vertex takes, context_management with its beta", async () => {
    const r = await vertex(SONNET, "interleaved-thinking-2025-05-14,context-management-2025-06-27", { context_management: { edits: [{ type: "clear_tool_uses_20250919" }] } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ type: "message", role: "assistant", model: SONNET })
  })

  it("stays lenient for a model it does not know", async () => {
    const r = await vertex("some-partner-model@001", "effort-2025-11-24", { context_management: { edits: [] } })
    expect(r.status).toBe(200)
  })
})

describe("strict rules", () => {
  it("each rule names its globs and the source where the real provider answers that way", () => {
    for (const rule of [...CHAT_RULES, ...RESPONSES_RULES, ...GEMINI_RULES, ...VERTEX_RULES]) {
      expect(rule.models.length).toBeGreaterThan(0)
      expect(rule.source).toMatch(/https:\/\/\S+/)
    }
  })

  it("reads globs as the catalogue does: `*`, `?`, classes, case-insensitive, dots literal", () => {
    expect(globToRegExp("o[1-9]*").test("o4-mini")).toBe(true)
    expect(globToRegExp("o[1-9]*").test("omni-moderation")).toBe(false)
    expect(globToRegExp("*/qwen*").test("Qwen/Qwen3-Coder")).toBe(true)
    expect(globToRegExp("gpt-5.[1-9]*").test("gpt-5.1-codex")).toBe(true)
    expect(globToRegExp("gpt-5.[1-9]*").test("gpt-5-mini")).toBe(false)
    expect(globToRegExp("gpt-5.[1-9]*").test("gpt-5x1")).toBe(false)
    expect(globToRegExp("deepseek-chat").test("deepseek-chat-v2")).toBe(false)
  })
})
