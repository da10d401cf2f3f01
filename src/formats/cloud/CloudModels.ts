/**
 * Anthropic model names -> the ids Bedrock and Vertex know them by, for when a provider's `models`
 * map has no match. Bedrock ids carry an inference-profile prefix (`global.` where AWS offers a
 * global profile, else `us.`); Vertex ids are `name@date` up to Claude 4.5 and the Anthropic id after.
 * A name not in the table follows the same rules; an id already in the cloud's form is kept.
 */
import type { CloudFormat } from "../../Config/Document.js"

/** Anthropic id -> [Bedrock id, Vertex id]. Kept in one place, easy to extend. */
export const DEFAULT_MODEL_IDS: Readonly<Record<string, readonly [bedrock: string, vertex: string]>> = {
  "claude-opus-4-6": ["global.anthropic.claude-opus-4-6-v1", "claude-opus-4-6"],
  "claude-sonnet-4-6": ["global.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6"],
  "claude-opus-4-5-20251101": ["global.anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4-5@20251101"],
  "claude-haiku-4-5-20251001": ["global.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5@20251001"],
  "claude-sonnet-4-5-20250929": ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5@20250929"],
  "claude-opus-4-1-20250805": ["us.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1@20250805"],
  "claude-opus-4-20250514": ["us.anthropic.claude-opus-4-20250514-v1:0", "claude-opus-4@20250514"],
  "claude-sonnet-4-20250514": ["global.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4@20250514"],
  "claude-3-7-sonnet-20250219": ["us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet@20250219"],
  "claude-3-5-haiku-20241022": ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku@20241022"]
}

/** Aliases Claude Code and the SDKs use -> the dated id. */
const ALIASES: Readonly<Record<string, string>> = {
  "claude-opus-4-5": "claude-opus-4-5-20251101",
  "claude-haiku-4-5": "claude-haiku-4-5-20251001",
  "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
  "claude-opus-4-1": "claude-opus-4-1-20250805",
  "claude-opus-4-0": "claude-opus-4-20250514",
  "claude-sonnet-4-0": "claude-sonnet-4-20250514",
  "claude-3-7-sonnet-latest": "claude-3-7-sonnet-20250219",
  "claude-3-5-haiku-latest": "claude-3-5-haiku-20241022"
}

const DATED = /^(.*)-(\d{8})$/

/** The cloud's id for `model` (already mapped by the provider's `models`, if it matched). */
export const cloudModelId = (format: CloudFormat, model: string): string => {
  // Already a cloud id: a Bedrock model/profile id or ARN, or a Vertex `name@date`.
  if (format === "bedrock" && (model.includes("anthropic.") || model.startsWith("arn:"))) return model
  if (format === "vertex" && model.includes("@")) return model
  // `[1m]` and similar suffixes are Claude Code's, not part of the id.
  const name = model.replace(/\[[^\]]*\]$/, "")
  const id = ALIASES[name] ?? name
  const known = DEFAULT_MODEL_IDS[id]
  if (known !== undefined) return format === "bedrock" ? known[0] : known[1]
  const dated = DATED.exec(id)
  if (format === "bedrock") return dated !== null ? `global.anthropic.${id}-v1:0` : `global.anthropic.${id}-v1`
  return dated !== null ? `${dated[1]}@${dated[2]}` : id
}

/** Bedrock's count-tokens takes the foundation model id, without the inference-profile prefix. */
export const bedrockFoundationId = (id: string): string => id.replace(/^(?:global|us|eu|jp|apac|au|ca|us-gov)\./, "")
