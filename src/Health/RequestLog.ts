/**
 * The request log: the last requests of the deployment (a ring buffer in the shared state's Durable
 * Object; in memory on Node), each with what every provider did — the answer to "what happened to
 * my last requests". Statuses, times, token counts and labels only: never bodies, never secrets.
 */

/** What one provider did for a request (the AttemptTrail's steps). */
export interface LoggedAttempt {
  readonly provider: string
  /** a status (`429`), an error kind (`timeout`), or `skipped(<why>)` */
  readonly outcome: string
  readonly tries: number
  /** when a credential cooldown started or applied: until when */
  readonly cooldownUntil?: number | undefined
  /** a refusal's own message (a fallback's 4xx), shortened */
  readonly message?: string | undefined
  /** the pooled key called, by its masked id */
  readonly key?: string | undefined
  /** that key answered 401/403 and is set aside until an operator resets it */
  readonly setAside?: boolean | undefined
}

export interface LogEntry {
  readonly at: number
  readonly requestId: string
  readonly method: string
  readonly path: string
  readonly model?: string | undefined
  readonly stream: boolean
  /** who answered (or the last provider that failed) */
  readonly provider: string
  readonly status: number
  readonly attempts: ReadonlyArray<LoggedAttempt>
  /** another provider answered after one failed or was skipped */
  readonly failedOver: boolean
  /** until the answer was complete (a stream: its end) */
  readonly latencyMs: number
  /** until the answer's head was ready (a stream: its first content, through the gate) */
  readonly ttfbMs: number
  readonly inputTokens?: number | undefined
  readonly outputTokens?: number | undefined
  /** the access token's label (its note, or its mask) */
  readonly token?: string | undefined
}

/** Entries kept: the page shows the last 200 requests. */
export const LOG_SIZE = 200

/** A ring buffer of entries, newest first when listed. */
export class RingLog {
  private entries: Array<LogEntry> = []
  private next = 0

  constructor(private readonly size = LOG_SIZE) {}

  push(entry: LogEntry): void {
    if (this.entries.length < this.size) this.entries.push(entry)
    else this.entries[this.next] = entry
    this.next = (this.next + 1) % this.size
  }

  pushAll(entries: ReadonlyArray<LogEntry>): void {
    for (const e of entries) this.push(e)
  }

  /** Newest first. */
  list(): Array<LogEntry> {
    const n = this.entries.length
    const out: Array<LogEntry> = []
    for (let i = 1; i <= n; i++) out.push(this.entries[(this.next - i + n) % n]!)
    return out
  }

  clear(): void {
    this.entries = []
    this.next = 0
  }
}
