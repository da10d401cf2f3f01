import type { Bindings } from "../../src/Env.js"

declare module "cloudflare:test" {
  interface ProvidedEnv extends Bindings {
    readonly CONFIG: KVNamespace
    readonly SHARED: DurableObjectNamespace
  }
}
