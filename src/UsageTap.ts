/**
 * Token usage read from an answer without parsing it: Anthropic puts input tokens (and cache
 * tokens) in `message_start` near the head of a stream, the final output count in `message_delta`
 * near its end, and both in a non-streaming body's `usage`. The stream gate already keeps the head
 * and the tail, so reading them costs a few regular expressions per answer.
 */
export interface TokenUsage {
  readonly input: number
  readonly output: number
}

const firstNumber = (text: string, field: string): number | undefined => {
  const m = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(text)
  return m === null ? undefined : Number(m[1])
}

const lastNumber = (text: string, field: string): number | undefined => {
  const re = new RegExp(`"${field}"\\s*:\\s*(\\d+)`, "g")
  let last: number | undefined
  for (let m = re.exec(text); m !== null; m = re.exec(text)) last = Number(m[1])
  return last
}

/**
 * A final message_delta may repeat the input counts (translated streams learn them only at the end),
 * so the tail wins over the head. Input counts cached tokens too: the provider still processed them.
 */
export const fromText = (head: string, tail: string): TokenUsage | undefined => {
  const field = (name: string) => lastNumber(tail, name) ?? firstNumber(head, name)
  const input = field("input_tokens")
  const output = lastNumber(tail, "output_tokens")
  if (input === undefined && output === undefined) return undefined
  return {
    input: (input ?? 0) + (field("cache_read_input_tokens") ?? 0) + (field("cache_creation_input_tokens") ?? 0),
    output: output ?? 0
  }
}
