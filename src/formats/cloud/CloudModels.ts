/**
 * One model catalogue for Claude ids: the first-party id Claude Code sends -> each platform's id, for
 * when a provider's `models` map has no match.
 * - Bedrock InvokeModel: an inference profile `{geo}.anthropic.{id}`, the geography from the region
 *   (or the provider's `inferenceProfile`). From Opus 4.7 on the id has no suffix and is served through
 *   profiles only; the documented exceptions are `claude-opus-4-6-v1` and `claude-sonnet-4-6`; dated
 *   ids (4.5 and older) carry `-v1:0`; a few older models exist in `us` only.
 * - Bedrock's Messages API (bedrock-mantle): `anthropic.{id}`, no geography.
 * - Vertex: the bare id from 4.6 on, `{name}@{date}` before.
 * - Claude Platform on AWS and Foundry: the first-party id (Foundry's deployment name defaults to it).
 * An id not in the table follows the newest documented pattern (no suffix, bare on Vertex) rather than
 * inventing one; the user's `models` map always wins (sources: Anthropic's "Claude in Amazon Bedrock",
 * "Claude on Amazon Bedrock (Opus 4.6 and earlier)", "Claude Models on Google Cloud").
 */
export type Geo = "global" | "us" | "eu" | "jp" | "au" | "apac"
export const GEOS: ReadonlyArray<Geo> = ["global", "us", "eu", "jp", "au", "apac"]

export type Platform = "bedrock" | "bedrock-messages" | "vertex"

interface Known {
  /** the Bedrock id after `anthropic.` */
  readonly bedrock: string
  /** the Vertex id */
  readonly vertex: string
  /** the geographies that have a profile for it (all when absent) */
  readonly geos?: ReadonlyArray<Geo>
}

const current = (id: string): Known => ({ bedrock: id, vertex: id })
const dated = (name: string, date: string, geos?: ReadonlyArray<Geo>): Known => ({
  bedrock: `${name}-${date}-v1:0`,
  vertex: `${name}@${date}`,
  ...(geos === undefined ? {} : { geos })
})

/** First-party id -> its ids on the clouds. */
export const CLAUDE_MODELS: Readonly<Record<string, Known>> = {
  "claude-fable-5-2": current("claude-fable-5-2"),
  "claude-fable-5-1": current("claude-fable-5-1"),
  "claude-fable-5": current("claude-fable-5"),
  "claude-opus-5-5": current("claude-opus-5-5"),
  "claude-sonnet-5-5": current("claude-sonnet-5-5"),
  "claude-haiku-5-5": current("claude-haiku-5-5"),
  "claude-opus-5": current("claude-opus-5"),
  "claude-sonnet-5": current("claude-sonnet-5"),
  "claude-opus-4-8": current("claude-opus-4-8"),
  "claude-opus-4-7": current("claude-opus-4-7"),
  "claude-opus-4-6": { bedrock: "claude-opus-4-6-v1", vertex: "claude-opus-4-6" },
  "claude-sonnet-4-6": current("claude-sonnet-4-6"),
  "claude-opus-4-5-20251101": dated("claude-opus-4-5", "20251101"),
  "claude-haiku-4-5-20251001": dated("claude-haiku-4-5", "20251001"),
  "claude-sonnet-4-5-20250929": dated("claude-sonnet-4-5", "20250929"),
  "claude-sonnet-4-20250514": dated("claude-sonnet-4", "20250514"),
  "claude-opus-4-1-20250805": dated("claude-opus-4-1", "20250805", ["us"]),
  "claude-opus-4-20250514": dated("claude-opus-4", "20250514", ["us"]),
  "claude-3-7-sonnet-20250219": dated("claude-3-7-sonnet", "20250219", ["us"]),
  "claude-3-5-haiku-20241022": dated("claude-3-5-haiku", "20241022", ["us"])
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

/** The geography of an AWS region's inference profiles (`global` where none is closer). */
export const geoOf = (region: string | undefined): Geo => {
  const r = region ?? ""
  if (r.startsWith("us-") || r.startsWith("ca-")) return "us"
  if (r.startsWith("eu-")) return "eu"
  if (r === "ap-northeast-1" || r === "ap-northeast-3") return "jp"
  if (r === "ap-southeast-2" || r === "ap-southeast-4") return "au"
  if (r.startsWith("ap-")) return "apac"
  return "global"
}

/** The catalogue's entry for a first-party id (aliases and Claude Code's `[1m]` suffix resolved). */
const lookup = (model: string): { readonly id: string; readonly known: Known | undefined } => {
  const name = model.replace(/\[[^\]]*\]$/, "")
  const id = ALIASES[name] ?? name
  return { id, known: CLAUDE_MODELS[id] }
}

/** The Bedrock id after `anthropic.` for any id: the catalogue's, else the newest pattern. */
const bedrockName = (id: string, known: Known | undefined) => known?.bedrock ?? (DATED.test(id) ? `${id}-v1:0` : id)

export interface CloudModelOptions {
  /** bedrock: the region, for the inference profile's geography */
  readonly region?: string | undefined
  /** bedrock: an inference profile to use instead of the region's */
  readonly inferenceProfile?: Geo | undefined
}

/** The platform's id for `model` (already mapped by the provider's `models`, if it matched). */
export const cloudModelId = (platform: Platform, model: string, options: CloudModelOptions = {}): string => {
  // Already the platform's id: a Bedrock profile/foundation id or ARN, a Vertex `name@date`.
  if (platform !== "vertex" && (model.includes("anthropic.") || model.startsWith("arn:"))) return model
  if (platform === "vertex" && model.includes("@")) return model
  const { id, known } = lookup(model)
  if (platform === "vertex") {
    if (known !== undefined) return known.vertex
    const d = DATED.exec(id)
    return d !== null ? `${d[1]}@${d[2]}` : id
  }
  const name = bedrockName(id, known)
  if (platform === "bedrock-messages") return `anthropic.${name}`
  const wanted = options.inferenceProfile ?? geoOf(options.region)
  const geos = known?.geos
  const geo = geos === undefined || geos.includes(wanted) ? wanted : geos.includes("global") ? "global" : geos[0]!
  return `${geo}.anthropic.${name}`
}

/** Bedrock's count-tokens takes the foundation model id, without the inference-profile prefix. */
export const bedrockFoundationId = (id: string): string => id.replace(/^(?:global|us|eu|jp|apac|au|ca|us-gov)\./, "")
