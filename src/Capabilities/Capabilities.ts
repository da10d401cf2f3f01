/**
 * What a provider can take, per model: the output limit and the field that carries it, the context
 * window, the thinking form, sampling parameters, tools, system placement, media types and betas.
 * A pure module: the built-in catalogue (Catalogue.ts, each entry with its source) merged with the
 * provider's own `capabilities` config and what its 400s taught (Learned) into one plain value per
 * provider and model. Translators shape their requests from it; the chain asks `unmet` first.
 */
import type { Format, ProviderConfig } from "../Config/Document.js"
import { CATALOGUE, type CatalogueEntry } from "./Catalogue.js"

/** How a model takes reasoning: not at all, as an effort level, or as a token budget in a range. */
export type Thinking =
  | { readonly kind: "none" }
  | { readonly kind: "effort" }
  | { readonly kind: "budget"; readonly min: number; readonly max: number }

export type TokenField = "max_tokens" | "max_completion_tokens"

export interface Capabilities {
  /** the most output tokens the model takes (a larger ask is clamped) */
  readonly maxOutput: number | undefined
  /** openai: the field that carries the output limit */
  readonly tokenField: TokenField | undefined
  /** input + output tokens; a request estimated beyond it skips the provider */
  readonly contextWindow: number | undefined
  /** undefined: unknown (the translator's own default) */
  readonly thinking: Thinking | undefined
  /** whether `temperature` / `top_p` are accepted (reasoning models refuse them) */
  readonly sampling: boolean
  /** the most tools one request may carry */
  readonly maxTools: number | undefined
  /** whether a system message may appear after the first message */
  readonly systemAnywhere: boolean
  /** image media types accepted ("none": no images at all; undefined: any) */
  readonly imageTypes: ReadonlyArray<string> | "none" | undefined
  /** whether PDF documents are accepted */
  readonly pdf: boolean
  /** anthropic-beta values the provider refuses (configured, catalogued or learned) */
  readonly refusedBetas: ReadonlySet<string>
  /** request body parameters the provider refuses (learned from its 400s, or configured) */
  readonly refusedParams: ReadonlySet<string>
  /** Anthropic server tools (by kind: `web_search`, `web_fetch`, `code_execution`, ...) the provider
   * serves: "all" passes them through (Anthropic's own API), a set names what its translation maps */
  readonly serverTools: ReadonlySet<string> | "all"
  /** whether its web search honours `blocked_domains` (a user who blocked a domain must not get it back) */
  readonly blockedDomains: boolean
}

/** What a provider's 400s taught about one model: refused parameters and betas. */
export interface LearnedFacts {
  readonly params: ReadonlyArray<string>
  readonly betas: ReadonlyArray<string>
}

/** The provider's own `capabilities` config (Schema in Config/Document.ts), as read here. */
export type CapabilityOverrides = NonNullable<ProviderConfig["capabilities"]>

const EMPTY: ReadonlySet<string> = new Set()

/** Today's behaviour for a model nothing is known about. */
export const UNKNOWN: Capabilities = {
  maxOutput: undefined,
  tokenField: undefined,
  contextWindow: undefined,
  thinking: undefined,
  sampling: true,
  maxTools: undefined,
  systemAnywhere: true,
  imageTypes: undefined,
  pdf: true,
  refusedBetas: EMPTY,
  refusedParams: EMPTY,
  serverTools: EMPTY,
  blockedDomains: false
}

