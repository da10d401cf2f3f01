/**
 * The Anthropic body as each cloud takes it. Bedrock's InvokeModel and Vertex answer 400 to a field or
 * beta they do not know ("Extra inputs are not permitted", "invalid beta flag"), so their top-level
 * fields and betas go through an allow-list per cloud, kept here, and the first-party-only details
 * Claude Code sends (`context_management` edits other than compaction, `tools[].defer_loading` without
 * tool search, `cache_control.scope`) are removed wherever they appear. The clouds name tool search
 * `tool-search-tool-2025-10-19` where the first-party API says `advanced-tool-use-2025-11-20`.
 * Bedrock's Messages API and Claude Platform on AWS take the first-party body as it is.
 */
import type { CloudFormat, ProviderConfig } from "../../Config/Document.js"
import type { MessagesRequest } from "../anthropic/Messages.js"

/** How a cloud provider is spoken to: its format, and for Bedrock which of its two APIs. */
export type CloudKind = "bedrock" | "bedrock-messages" | "vertex" | "claude-platform-aws"
export const kindOf = (config: Pick<ProviderConfig, "format" | "api">): CloudKind =>
  config.format === "bedrock" ? (config.api === "messages" ? "bedrock-messages" : "bedrock") : config.format as Exclude<CloudFormat, "bedrock">

/** The kinds whose body is the first-party Messages body (model and stream set per request). */
export const speaksMessages = (kind: CloudKind): kind is "bedrock-messages" | "claude-platform-aws" =>
  kind === "bedrock-messages" || kind === "claude-platform-aws"

export const ANTHROPIC_VERSION: Readonly<Record<"bedrock" | "vertex", string>> = {
  bedrock: "bedrock-2023-05-31",
  vertex: "vertex-2023-10-16"
}

const COMMON_FIELDS = [
  "max_tokens",
  "messages",
  "system",
  "stop_sequences",
  "temperature",
  "top_p",
  "top_k",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "context_management"
]

/** The top-level fields each cloud accepts (besides `anthropic_version`, which we set). */
export const CLOUD_FIELDS: Readonly<Record<"bedrock" | "vertex", ReadonlySet<string>>> = {
  bedrock: new Set(COMMON_FIELDS),
  vertex: new Set([...COMMON_FIELDS, "metadata", "stream"])
}

const COMMON_BETAS = [
  "interleaved-thinking-2025-05-14",
  "fine-grained-tool-streaming-2025-05-14",
  "context-1m-2025-08-07",
  "context-management-2025-06-27",
  "effort-2025-11-24",
  "token-efficient-tools-2025-02-19",
  "output-128k-2025-02-19",
  "computer-use-2025-01-24",
  "computer-use-2025-11-24",
  "tool-search-tool-2025-10-19",
  "tool-examples-2025-10-29",
  "compact-2026-01-12"
]

/** First-party names -> the clouds' names for the same feature. */
export const CLOUD_BETA_RENAMES: Readonly<Record<string, string>> = {
  "advanced-tool-use-2025-11-20": "tool-search-tool-2025-10-19"
}

/** Tool search on the clouds: with it, `defer_loading` on tools is the feature, not an extra input. */
const TOOL_SEARCH = "tool-search-tool-2025-10-19"

/** The betas each cloud knows; any other (`claude-code-20250219`, `oauth-2025-04-20`, ...) is dropped.
 * Claude Platform on AWS is Anthropic's own API: every beta but the subscription's OAuth one. */
export const CLOUD_BETAS: Readonly<Record<CloudKind, ReadonlySet<string> | "first-party">> = {
  bedrock: new Set(COMMON_BETAS),
  "bedrock-messages": new Set(COMMON_BETAS),
  vertex: new Set([...COMMON_BETAS, "web-search-2025-03-05"]),
  "claude-platform-aws": "first-party"
}

/** The betas of an `anthropic-beta` header this cloud accepts (renamed to its names), in order, once each. */
export const cloudBetas = (kind: CloudKind, header: string | null): Array<string> => {
  if (header === null) return []
  const allowed = CLOUD_BETAS[kind]
  const flags = header.split(",").map((b) => b.trim()).filter((b) => b.length > 0)
  if (allowed === "first-party") return [...new Set(flags.filter((b) => b !== "oauth-2025-04-20"))]
  return [...new Set(flags.map((b) => CLOUD_BETA_RENAMES[b] ?? b).filter((b) => allowed.has(b)))]
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)

/** `cache_control` without `scope` (first-party only); other keys kept. */
const withoutScope = <T>(block: T): T => {
  if (!isObject(block) || !isObject(block["cache_control"]) || !("scope" in block["cache_control"])) return block
  const { scope: _, ...cache } = block["cache_control"]
  return { ...block, cache_control: cache } as T
}

const cleanContent = (content: unknown): unknown => {
  if (!Array.isArray(content)) return content
  return content.map((b) => {
    const block = withoutScope(b)
    // tool_result content nests blocks of its own
    return isObject(block) && Array.isArray(block["content"]) ? { ...block, content: cleanContent(block["content"]) } : block
  })
}

const cleanTool = (toolSearch: boolean) => (tool: unknown): unknown => {
  if (!isObject(tool)) return tool
  const clean = withoutScope(tool)
  if (toolSearch) return clean
  const { defer_loading: _, ...rest } = clean
  return rest
}

/** Only compaction edits run on the clouds; with none left, no context_management at all. */
const cleanContextManagement = (value: unknown): unknown => {
  if (!isObject(value) || !Array.isArray(value["edits"])) return undefined
  const edits = value["edits"].filter((e) => isObject(e) && typeof e["type"] === "string" && e["type"].startsWith("compact"))
  return edits.length === 0 ? undefined : { ...value, edits }
}

/**
 * The body for `format`: allow-listed fields, the cloud's own `anthropic_version` (never the
 * client's `anthropic-version` header: the clouds refuse newer values), and for Bedrock the betas
 * as the `anthropic_beta` array (Vertex takes them as a header).
 */
export const cloudBody = (kind: CloudKind, request: MessagesRequest, betas: ReadonlyArray<string>): Json => {
  if (speaksMessages(kind)) {
    const { model: _m, stream: _s, ...rest } = request
    return rest
  }
  const allowed = CLOUD_FIELDS[kind]
  const body: Json = { anthropic_version: ANTHROPIC_VERSION[kind] }
  for (const [key, value] of Object.entries(request)) {
    if (!allowed.has(key) || value === undefined) continue
    if (key === "messages" && Array.isArray(value)) {
      body[key] = value.map((m: unknown) => (isObject(m) ? { ...m, content: cleanContent(m["content"]) } : m))
    } else if (key === "system") {
      body[key] = cleanContent(value)
    } else if (key === "tools" && Array.isArray(value)) {
      body[key] = value.map(cleanTool(betas.includes(TOOL_SEARCH)))
    } else if (key === "context_management") {
      const cm = cleanContextManagement(value)
      if (cm !== undefined) body[key] = cm
    } else {
      body[key] = value
    }
  }
  if (kind === "bedrock" && betas.length > 0) body["anthropic_beta"] = betas
  return body
}
