import type { Readable, Writable } from "node:stream"

export declare const redactPathTokens: (line: string) => string
export declare const pipeRedacted: (input: Readable, output: Writable) => void
