/**
 * For presets.test.ts: the request shapes Claude Code really sends (the fixture and five variations
 * of it), and each preset of src/Config/Presets.ts as a provider pointed at the strict fakes.
 */
import { inject } from "vitest"
import { PRESETS, type Preset } from "../../src/Config/Presets.js"
import fixture from "../fixtures/claude-code-request.json"

/** What Claude Code 2.1.330 sends in `anthropic-beta`. */
export const CLAUDE_CODE_BETAS = [
  "claude-code-20250219",
  "interleaved-thinking-2025-05-14",
  "context-management-2025-06-27",
  "per-turn-control-2026-07-01",
  "mid-conversation-tool-changes-2026-07-01",
  "thinking-token-count-2026-05-13",
  "advanced-tool-use-2025-11-20",
  "effort-2025-11-24"
].join(",")

type Body = Record<string, unknown> & { messages: Array<{ role: string; content: unknown }>; tools: Array<Record<string, unknown>> }
const copy = (): Body => structuredClone(fixture) as unknown as Body
const objectSchema = (properties: Record<string, unknown>) => ({ type: "object", properties, additionalProperties: false })
const lastUser = (body: Body) => [...body.messages].reverse().find((m) => m.role === "user")!

/** A 1x1 GIF. */
const GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
/** mcp__ + server + __ + tool: 73 characters, over OpenAI's and Gemini's 64. */
export const LONG_MCP_NAME = "mcp__claude_in_chrome_extension_server__navigate_and_capture_a_screenshot"

export type VariantName = "fixture" | "mcp150" | "emptyObject" | "budget" | "gif" | "toolReference"

/** The six request shapes, each from a fresh copy of the fixture (max_tokens 128000, adaptive thinking, effort, a mid-conversation system message). */
export const VARIANTS: Record<VariantName, (body: Body) => void> = {
  fixture: () => {},
  mcp150: (body) => {
    for (let i = 0; i < 150; i++) {
      body.tools.push({ name: `mcp__server__tool_${i}`, description: `MCP tool ${i}`, input_schema: objectSchema({ arg: { type: "string" } }) })
    }
  },
  emptyObject: (body) => {
    body.tools.push({
      name: LONG_MCP_NAME,
      description: "Navigate and capture a screenshot",
      input_schema: objectSchema({ url: { type: "string" }, options: { type: "object", description: "free-form options" } })
    })
  },
  budget: (body) => {
    body["thinking"] = { type: "enabled", budget_tokens: 31999 }
  },
  gif: (body) => {
    const turn = lastUser(body)
    turn.content = [...(turn.content as Array<unknown>), { type: "image", source: { type: "base64", media_type: "image/gif", data: GIF } }]
  },
  toolReference: (body) => {
    body.tools.push({ name: "WebSearch", description: "Search the web", input_schema: objectSchema({ query: { type: "string" } }), defer_loading: true })
    body.messages.push(
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_search_1", name: "ToolSearch", input: { query: "select:WebSearch" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_search_1", content: [{ type: "tool_reference", tool_name: "WebSearch" }] }] }
    )
  }
}

export const requestBody = (variant: VariantName, stream: boolean): Body => {
  const body = copy()
  VARIANTS[variant](body)
  body["stream"] = stream
  return body
}

const fake = () => inject("fakeUrl")
export const AWS = { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "fake/secret/access/key/0000000000000000" }

/** The route of the fake a format's requests reach, and the id its calls are recorded under. */
const ROUTES: Record<string, { path: (p: Preset) => string; calls: string }> = {
  anthropic: { path: () => "/agent/anthropic", calls: "agent-anthropic" },
  openai: { path: () => "/agent/openai/v1", calls: "agent-openai" },
  "openai-responses": { path: () => "/agent/openai-responses/v1", calls: "agent-openai-responses" },
  gemini: { path: () => "/agent/gemini", calls: "agent-gemini" },
  bedrock: { path: (p) => `/bedrock/${p.region}`, calls: "bedrock" },
  vertex: { path: () => "/vertex", calls: "vertex" }
}

export const callsOf = async (id: string): Promise<Array<{ path: string; body: string }>> => (await fetch(`${fake()}/__calls/${id}`)).json()

/** A preset (with overrides) as the provider the admin page would make of it, at the fake's route. */
export const presetProvider = async (id: string, over: Partial<Preset> = {}) => {
  const preset = { ...PRESETS.find((p) => p.id === id)!, ...over }
  const format = preset.format!
  const credentials = format === "bedrock"
    ? { aws: AWS }
    : format === "vertex"
      ? { project: "fake-project", serviceAccount: await serviceAccount() }
      : { apiKey: `sk-${preset.id}-fake-0001` }
  return {
    provider: {
      name: preset.name!,
      format,
      baseUrl: `${fake()}${ROUTES[format]!.path(preset)}`,
      ...(preset.region === undefined ? {} : { region: preset.region }),
      ...(preset.models === undefined ? {} : { models: preset.models }),
      ...(preset.echo === true ? { reasoning: { echo: true } } : {}),
      ...credentials,
      retries: 0
    },
    calls: ROUTES[format]!.calls
  }
}

const serviceAccount = async (): Promise<Record<string, string>> => {
  const key = (await (await fetch(`${fake()}/google/service-account.json`)).json()) as Record<string, string>
  // A key id of its own: no token another fake issued is cached for it.
  return { ...key, private_key_id: `k${Math.random().toString(36).slice(2)}` }
}
