/**
 * Every provider preset (src/Config/Presets.ts, all but "custom") as the fallback of a primary that
 * answers 529, against the strict fakes, with the requests Claude Code really sends: the fixture and
 * five variations of it, streaming and not. Each run is served by the preset, or, where the preset's
 * model truly cannot serve the request, skipped with the reason and served by `last`, the preset
 * never called. A refusal by a strict fake is a translation bug (its text is in x-failover-attempts).
 */
import { SELF } from "cloudflare:test"
import { describe, expect, inject, it } from "vitest"
import type { Preset } from "../../src/Config/Presets.js"
import { checkAnthropicStream } from "../unit/AnthropicGrammar.js"
import { ADMIN, post, putConfig, TOKEN } from "./helpers.js"
import { callsOf, CLAUDE_CODE_BETAS, presetProvider, requestBody, type VariantName } from "./presetRuns.js"

const fake = inject("fakeUrl")

interface Row {
  readonly label: string
  readonly preset: string
  /** on top of the preset: another model map, or another format for the same service */
  readonly over?: Partial<Preset>
  /** the model the fake must see, in the body or the path */
  readonly upstreamModel: string
  /** the variants this model cannot serve, with the reason the chain gives */
  readonly cannot?: Partial<Record<VariantName, string>>
}

const OVER_128_TOOLS = { mcp150: "162 tools > 128" }

const ROWS: ReadonlyArray<Row> = [
  { label: "anthropic-key", preset: "anthropic-key", upstreamModel: "claude-opus-5-5" },
  { label: "bedrock", preset: "bedrock", upstreamModel: "us.anthropic.claude-opus-5-5" },
  { label: "vertex", preset: "vertex", upstreamModel: "claude-opus-5-5" },
  { label: "openai (Responses) gpt-5.1-codex", preset: "openai", upstreamModel: "gpt-5.1-codex", cannot: OVER_128_TOOLS },
  { label: "openai (Responses) gpt-4.1", preset: "openai", over: { models: { "*": "gpt-4.1" } }, upstreamModel: "gpt-4.1", cannot: OVER_128_TOOLS },
  {
    label: "openai (Chat Completions) gpt-5.1",
    preset: "openai",
    over: { name: "openai-chat", format: "openai", models: { "*": "gpt-5.1" } },
    upstreamModel: "gpt-5.1",
    cannot: OVER_128_TOOLS
  },
  { label: "openrouter (not in the catalogue)", preset: "openrouter", upstreamModel: "anthropic/claude-sonnet-4.5" },
  { label: "deepseek", preset: "deepseek", upstreamModel: "deepseek-chat", cannot: { gif: "images not accepted" } },
  { label: "groq (not in the catalogue)", preset: "groq", upstreamModel: "openai/gpt-oss-120b" },
  { label: "gemini 2.5 pro", preset: "gemini", upstreamModel: "gemini-2.5-pro" },
  { label: "gemini 2.5 flash", preset: "gemini", over: { models: { "*": "gemini-2.5-flash" } }, upstreamModel: "gemini-2.5-flash" },
  { label: "local qwen3-coder", preset: "local", upstreamModel: "qwen3-coder" }
]

const VARIANT_NAMES: ReadonlyArray<VariantName> = ["fixture", "mcp150", "emptyObject", "budget", "gif", "toolReference"]
const CASES = VARIANT_NAMES.flatMap((variant) => [false, true].map((stream) => ({ variant, stream })))

type Block = { type: string; text?: unknown; name?: unknown }
/**
 * The fixture's last user turn is a tool result: the fake agent answers with text about it. Where
 * the GIF cannot ride in the tool result (Chat Completions, Responses) it follows as a user message
 * of its own, and the agent, seeing a user turn without a result, calls Bash again.
 */
const answer = (m: { stop_reason: string | null; content: ReadonlyArray<Block> }) =>
  m.stop_reason === "tool_use"
    ? `tool_use ${m.content.filter((b) => b.type === "tool_use").map((b) => String(b.name)).join()}`
    : `${m.stop_reason} ${m.content.filter((b) => b.type === "text").map((b) => String(b.text)).join("")}`

describe.each(ROWS)("preset $label after a 529", (row) => {
  it.each(CASES)("$variant, stream $stream", async ({ variant, stream }) => {
    // Closed breakers for every run: the primary fails each time, and the names repeat.
    expect((await SELF.fetch("http://proxy/admin/api/health/reset", { method: "POST", headers: ADMIN })).status).toBeLessThan(300)
    const { provider, calls } = await presetProvider(row.preset, row.over)
    await putConfig({
      providers: [
        { name: "primary", format: "anthropic", baseUrl: `${fake}/fail/529`, retries: 0 },
        provider,
        { name: "last", format: "anthropic", baseUrl: `${fake}/agent/anthropic`, apiKey: "sk-last-fake-0001", retries: 0 }
      ],
      accessTokens: [{ token: TOKEN }]
    })
    const before = (await callsOf(calls)).length

    const r = await post(`/t/${TOKEN}/v1/messages`, requestBody(variant, stream), { "anthropic-beta": CLAUDE_CODE_BETAS })
    const text = await r.text()
    const skip = row.cannot?.[variant]
    const served = skip === undefined ? provider.name : "last"
    const attempts = skip === undefined ? `primary=529, ${provider.name}=200` : `primary=529, ${provider.name}=skipped(${skip}), last=200`
    expect({ status: r.status, provider: r.headers.get("x-failover-provider"), attempts: r.headers.get("x-failover-attempts") }, text.slice(0, 600))
      .toEqual({ status: 200, provider: served, attempts })

    const message = stream
      ? checkAnthropicStream(text).message!
      : (JSON.parse(text) as { type: string; role: string; content: Array<Block>; stop_reason: string })
    if (!stream) expect(message).toMatchObject({ type: "message", role: "assistant" })
    const ownImageTurn = variant === "gif" && served !== "last" && (provider.format === "openai" || provider.format === "openai-responses")
    expect(answer(message)).toMatch(ownImageTurn ? /^tool_use Bash$/ : /^end_turn The command ran\. Output: /)

    const sent = (await callsOf(calls)).slice(before)
    if (skip !== undefined) return expect(sent).toEqual([])
    expect(sent).toHaveLength(1)
    const model = sent[0]!.path.includes(row.upstreamModel) ? row.upstreamModel : (JSON.parse(sent[0]!.body) as { model?: string }).model
    expect(model).toBe(row.upstreamModel)
  })
})
