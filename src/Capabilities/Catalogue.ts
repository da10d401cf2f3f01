/**
 * The built-in catalogue: what each provider's models take, keyed by format and model-name globs.
 * Entries apply in order, later ones refining earlier ones, so a family comes before its exceptions.
 * Claude globs start with `*` so that a cloud's own id (`global.anthropic.claude-opus-5-5`) matches too.
 * Every entry names its source: the provider's documentation page, or a public issue showing the
 * real error. A model that matches nothing keeps today's behaviour (Capabilities.UNKNOWN). The fakes
 * in scripts/ refuse what these entries say the real providers refuse.
 */
import type { Format } from "../Config/Document.js"
import type { Capabilities } from "./Capabilities.js"

export interface CatalogueEntry {
  readonly formats: ReadonlyArray<Format>
  readonly models: ReadonlyArray<string>
  readonly caps: Partial<Omit<Capabilities, "refusedBetas" | "refusedParams" | "serverTools">> & {
    readonly refusedBetas?: ReadonlyArray<string>
    readonly serverTools?: ReadonlyArray<string> | "all"
  }
  readonly source: string
}

const OPENAI: ReadonlyArray<Format> = ["openai", "openai-responses"]
const CLAUDE: ReadonlyArray<Format> = ["anthropic", "bedrock", "vertex", "claude-platform-aws"]
const CLOUDS: ReadonlyArray<Format> = ["bedrock", "vertex"]