/** `*` any run, `?` one character, `[...]` a class; nothing else is special. */
export const globToRegExp = (glob: string): RegExp => {
  let re = ""
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === "*") re += ".*"
    else if (c === "?") re += "."
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1)
      if (end === -1) re += "\\["
      else {
        re += `[${glob.slice(i + 1, end).replace(/[\\^]/g, "\\$&")}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&")
  }
  return new RegExp(`^${re}$`, "i")
}

const compiled = new WeakMap<CatalogueEntry, ReadonlyArray<RegExp>>()
const matches = (entry: CatalogueEntry, model: string): boolean => {
  let res = compiled.get(entry)
  if (res === undefined) {
    res = entry.models.map(globToRegExp)
    compiled.set(entry, res)
  }
  return res.some((re) => re.test(model))
}

/** The catalogue's entries for a format and model, most general first (later entries refine). */
export const catalogueFor = (format: Format, model: string): ReadonlyArray<CatalogueEntry> =>
  CATALOGUE.filter((e) => e.formats.includes(format) && matches(e, model))

const union = (a: ReadonlySet<string>, b: ReadonlyArray<string> | undefined): ReadonlySet<string> =>
  b === undefined || b.length === 0 ? a : new Set([...a, ...b])

/**
 * Catalogue, then the provider's config (which knows its deployment better), then what its 400s
 * taught. The provider's older `maxTokens` / `tokenField` fields still apply, as overrides.
 */
export const capabilitiesOf = (
  provider: Pick<ProviderConfig, "format" | "maxTokens" | "tokenField" | "capabilities">,
  model: string,
  learned?: LearnedFacts | undefined
): Capabilities => {
  let caps: Capabilities = UNKNOWN
  for (const entry of catalogueFor(provider.format, model)) {
    const { refusedBetas, serverTools, ...rest } = entry.caps
    caps = {
      ...caps,
      ...rest,
      refusedBetas: union(caps.refusedBetas, refusedBetas),
      ...(serverTools === undefined ? {} : { serverTools: serverTools === "all" ? "all" as const : new Set(serverTools) })
    }
  }
  const o = provider.capabilities
  if (o !== undefined) {
    caps = {
      ...caps,
      ...(o.maxOutput !== undefined ? { maxOutput: o.maxOutput } : {}),
      ...(o.tokenField !== undefined ? { tokenField: o.tokenField } : {}),
      ...(o.contextWindow !== undefined ? { contextWindow: o.contextWindow } : {}),
      ...(o.thinking !== undefined ? { thinking: thinkingOf(o.thinking) } : {}),
      ...(o.sampling !== undefined ? { sampling: o.sampling } : {}),
      ...(o.maxTools !== undefined ? { maxTools: o.maxTools } : {}),
      ...(o.systemAnywhere !== undefined ? { systemAnywhere: o.systemAnywhere } : {}),
      ...(o.imageTypes !== undefined ? { imageTypes: o.imageTypes.length === 0 ? "none" as const : o.imageTypes } : {}),
      ...(o.pdf !== undefined ? { pdf: o.pdf } : {}),
      ...(o.serverTools !== undefined ? { serverTools: o.serverTools.includes("all") ? "all" as const : new Set(o.serverTools) } : {}),
      ...(o.blockedDomains !== undefined ? { blockedDomains: o.blockedDomains } : {}),
      refusedBetas: union(caps.refusedBetas, o.refusedBetas),
      refusedParams: union(caps.refusedParams, o.refusedParams)
    }
  }
  if (provider.maxTokens !== undefined) caps = { ...caps, maxOutput: provider.maxTokens }
  if (provider.tokenField !== undefined) caps = { ...caps, tokenField: provider.tokenField }
  if (learned !== undefined) {
    caps = { ...caps, refusedBetas: union(caps.refusedBetas, learned.betas), refusedParams: union(caps.refusedParams, learned.params) }
  }
  return caps
}

const thinkingOf = (t: CapabilityOverrides["thinking"] & {}): Thinking =>
  t === "none" || t === "effort" ? { kind: t } : { kind: "budget", min: t.min, max: t.max }

/** The output limit to send: the client's, clamped by the model's. */
export const clampOutput = (asked: number | undefined, caps: Capabilities): number | undefined =>
  asked === undefined ? caps.maxOutput : caps.maxOutput === undefined ? asked : Math.min(asked, caps.maxOutput)

/** A thinking budget the model takes, or undefined when it takes none (then leave it out). */
export const fitBudget = (budget: number, caps: Capabilities): number | undefined => {
  const t = caps.thinking
  if (t === undefined || t.kind === "effort") return budget
  if (t.kind === "none") return undefined
  return Math.max(t.min, Math.min(t.max, budget))
}
