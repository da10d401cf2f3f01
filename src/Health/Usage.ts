/**
 * Usage counters per provider and per access token: requests, failovers, errors and tokens. Kept in
 * this isolate's memory since it started (no KV write per request); `since` says from when.
 */
import { Clock, Context, Effect, Layer } from "effect"

export interface Counters {
  requests: number
  failovers: number
  errors: number
  inputTokens: number
  outputTokens: number
}

export interface UsageView {
  readonly since: number
  readonly scope: "isolate"
  readonly providers: Readonly<Record<string, Counters>>
  readonly tokens: Readonly<Record<string, Counters>>
}

export interface UsageEvent {
  /** a label for the access token (its note, or its masked form); undefined without a token */
  readonly token: string | undefined
  /** providers that failed before the answer, in order */
  readonly failed: ReadonlyArray<string>
  /** the provider that answered, or undefined when every one failed */
  readonly answered: string | undefined
  /** whether the client got an error */
  readonly error: boolean
}

export class Usage extends Context.Tag("claude-failover/Usage")<Usage, {
  readonly record: (event: UsageEvent) => Effect.Effect<void>
  readonly tokens: (provider: string, token: string | undefined, input: number, output: number) => Effect.Effect<void>
  readonly view: Effect.Effect<UsageView>
  readonly reset: Effect.Effect<void>
}>() {}

const zero = (): Counters => ({ requests: 0, failovers: 0, errors: 0, inputTokens: 0, outputTokens: 0 })

export const makeMemory = (startedAt: number): Usage["Type"] => {
  let since = startedAt
  let providers = new Map<string, Counters>()
  let tokens = new Map<string, Counters>()
  const at = (m: Map<string, Counters>, k: string) => {
    let c = m.get(k)
    if (c === undefined) m.set(k, c = zero())
    return c
  }
  return {
    record: (e) =>
      Effect.sync(() => {
        for (const name of e.failed) {
          const c = at(providers, name)
          c.requests++
          c.errors++
          c.failovers++
        }
        if (e.answered !== undefined) {
          const c = at(providers, e.answered)
          c.requests++
          if (e.error) c.errors++
        }
        if (e.token !== undefined) {
          const c = at(tokens, e.token)
          c.requests++
          c.failovers += e.failed.length
          if (e.error) c.errors++
        }
      }),
    tokens: (provider, token, input, output) =>
      Effect.sync(() => {
        const p = at(providers, provider)
        p.inputTokens += input
        p.outputTokens += output
        if (token !== undefined) {
          const t = at(tokens, token)
          t.inputTokens += input
          t.outputTokens += output
        }
      }),
    view: Effect.sync(() => ({
      since,
      scope: "isolate" as const,
      providers: Object.fromEntries(providers),
      tokens: Object.fromEntries(tokens)
    })),
    reset: Effect.map(Clock.currentTimeMillis, (now) => {
      since = now
      providers = new Map()
      tokens = new Map()
    })
  }
}

export const layerMemory = Layer.sync(Usage, () => makeMemory(Date.now()))
