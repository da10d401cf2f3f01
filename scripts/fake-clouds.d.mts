import type { IncomingMessage, ServerResponse } from "node:http"
import type { StrictRule } from "./strict-rules.mjs"

export interface CloudModel {
  /** the first-party id */
  readonly id: string
  /** the Bedrock name after `anthropic.` */
  readonly bedrock: string
  /** the Vertex id; undefined: not on Vertex */
  readonly vertex: string | undefined
  /** the geographies with an inference profile for it */
  readonly geos: ReadonlyArray<string>
  /** the bare `anthropic.<bedrock>` may be invoked on demand */
  readonly onDemand: boolean
  /** Bedrock's CountTokens takes `anthropic.<bedrock>` */
  readonly countTokens: boolean
}
export interface BedrockModelRule {
  readonly ops: ReadonlyArray<"invoke" | "invoke-with-response-stream" | "count-tokens">
  readonly source: string
  readonly check: (id: string) => string | undefined
}
export interface MessagesApiRule {
  readonly source: string
  readonly check: (req: IncomingMessage, body: any) => readonly [status: number, type: string, message: string] | undefined
}
export interface CloudContext {
  readonly decide: (body: any) => unknown
  readonly record: (id: string) => void
  readonly base: string
  readonly answer: (body: any, res: ServerResponse) => void
}
type Route = (req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer, cloud: CloudContext) => unknown

export declare const FAKE_AWS: { readonly accessKeyId: string; readonly secretAccessKey: string }
export declare const FAKE_BEDROCK_API_KEY: string
export declare const FAKE_CLAUDE_AWS_API_KEY: string
export declare const FAKE_CLAUDE_AWS_WORKSPACE: string
export declare const FOUNDRY_BAD_KEY: string
export declare const FOUNDRY_BAD_TOKEN: string
export declare const GEOS: ReadonlyArray<string>
export declare const CLOUD_CLAUDE: ReadonlyArray<CloudModel>
export declare const FIRST_PARTY_IDS: ReadonlySet<string>
export declare const MANTLE_MODELS: ReadonlySet<string>
export declare const VERTEX_MODELS: ReadonlySet<string>
export declare const BEDROCK_MODEL_RULES: ReadonlyArray<BedrockModelRule>
export declare const MANTLE_RULES: ReadonlyArray<MessagesApiRule>
export declare const CLAUDE_AWS_RULES: ReadonlyArray<MessagesApiRule>
export declare const FOUNDRY_RULES: ReadonlyArray<MessagesApiRule>
export declare const VERTEX_TOOL_RULES: ReadonlyArray<StrictRule>
export declare const VERTEX_MODEL_SOURCE: string
export declare const SIGV4_SOURCES: Readonly<Record<"service" | "region" | "signature", string>>
export declare const FOUNDRY_AUTH_SOURCES: Readonly<Record<"key" | "entra" | "notFound", string>>
export declare const chunkFrame: (event: unknown) => Uint8Array
export declare const exceptionFrame: (name: string, message: string) => Uint8Array
export declare const serviceAccountJson: (base: string) => Record<string, string>
export declare const bedrock: Route
export declare const bedrockMantle: Route
export declare const claudePlatformAws: Route
export declare const foundry: Route
export declare const googleToken: Route
export declare const vertex: Route
