export interface FakeUpstream {
  readonly port: number
  readonly url: string
  readonly close: () => Promise<void>
}
export declare const startFakeUpstream: (options?: { port?: number; host?: string }) => Promise<FakeUpstream>
export declare const agentDecision: (
  tools: unknown,
  lastUserHasToolResult: boolean,
  toolOutput: string
) => { kind: "tool"; name: string; input: Record<string, string> } | { kind: "text"; text: string }
