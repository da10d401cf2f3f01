/**
 * Provider presets: the kinds of service "Add provider" starts from. Each names the format, the base
 * URL and a model map that the built-in capability catalogue knows (src/Capabilities/Catalogue.ts);
 * the test suite runs real Claude Code requests through every one against the strict fakes.
 */
import type { Format } from "./Document.js"

export interface Preset {
  readonly id: string
  readonly label: string
  readonly hint: string
  readonly name?: string
  readonly format?: Format
  readonly baseUrl?: string
  readonly region?: string
  /** bedrock: which of its APIs */
  readonly api?: "invoke" | "messages"
  readonly models?: Readonly<Record<string, string>>
  /** openai: echo reasoning back (DeepSeek requires it) */
  readonly echo?: boolean
}

export const PRESETS: ReadonlyArray<Preset> = [
  { id: "anthropic-key", label: "Anthropic (your own API key)", name: "anthropic-key", format: "anthropic", baseUrl: "https://api.anthropic.com",
    hint: "A fallback with an API key stored here: your subscription first, this key when it runs out." },
  { id: "bedrock", label: "Claude on AWS Bedrock (InvokeModel)", name: "bedrock", format: "bedrock", region: "us-east-1",
    hint: "The same Claude: an access key pair (or a Bedrock API key) and the region. Model ids (inference profiles) are mapped for you." },
  { id: "bedrock-messages", label: "Claude on AWS Bedrock (Messages API)", name: "bedrock-messages", format: "bedrock", api: "messages", region: "us-east-1",
    hint: "Bedrock's Messages API (bedrock-mantle): the first-party body, SSE back; a Bedrock API key or an access key pair. No server tools there." },
  { id: "claude-platform-aws", label: "Claude Platform on AWS", name: "claude-aws", format: "claude-platform-aws", region: "us-east-1",
    hint: "Anthropic's own API, billed through AWS: the workspace id and an API key (or an access key pair)." },
  { id: "vertex", label: "Claude on Google Vertex AI", name: "vertex", format: "vertex", region: "global",
    hint: "The same Claude: the project, the region (global, us, eu or one region) and the service-account key file (paste it or choose the file)." },
  { id: "foundry", label: "Claude in Microsoft Foundry", name: "foundry", format: "anthropic", baseUrl: "https://your-resource.services.ai.azure.com/anthropic",
    hint: "Your Foundry resource's endpoint (replace your-resource) and its API key; name deployments after the model ids, or map them." },
  { id: "openai", label: "OpenAI (Responses API)", name: "openai", format: "openai-responses", baseUrl: "https://api.openai.com/v1",
    models: { "claude-haiku-*": "gpt-5-mini", "claude-*-haiku-*": "gpt-5-mini", "*": "gpt-5.1-codex" }, hint: "Your OpenAI API key." },
  { id: "openrouter", label: "OpenRouter", name: "openrouter", format: "openai", baseUrl: "https://openrouter.ai/api/v1",
    models: { "claude-haiku-*": "anthropic/claude-haiku-4.5", "claude-*-haiku-*": "anthropic/claude-haiku-4.5", "*": "anthropic/claude-sonnet-4.5" },
    hint: "Your OpenRouter key; any model OpenRouter lists can go in the map." },
  { id: "deepseek", label: "DeepSeek", name: "deepseek", format: "openai", baseUrl: "https://api.deepseek.com",
    models: { "*": "deepseek-chat" }, echo: true, hint: "Your DeepSeek key; reasoning is echoed back, as DeepSeek requires." },
  { id: "groq", label: "Groq", name: "groq", format: "openai", baseUrl: "https://api.groq.com/openai/v1",
    models: { "*": "openai/gpt-oss-120b" }, hint: "Your Groq key." },
  { id: "gemini", label: "Google Gemini", name: "gemini", format: "gemini", baseUrl: "https://generativelanguage.googleapis.com",
    models: { "claude-haiku-*": "gemini-2.5-flash", "claude-*-haiku-*": "gemini-2.5-flash", "*": "gemini-2.5-pro" }, hint: "Your Gemini API key (Google AI Studio)." },
  { id: "local", label: "A local OpenAI-compatible server (Ollama, vLLM, LM Studio)", name: "local", format: "openai",
    baseUrl: "http://127.0.0.1:11434/v1", models: { "*": "qwen3-coder" },
    hint: "Ollama's address; vLLM is usually http://127.0.0.1:8000/v1, LM Studio http://127.0.0.1:1234/v1. No key needed on your own machine." },
  { id: "custom", label: "Custom", hint: "Any Anthropic-, OpenAI- or Gemini-compatible service." }
]

