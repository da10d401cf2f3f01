/**
 * The deployment's shared state: one Durable Object that every isolate reports to. It keeps each
 * provider's circuit breaker (the same transitions as Health/Breaker.ts, applied to the events all
 * isolates saw), the credential cooldowns (bounded, the oldest evicted), what providers' 400s taught
 * (refused parameters and betas, bounded) and usage in hourly buckets
 * for the last 24 h. Isolates report in the background (`ctx.waitUntil`) and get the current breaker
 * states and cooldowns back in the same round trip.
 */
import { DurableObject } from "cloudflare:workers"
import type { Cooldown } from "../Config/Document.js"
import * as Breaker from "../Health/Breaker.js"
import { CooldownMap, type CooldownEntries, type CooldownEvent } from "../Health/CredentialCooldowns.js"
import { type LogEntry, RingLog } from "../Health/RequestLog.js"
import { type LearnedEntries, type LearnedEvent, LearnedMap } from "../Capabilities/Learned.js"
import * as UsageBuckets from "../Health/UsageBuckets.js"

export type HealthEvent =
  /** `count` successes in a row (1 when absent), the last at `at` */
  | { readonly name: string; readonly at: number; readonly kind: "success"; readonly count?: number }
  | { readonly name: string; readonly at: number; readonly kind: "failure"; readonly info: Breaker.FailureInfo; readonly cooldown: Cooldown }

export interface Report {
  readonly health: ReadonlyArray<HealthEvent>
  readonly usage: ReadonlyArray<UsageBuckets.UsageDelta>
  readonly cooldowns?: ReadonlyArray<CooldownEvent>
  /** parameters and betas a provider refused by name */
  readonly learned?: ReadonlyArray<LearnedEvent>
  /** finished requests, oldest first */
  readonly log?: ReadonlyArray<LogEntry>
}

export type BreakerStates = Record<string, Breaker.BreakerState>

/** What a report brings back: the breakers and the credential cooldowns as they now stand. */
export interface SharedView {
  readonly breakers: BreakerStates
  readonly cooldowns: CooldownEntries
  /** what every isolate learned from providers' 400s */
  readonly learned?: LearnedEntries
}

/** Cooldowns the deployment keeps at most: past it the oldest go (a report carries them all back). */
export const MAX_SHARED_COOLDOWNS = 2_000

export class SharedState extends DurableObject {
  private breakers: BreakerStates | undefined
  private usage: UsageBuckets.Buckets | undefined
  private cooldowns: CooldownMap | undefined
  private log: RingLog | undefined
  private learned: LearnedMap | undefined

  private async load() {
    this.breakers ??= (await this.ctx.storage.get<BreakerStates>("breakers")) ?? {}
    this.usage ??= (await this.ctx.storage.get<UsageBuckets.Buckets>("usage")) ?? {}
    if (this.cooldowns === undefined) {
      this.cooldowns = new CooldownMap(MAX_SHARED_COOLDOWNS)
      this.cooldowns.replace((await this.ctx.storage.get<CooldownEntries>("cooldowns")) ?? {})
    }
    if (this.log === undefined) {
      this.log = new RingLog()
      // stored newest first: pushed back oldest first
      this.log.pushAll(((await this.ctx.storage.get<Array<LogEntry>>("log")) ?? []).reverse())
    }
    if (this.learned === undefined) {
      this.learned = new LearnedMap()
      this.learned.replace((await this.ctx.storage.get<LearnedEntries>("learned")) ?? {})
    }
    return { breakers: this.breakers, usage: this.usage, cooldowns: this.cooldowns, log: this.log, learned: this.learned }
  }

  /** Apply what an isolate saw; answer the breaker states and cooldowns as they now stand. */
  async report(report: Report, now: number): Promise<SharedView> {
    const { breakers, cooldowns, learned, log, usage } = await this.load()
    if (report.learned !== undefined && report.learned.length > 0) {
      for (const e of report.learned) learned.learn(e)
      await this.ctx.storage.put("learned", learned.toEntries())
    }
    if (report.log !== undefined && report.log.length > 0) {
      log.pushAll(report.log)
      await this.ctx.storage.put("log", log.list())
    }
    const events = report.cooldowns ?? []
    for (const e of events) cooldowns.apply(e)
    const live = cooldowns.live(now)
    if (events.length > 0) await this.ctx.storage.put("cooldowns", live)
    for (const e of report.health) {
      const s = breakers[e.name] ?? Breaker.initial
      breakers[e.name] = e.kind === "success" ? Breaker.onSuccess(s, e.at, e.count ?? 1) : Breaker.onFailure(s, e.at, e.info, e.cooldown)
    }
    if (report.health.length > 0) await this.ctx.storage.put("breakers", breakers)
    if (report.usage.length > 0) {
      this.usage = UsageBuckets.add(usage, report.usage, now)
      await this.ctx.storage.put("usage", this.usage)
    }
    return { breakers, cooldowns: live, learned: learned.toEntries() }
  }

  async breakerStates(): Promise<BreakerStates> {
    return (await this.load()).breakers
  }

  async resetHealth(name: string | undefined): Promise<void> {
    const { breakers, cooldowns, learned } = await this.load()
    if (name === undefined) for (const k of Object.keys(breakers)) delete breakers[k]
    else delete breakers[name]
    cooldowns.drop(name)
    learned.drop(name)
    await this.ctx.storage.put("learned", learned.toEntries())
    await this.ctx.storage.put("breakers", breakers)
    await this.ctx.storage.put("cooldowns", cooldowns.live(Date.now()))
  }

  /** The deployment's last requests, newest first. */
  async requestLog(): Promise<Array<LogEntry>> {
    return (await this.load()).log.list()
  }

  async usageSeries(now: number): Promise<UsageBuckets.Series> {
    return UsageBuckets.series((await this.load()).usage, now)
  }
}
