/**
 * Spans become JSON log lines, written when the span ends (name, trace, duration, outcome and
 * attributes): a request's server span at info, the spans inside it at debug, any failed span at
 * warning. Logs go out as JSON lines too. Header attributes are kept only from an allow-list:
 * the platform's request span records request headers, and a secret must never reach the logs.
 */
import { Cause, Effect, Exit, FiberRef, Layer, Logger, LogLevel, Option, Tracer } from "effect"

const SAFE_HEADER_ATTRIBUTES = new Set(["user-agent", "anthropic-version", "anthropic-beta", "x-app", "content-type", "content-length"])

const keep = (key: string): boolean => {
  const m = /^http\.(?:request|response)\.header\.(.+)$/.exec(key)
  return m === null || SAFE_HEADER_ATTRIBUTES.has(m[1]!)
}

/** An access token in a `/t/<token>/` path (url.full, url.path, ...) never reaches a log line. */
export const redactValue = (value: unknown): unknown =>
  typeof value === "string" && value.includes("/t/") ? value.replace(/\/t\/[^/?#]+/g, "/t/<redacted>") : value

/**
 * Random hex ids from randomUUID: one native call, cheaper than filling a buffer per id. Its fixed
 * version nibbles leave 60 random bits in a span id and 122 in a trace id, plenty to tell lines apart.
 */
const randomHex = (chars: 16 | 32): string => {
  const hex = crypto.randomUUID().replaceAll("-", "")
  return chars === 32 ? hex : hex.slice(0, 16)
}

export type LineSink = (line: string) => void

class JsonSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  links: ReadonlyArray<Tracer.SpanLink>
  // Ids are drawn only when something reads them (a logged line, a child's line): most spans are not logged.
  private ids: { span?: string; trace?: string } = {}

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: import("effect").Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    private readonly sink: LineSink,
    private readonly minimum: LogLevel.LogLevel
  ) {
    this.status = { _tag: "Started", startTime }
    this.links = links
  }

  get spanId(): string {
    return this.ids.span ??= randomHex(16)
  }

  get traceId(): string {
    return this.ids.trace ??= Option.isSome(this.parent) ? this.parent.value.traceId : randomHex(32)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    const failed = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
    // One line per request at info (its server span); the steps inside it at debug, unless they failed.
    const level = failed ? LogLevel.Warning : this.kind === "server" || Option.isNone(this.parent) ? LogLevel.Info : LogLevel.Debug
    if (LogLevel.lessThan(level, this.minimum)) return
    const line: Record<string, unknown> = {
      level: level.label.toLowerCase(),
      span: this.name,
      trace_id: this.traceId,
      span_id: this.spanId,
      ...(Option.isSome(this.parent) ? { parent_id: this.parent.value.spanId } : {}),
      duration_ms: Number(endTime - this.status.startTime) / 1e6,
      outcome: Exit.isSuccess(exit) ? "success" : Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "failure"
    }
    if (failed) {
      const failure = Cause.failureOption(exit.cause)
      line.error = Option.isSome(failure) && typeof failure.value === "object" && failure.value !== null && "_tag" in failure.value
        ? (failure.value as { _tag: string })._tag
        : Cause.isDie(exit.cause) ? "defect" : "failure"
    }
    for (const [k, v] of this.attributes) if (keep(k)) line[k] = redactValue(v)
    this.sink(JSON.stringify(line))
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  event(): void {}

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links = [...this.links, ...links]
  }
}

export const makeTracer = (sink: LineSink, minimum: LogLevel.LogLevel): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) =>
      new JsonSpan(name, parent, context, links, startTime, kind, sink, minimum),
    context: (f) => f()
  })

/**
 * A span for a step inside a request, made only when debug lines are written. At info the steps
 * would not be logged (a failure is, by the chain's own warning), so they cost nothing there: no
 * span object, no fiber-ref work, no annotations.
 */
export const debugSpan = (name: string, options?: Tracer.SpanOptions) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (level) =>
    LogLevel.lessThanEqual(level, LogLevel.Debug) ? Effect.withSpan(self, name, { captureStackTrace: false, ...options }) : self)

export const parseLogLevel = (value: string | undefined): LogLevel.LogLevel => {
  switch ((value ?? "info").toLowerCase()) {
    case "none":
    case "off":
      return LogLevel.None
    case "debug":
      return LogLevel.Debug
    case "warn":
    case "warning":
      return LogLevel.Warning
    case "error":
      return LogLevel.Error
    default:
      return LogLevel.Info
  }
}

/**
 * Log lines (Effect.log*) to the same sink as span lines. `Logger.jsonLogger` only formats: it has
 * to be told where its lines go, or they go nowhere.
 */
export const makeLogger = (sink: LineSink): Logger.Logger<unknown, void> => Logger.map(Logger.jsonLogger, sink)

/** The tracer and logger for a runtime: JSON lines on the console at `level`. */
export const layer = (level: LogLevel.LogLevel, sink: LineSink = (line) => console.log(line)) =>
  Layer.mergeAll(
    Layer.setTracer(makeTracer(sink, level)),
    Logger.replace(Logger.defaultLogger, makeLogger(sink)),
    Logger.minimumLogLevel(level)
  )
