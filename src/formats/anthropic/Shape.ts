/**
 * Shaping an Anthropic body for a provider that takes less than Anthropic's own API: leave out the
 * parameters and betas it refused (by name, learned from its 400s or configured), and fold
 * mid-conversation system messages into the system text where only a leading system prompt is
 * accepted. Pure functions; each returns undefined when there is nothing to change.
 */
import type { Capabilities } from "../../Capabilities/Capabilities.js"
import { clampMaxTokens } from "../../Conversation.js"
import type { MessagesRequest, TextBlock } from "./Messages.js"

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)

/** Removes one dotted path (`context_management`, `output_config.effort`, `tools.defer_loading` in
 * every tool); an emptied parent object goes too. */
const without = (obj: Json, path: ReadonlyArray<string>): Json | undefined => {
  const [head, ...rest] = path
  if (head === undefined || !(head in obj)) return undefined
  if (rest.length === 0) {
    const { [head]: _gone, ...kept } = obj
    return kept
  }
  const child = obj[head]
  if (Array.isArray(child)) {
    let changed = false
    const items = child.map((item: unknown) => {
      const edited = isObject(item) ? without(item, rest) : undefined
      if (edited === undefined) return item
      changed = true
      return edited
    })
    return changed ? { ...obj, [head]: items } : undefined
  }
  if (!isObject(child)) return undefined
  const edited = without(child, rest)
  if (edited === undefined) return undefined
  if (Object.keys(edited).length === 0) {
    const { [head]: _gone, ...kept } = obj
    return kept
  }
  return { ...obj, [head]: edited }
}

/** The body without the named parameters (the ones a body must keep are never removed). */
export const withoutParams = (request: MessagesRequest, names: Iterable<string>): MessagesRequest | undefined => {
  let out: Json | undefined
  for (const name of names) {
    if (name === "model" || name === "messages") continue
    const edited = without(out ?? (request as unknown as Json), name.split("."))
    if (edited !== undefined) out = edited
  }
  return out as MessagesRequest | undefined
}

/** The `anthropic-beta` header without the refused values (removed when none is left). */
export const withoutBetas = (headers: Headers, refused: ReadonlySet<string>): void => {
  if (refused.size === 0) return
  const value = headers.get("anthropic-beta")
  if (value === null) return
  const kept = value.split(",").map((b) => b.trim()).filter((b) => b.length > 0 && !refused.has(b))
  if (kept.length === 0) headers.delete("anthropic-beta")
  else headers.set("anthropic-beta", kept.join(","))
}

const textOf = (content: MessagesRequest["messages"][number]["content"]): string =>
  typeof content === "string"
    ? content
    : content.map((b) => (b.type === "text" && typeof (b as TextBlock).text === "string" ? (b as TextBlock).text : "")).join("\n")

/**
 * `{role: "system"}` messages inside `messages` moved to the end of the system prompt, in order, for
 * a model that refuses them there ("role 'system' is not supported on this model"). The model still
 * reads them, as instructions, just not at their place in the conversation.
 */
export const foldSystemMessages = (request: MessagesRequest): MessagesRequest | undefined => {
  if (!request.messages.some((m) => m.role === "system")) return undefined
  const folded: Array<TextBlock> = []
  const messages = request.messages.filter((m) => {
    if (m.role !== "system") return true
    const text = textOf(m.content)
    if (text !== "") folded.push({ type: "text", text })
    return false
  })
  const system: Array<TextBlock> = request.system === undefined
    ? []
    : typeof request.system === "string"
    ? [{ type: "text", text: request.system }]
    : [...request.system]
  return { ...request, system: [...system, ...folded], messages }
}

/** The body as a model takes it: the output limit clamped, refused parameters out, system messages
 * folded where only a leading one is accepted (the clouds' and third-party Anthropic endpoints'). */
export const fitToCapabilities = (request: MessagesRequest, caps: Capabilities): MessagesRequest => {
  let out = clampMaxTokens(request, caps.maxOutput) ?? request
  if (caps.refusedParams.size > 0) out = withoutParams(out, caps.refusedParams) ?? out
  if (!caps.systemAnywhere) out = foldSystemMessages(out) ?? out
  return out
}
