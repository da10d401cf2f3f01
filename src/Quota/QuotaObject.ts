/**
 * The Durable Object that owns one access token's quota counters, so every isolate in every colo
 * counts against the same windows. Storage is the object's own (no KV write per request).
 */
import { DurableObject } from "cloudflare:workers"
import * as Window from "./Window.js"

export class QuotaCounter extends DurableObject {
  private windows: Window.Windows | undefined

  async take(limits: Window.Limits, now: number): Promise<Window.Decision> {
    this.windows ??= (await this.ctx.storage.get<Window.Windows>("windows")) ?? Window.empty
    const { windows, decision } = Window.take(this.windows, limits, now)
    if (decision.allowed) {
      this.windows = windows
      await this.ctx.storage.put("windows", windows)
    }
    return decision
  }
}
