// "cloudflare:workers" for running the Worker's module in Node: `env` is a plain object the bench
// fills before the first request; the base classes only need to be constructible.
export const env = (globalThis.__claudeFailoverBenchEnv ??= {})

export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx
    this.env = env
  }
}

export class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx
    this.env = env
  }
}

export class WorkflowEntrypoint extends WorkerEntrypoint {}

export class RpcTarget {}

export const waitUntil = () => {}
