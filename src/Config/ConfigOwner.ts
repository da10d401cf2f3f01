/**
 * The config document's owner on a Worker: one Durable Object that every admin write goes through,
 * one at a time. A write names the text it was made from and is stored only if that is still the
 * document (compare and swap); it is durable (the object's storage, with its output gate) before
 * the answer goes back. KV gets a copy after each write, so a deployment can be rolled back and read
 * without the object. The first time the object runs it adopts the document KV already holds, so
 * upgrading keeps the configuration.
 */
import { DurableObject } from "cloudflare:workers"
import type { Bindings } from "../Env.js"
import { CONFIG_KEY } from "./Store.js"

export class ConfigOwner extends DurableObject<Bindings> {
  private text: string | null = null

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env)
    // Nothing else runs until the document is loaded (adopting KV's on first use).
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<string>(CONFIG_KEY)
      if (stored !== undefined) {
        this.text = stored
        return
      }
      const adopted = (await env.CONFIG?.get(CONFIG_KEY, "text")) ?? null
      if (adopted !== null) await ctx.storage.put(CONFIG_KEY, adopted)
      this.text = adopted
    })
  }

  read(): Promise<string | null> {
    return Promise.resolve(this.text)
  }

  async swap(expected: string | null, text: string): Promise<boolean> {
    if (this.text !== expected) return false
    // Storage writes are serialised with this object's other events; a failure throws and changes nothing.
    await this.ctx.storage.put(CONFIG_KEY, text)
    this.text = text
    try {
      await this.env.CONFIG?.put(CONFIG_KEY, text)
    } catch (cause) {
      console.warn(JSON.stringify({ level: "warning", message: "config copy to KV failed", cause: String(cause) }))
    }
    return true
  }
}