export const CATALOGUE: ReadonlyArray<CatalogueEntry> = [
  // ---- Server tools, by format: who can run Anthropic's web search & co. ----
  {
    formats: ["anthropic", "claude-platform-aws"],
    models: ["*"],
    // Anthropic's own API runs every server tool; a third-party endpoint that refuses one answers a 4xx (the chain moves on).
    caps: { serverTools: "all", blockedDomains: true },
    source: "https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool"
  },
  {
    formats: ["vertex"],
    models: ["*"],
    // web search with the web-search-2025-03-05 beta; the others are not offered there
    caps: { serverTools: ["web_search"], blockedDomains: true },
    source: "https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/web-search (needs web-search-2025-03-05)"
  },
  // ---- OpenAI ----
  {
    formats: OPENAI,
    models: ["gpt-*", "o[1-9]*", "chatgpt-*"],
    // "Invalid 'tools': array too long. Expected an array with maximum length 128" (array_above_max_length)
    caps: { maxTools: 128 },
    source: "https://platform.openai.com/docs/api-reference/chat/create (tools: a max of 128 functions are supported)"
  },
  {
    formats: OPENAI,
    models: ["gpt-5*"],
    // "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
    // and "Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported."
    caps: { maxOutput: 128_000, tokenField: "max_completion_tokens", contextWindow: 400_000, thinking: { kind: "effort" }, sampling: false },
    source: "https://platform.openai.com/docs/models/gpt-5 (400,000 context, 128,000 max output; reasoning model) and https://platform.openai.com/docs/guides/reasoning"
  },
  {
    formats: OPENAI,
    models: ["o[1-9]*"],
    caps: { maxOutput: 100_000, tokenField: "max_completion_tokens", contextWindow: 200_000, thinking: { kind: "effort" }, sampling: false },
    source: "https://platform.openai.com/docs/models/o3 (200,000 context, 100,000 max output; reasoning model)"
  },
  {
    formats: OPENAI,
    models: ["gpt-4.1*"],
    // over Responses: "Unsupported parameter: 'reasoning.effort' is not supported with this model."
    caps: { maxOutput: 32_768, contextWindow: 1_047_576, thinking: { kind: "none" } },
    source: "https://platform.openai.com/docs/models/gpt-4.1 (1,047,576 context, 32,768 max output; not a reasoning model)"
  },
  {
    formats: OPENAI,
    models: ["gpt-4o*"],
    caps: { maxOutput: 16_384, contextWindow: 128_000, thinking: { kind: "none" } },
    source: "https://platform.openai.com/docs/models/gpt-4o (128,000 context, 16,384 max output; not a reasoning model)"
  },
  {
    formats: ["openai-responses"],
    models: ["gpt-5*", "gpt-4.1*", "gpt-4o*", "o3*", "o4*"],
    // the built-in web_search tool: allowed_domains as filters, no blocked list
    caps: { serverTools: ["web_search"], blockedDomains: false },
    source: "https://platform.openai.com/docs/guides/tools-web-search (Responses API; filters.allowed_domains; supported models)"
  },
  // ---- DeepSeek (OpenAI-compatible) ----
  {
    formats: ["openai"],
    models: ["deepseek-chat"],
    // "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"
    caps: { maxOutput: 8_192, contextWindow: 128_000, thinking: { kind: "none" }, imageTypes: "none" },
    source: "https://api-docs.deepseek.com/quick_start/pricing (deepseek-chat: 128K context, max output 8K; text only)"
  },
  {
    formats: ["openai"],
    models: ["deepseek-reasoner"],
    caps: { maxOutput: 65_536, contextWindow: 128_000, imageTypes: "none" },
    source: "https://api-docs.deepseek.com/quick_start/pricing (deepseek-reasoner: 128K context, max output 64K; text only)"
  },
  // ---- Qwen-family chat templates (vLLM, llama.cpp, Ollama, hosted) ----
  {
    formats: ["openai", "openai-responses"],
    models: ["qwen*", "*/qwen*", "*qwen3*"],
    // "System message must be at the beginning."
    caps: { systemAnywhere: false },
    source: "https://github.com/vllm-project/vllm/issues/41114 (Qwen chat template: a system message after the first is a 400)"
  },
  // ---- Gemini ----
  {
    formats: ["gemini"],
    models: ["gemini-*"],
    // "...supported range is from 1 (inclusive) to 65537 (exclusive)"
    // "At most 512 function declarations can be specified"
    caps: { maxOutput: 65_536, contextWindow: 1_048_576, maxTools: 512, imageTypes: ["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"] },
    source: "https://ai.google.dev/gemini-api/docs/models (1,048,576 input, 65,536 output), https://ai.google.dev/gemini-api/docs/image-understanding (PNG, JPEG, WEBP, HEIC, HEIF) and https://github.com/google-gemini/gemini-cli/issues/19083 (512 function declarations)"
  },
  {
    formats: ["gemini"],
    models: ["gemini-2.5*", "gemini-3*"],
    // Grounding with Google Search; no domain lists
    caps: { serverTools: ["web_search"], blockedDomains: false },
    source: "https://ai.google.dev/gemini-api/docs/google-search (the google_search tool, Gemini 2.0 and later)"
  },
  {
    formats: ["gemini"],
    models: ["gemini-2.5-pro*", "gemini-3*"],
    // "The thinking budget 0 is invalid. Please choose a value between 128 and 32768."
    caps: { thinking: { kind: "budget", min: 128, max: 32_768 } },
    source: "https://ai.google.dev/gemini-api/docs/thinking (2.5 Pro: 128 to 32768, thinking cannot be turned off)"
  },
  {
    formats: ["gemini"],
    models: ["gemini-2.5-flash*"],
    // "The thinking budget 31999 is invalid. Please choose a value between 0 and 24576."
    caps: { thinking: { kind: "budget", min: 0, max: 24_576 } },
    source: "https://ai.google.dev/gemini-api/docs/thinking (2.5 Flash: 0 to 24576)"
  },
  {
    formats: ["gemini"],
    models: ["gemini-2.5-flash-lite*"],
    caps: { thinking: { kind: "budget", min: 512, max: 24_576 } },
    source: "https://ai.google.dev/gemini-api/docs/thinking (2.5 Flash-Lite: 512 to 24576)"
  },
  // ---- Claude, first party and on the clouds ----
  {
    formats: CLAUDE,
    models: ["*claude-opus-4-6*", "*claude-sonnet-4-6*", "*claude-opus-4-7*", "*claude-opus-4-8*", "*claude-opus-5*", "*claude-sonnet-5*", "*claude-fable-5*", "*claude-haiku-5*"],
    caps: { maxOutput: 128_000, contextWindow: 1_000_000 },
    source: "https://platform.claude.com/docs/en/about-claude/models/overview (1M context, 128K output)"
  },
  {
    formats: CLAUDE,
    models: ["*claude-haiku-4-5*"],
    caps: { maxOutput: 64_000, contextWindow: 200_000 },
    source: "https://platform.claude.com/docs/en/about-claude/models/overview (Haiku 4.5: 200K context, 64K output)"
  },
  {
    formats: CLOUDS,
    models: ["*claude-*"],
    // "role 'system' is not supported on this model"
    caps: { systemAnywhere: false },
    source: "https://platform.claude.com/docs/en/build-with-claude/claude-in-amazon-bedrock (mid-conversation system messages: newer models only)"
  },
  {
    formats: CLOUDS,
    models: ["*claude-fable-5*", "*claude-opus-5*", "*claude-opus-4-8*"],
    caps: { systemAnywhere: true },
    source: "https://platform.claude.com/docs/en/build-with-claude/claude-in-amazon-bedrock (accepted by Fable 5.1, Fable 5, Opus 5, Opus 4.8)"
  },
  {
    formats: ["vertex"],
    models: ["*"],
    // "Unexpected value(s) `effort-2025-11-24` for the `anthropic-beta` header"
    caps: {
      refusedBetas: [
        "effort-2025-11-24",
        "adaptive-thinking-2026-01-28",
        "structured-outputs-2025-11-13",
        "prompt-caching-scope-2026-01-05",
        "oauth-2025-04-20",
        "pdfs-2024-09-25"
      ]
    },
    source: "https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai (betas Vertex answers 400 \"Unexpected value(s) `X` for the `anthropic-beta` header\")"
  }
]
