import type { ServerResponse } from "node:http"

export interface Refusal {
  readonly status: number
  readonly body: unknown
}
export interface StrictRule {
  readonly models: ReadonlyArray<string>
  readonly source: string
  readonly check: (body: any, context: { readonly model: string; readonly headers?: Record<string, unknown> }) => Refusal | undefined
}
export declare const globToRegExp: (glob: string) => RegExp
export declare const refusalFor: (rules: ReadonlyArray<StrictRule>, model: unknown, body: unknown, context?: { readonly headers?: Record<string, unknown> }) => Refusal | undefined
export declare const sendRefusal: (res: ServerResponse, refusal: Refusal) => void
export declare const CHAT_RULES: ReadonlyArray<StrictRule>
export declare const RESPONSES_RULES: ReadonlyArray<StrictRule>
export declare const GEMINI_RULES: ReadonlyArray<StrictRule>
export declare const VERTEX_RULES: ReadonlyArray<StrictRule>
