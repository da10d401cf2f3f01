/**
 * Tool names as OpenAI accepts them: `^[a-zA-Z0-9_-]{1,64}$`. Claude Code's MCP tools
 * (`mcp__<server>__<tool>`) can be longer or carry other characters, so such names are shortened.
 *
 * The shortening is a pure function of the name alone (no counter, no per-request state): the same
 * Anthropic name becomes the same OpenAI name on every turn, so the tool_use names in the history
 * match the tool definitions of later requests, and any response can be mapped back.
 */

const VALID = /^[A-Za-z0-9_-]{1,64}$/
const INVALID_CHARS = /[^A-Za-z0-9_-]/g
/** 64 = 27 head + "_" + 27 tail + "_" + 8 hash */
const SIDE = 27

/** FNV-1a, 32 bit: tiny, synchronous (Web Crypto digests are async) and stable everywhere. */
export const fnv1a = (s: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, "0")
}

/**
 * A valid name is kept as is. Otherwise: invalid characters become "_", a long name keeps its head
 * and its tail (for MCP tools the tail names the tool, the head the server), and a hash of the
 * original name is appended so that two names differing only in the removed part stay distinct.
 */
export const shortToolName = (name: string): string => {
  if (VALID.test(name)) return name
  const clean = name.replace(INVALID_CHARS, "_")
  const body = clean.length > 2 * SIDE + 1 ? `${clean.slice(0, SIDE)}_${clean.slice(-SIDE)}` : clean
  return body.length === 0 ? `tool_${fnv1a(name)}` : `${body}_${fnv1a(name)}`
}

/** The names of one request: original -> sent, and sent -> original for the way back. */
export class ToolNames {
  private readonly back = new Map<string, string>()

  /** The name to send upstream; remembers it so the answer can be mapped back. */
  toUpstream(name: string): string {
    const short = shortToolName(name)
    if (short !== name) this.back.set(short, name)
    return short
  }

  /** The Anthropic name for a name the upstream answered with. */
  fromUpstream(name: string): string {
    return this.back.get(name) ?? name
  }
}
