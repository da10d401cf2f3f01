export interface SideStats {
  readonly reqPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly ttfbP50Ms: number
  readonly errors: number
}

export interface WorkloadResult {
  readonly title: string
  readonly proxy: SideStats
  readonly floor: SideStats
  readonly ratio: { readonly reqPerSec: number; readonly p50: number; readonly p99: number }
  readonly addedP50Ms: number
  readonly addedTtfbMs: number
}

export interface BigSide {
  readonly mbPerSec: number
  readonly ttfbMs: number
  readonly memoryGrowthMB: number
  /** transfers that broke off and were repeated */
  readonly failures: number
}

export interface CpuResult {
  readonly requests: number
  readonly proxyCpuMs: number
  readonly floorCpuMs: number
  readonly addedCpuMs: number
}

export interface Budget {
  readonly name: string
  readonly target: string
  readonly unit: string
  readonly value: number
  readonly pass: boolean
}

export interface BenchResult {
  readonly schema: 1
  readonly mode: "full" | "smoke"
  readonly machine: {
    readonly cpus: number
    readonly cpuModel: string
    readonly node: string
    readonly platform: string
    readonly miniflare: string
    readonly wrangler: string
    readonly date: string
  }
  /** the commit measured; srcModified: src/ or wrangler.toml differed from it */
  readonly revision: { readonly commit: string; readonly srcModified: boolean }
  readonly parameters: Record<string, unknown>
  readonly workloads: {
    readonly a: WorkloadResult
    readonly b: WorkloadResult
    readonly c: WorkloadResult
    readonly d: WorkloadResult
    readonly e: { readonly title: string; readonly bytes: number; readonly proxy: BigSide; readonly floor: BigSide; readonly ratio: { readonly mbPerSec: number } }
  }
  readonly cpu: Readonly<Record<"a" | "b" | "c" | "d", CpuResult>>
  readonly transformer: {
    readonly events: number
    /** upstream events per CPU-second through the transformer as the proxy pipes it, one event per chunk */
    readonly eventsPerCpuSec: number
    readonly eventsPerSec: number
    /** the same chunks through an identity TransformStream: the stream plumbing's own cost */
    readonly plumbingEventsPerCpuSec: number
    /** the translation's share alone (null when it was too small to tell from the plumbing) */
    readonly translationEventsPerCpuSec: number | null
  }
  readonly forwarding: {
    readonly delayMs: number
    readonly proxyFirstChunkMs: number
    readonly floorFirstChunkMs: number
    readonly chunksForwardedAsTheyArrive: boolean
  }
  readonly bundle: { readonly minifiedBytes: number; readonly gzipBytes: number }
  readonly budgets: ReadonlyArray<Budget>
}

export interface RunOptions {
  /** a tiny run: every metric, in seconds, numbers meaningless */
  readonly smoke?: boolean
  /** where to write the results (default bench/results.json for a full run, nowhere for a smoke run); null: nowhere */
  readonly out?: string | null
  /** the checkout to benchmark (default: this repository) */
  readonly root?: string
  /** progress lines (default: stderr) */
  readonly log?: (line: string) => void
  /** LOG_LEVEL for the Worker (default: what wrangler.toml sets) */
  readonly logLevel?: string
  /** parameters over the mode's defaults */
  readonly overrides?: Record<string, unknown>
}

export declare const FULL: Record<string, unknown>
export declare const SMOKE: Record<string, unknown>
/** every number a run must produce, as paths into the result */
export declare const METRIC_PATHS: ReadonlyArray<string>
export declare const runBench: (options?: RunOptions) => Promise<BenchResult>
/** the result as a Markdown table (workloads, then budgets, then the machine) */
export declare const table: (result: BenchResult) => string
