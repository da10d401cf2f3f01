/**
 * Tool names as Gemini accepts them: `^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$` (a letter or underscore
 * first, at most 64). Claude Code's MCP tools (`mcp__<server>__<tool>`) can be longer, and a name
 * may start with a digit or carry other characters, so such names are rewritten.
 *
 * OpenAI's ToolNames (../openai/toolNames.ts) keeps names Gemini refuses (a leading digit or "-")
 * and rewrites names Gemini takes (with "." or ":"), so Gemini has its own rule on the same plan:
 * a pure function of the name (the same name on every turn, history and declarations agree), a hash
 * of the original keeping rewritten names distinct, and a per-request map for the way back.
 */
import { fnv1a } from "../openai/toolNames.js"

const VALID = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/
const INVALID_CHARS = /[^A-Za-z0-9_.:-]/g
/** 64 = 27 head + "_" + 27 tail + "_" + 8 hash */
const SIDE = 27

/**
 * A valid name is kept as is. Otherwise invalid characters become "_", a name that would start
 * with anything but a letter or "_" gets a leading "_", a long name keeps its head (the server, for
 * MCP tools) and its tail (the tool), and the original's hash is appended.
 */
export const geminiToolName = (name: string): string => {
  if (VALID.test(name)) return name
  let clean = name.replace(INVALID_CHARS, "_")
  if (!/^[A-Za-z_]/.test(clean)) clean = `_${clean}`
  const body = clean.length > 2 * SIDE + 1 ? `${clean.slice(0, SIDE)}_${clean.slice(-SIDE)}` : clean
  return `${body}_${fnv1a(name)}`
}

/** The names of one request: original -> sent, and sent -> original for the way back. */
export class GeminiToolNames {
  private readonly back = new Map<string, string>()

  /** The name to send upstream; remembers it so the answer can be mapped back. */
  toUpstream(name: string): string {
    const sent = geminiToolName(name)
    if (sent !== name) this.back.set(sent, name)
    return sent
  }

  /** The Anthropic name for a name the upstream answered with. */
  fromUpstream(name: string): string {
    return this.back.get(name) ?? name
  }
}
