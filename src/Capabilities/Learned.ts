/**
 * What providers' 400s taught: a parameter or an anthropic-beta value a provider refused for a model,
 * named in its own error (OpenAI's `unsupported_parameter` with its `param`; Vertex's "Unexpected
 * value(s) `X` for the `anthropic-beta` header"; "X: Extra inputs are not permitted"). The request is
 * sent again once without it, and the fact is kept so the next request goes right the first time.
 * Bounded: at most MAX_KEYS provider/model pairs (the oldest go first) and MAX_FACTS facts each.
 * Plain data and functions: Health keeps one per isolate, the shared state one per deployment.
 */
import type { LearnedFacts } from "./Capabilities.js"

export const MAX_KEYS = 200
export const MAX_FACTS = 16

/** One thing learned: a refused body parameter (dotted path) or a refused beta. */
export type Fact = { readonly kind: "param" | "beta"; readonly name: string }

export interface LearnedEvent {
  readonly provider: string
  readonly model: string
  readonly fact: Fact
  readonly at: number
}

export interface LearnedEntry extends LearnedFacts {
  readonly provider: string
  readonly model: string
  readonly at: number
}

/** Serialisable: key -> entry, insertion order = age. */
export type LearnedEntries = Record<string, LearnedEntry>

const keyOf = (provider: string, model: string) => `${provider}\u0000${model}`

export class LearnedMap {
  private readonly entries = new Map<string, LearnedEntry>()
  constructor(private readonly maxKeys: number = MAX_KEYS) {}

  get size(): number {
    return this.entries.size
  }

  get(provider: string, model: string): LearnedFacts | undefined {
    return this.entries.get(keyOf(provider, model))
  }

  /** Adds the fact; false when it was already known (or the entry is full). */
  learn(e: LearnedEvent): boolean {
    const key = keyOf(e.provider, e.model)
    const seen = this.entries.get(key)
    const list = e.fact.kind === "param" ? seen?.params ?? [] : seen?.betas ?? []
    if (list.includes(e.fact.name)) return false
    if ((seen?.params.length ?? 0) + (seen?.betas.length ?? 0) >= MAX_FACTS) return false
    const next: LearnedEntry = {
      provider: e.provider,
      model: e.model,
      at: e.at,
      params: e.fact.kind === "param" ? [...list, e.fact.name] : seen?.params ?? [],
      betas: e.fact.kind === "beta" ? [...list, e.fact.name] : seen?.betas ?? []
    }
    this.entries.delete(key)
    this.entries.set(key, next)
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!)
    return true
  }

  /** Forget one provider's facts, or all. */
  drop(provider: string | undefined): void {
    if (provider === undefined) this.entries.clear()
    else for (const [k, v] of this.entries) if (v.provider === provider) this.entries.delete(k)
  }

  /** Take the deployment's view as it stands (the shared state answered it). */
  replace(entries: LearnedEntries): void {
    this.entries.clear()
    for (const [k, v] of Object.entries(entries)) this.entries.set(k, v)
  }

  /** Merge another view in (facts are only ever added). */
  merge(entries: LearnedEntries): void {
    for (const v of Object.values(entries)) {
      for (const name of v.params) this.learn({ provider: v.provider, model: v.model, at: v.at, fact: { kind: "param", name } })
      for (const name of v.betas) this.learn({ provider: v.provider, model: v.model, at: v.at, fact: { kind: "beta", name } })
    }
  }

  toEntries(): LearnedEntries {
    return Object.fromEntries(this.entries)
  }

  /** One provider's facts, for the health view. */
  of(provider: string): ReadonlyArray<LearnedEntry> {
    return [...this.entries.values()].filter((v) => v.provider === provider)
  }
}

/** What a provider's 400 body names as refused: parameters and betas (empty when it names nothing). */
export const refusedIn = (body: string): ReadonlyArray<Fact> => {
  const facts: Array<Fact> = []
  const betas = /Unexpected value\(s\) ((?:`[^`]+`(?:,\s*)?)+) for the `anthropic-beta` header/.exec(body)
  if (betas !== null) for (const m of betas[1]!.matchAll(/`([^`]+)`/g)) facts.push({ kind: "beta", name: m[1]! })
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; param?: unknown; message?: unknown } }
    const e = parsed.error
    if (e !== undefined && (e.code === "unsupported_parameter" || e.code === "unsupported_value") && typeof e.param === "string") {
      facts.push({ kind: "param", name: e.param })
    }
    const message = typeof e?.message === "string" ? e.message : ""
    const extra = /^([A-Za-z_][A-Za-z0-9_.]*): Extra inputs are not permitted/.exec(message)
    if (extra !== null) facts.push({ kind: "param", name: extra[1]! })
  } catch {
    // not JSON: only the beta form applies
  }
  return facts.filter((f) => /^[A-Za-z0-9_.:-]{1,100}$/.test(f.name))
}
