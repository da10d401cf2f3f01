/**
 * Keeping a conversation valid when it moves between providers. Claude Code sends the whole history
 * back each turn, including thinking blocks a previous provider made; Anthropic rejects those it
 * did not sign (400 "Invalid signature"). These are pure edits of a Messages request; each returns
 * `undefined` when it has nothing to change, so the caller can keep the original bytes.
 */
import { isForeignSignature } from "./formats/ForeignThinking.js"
import type { Message, MessagesRequest } from "./formats/anthropic/Messages.js"

type Block = { readonly type: string; readonly [key: string]: unknown }

const blocksOf = (m: Message): ReadonlyArray<Block> | undefined => (Array.isArray(m.content) ? (m.content as ReadonlyArray<Block>) : undefined)

const editAssistantBlocks = (
  request: MessagesRequest,
  keep: (block: Block) => boolean
): MessagesRequest | undefined => {
  let changed = false
  const messages = request.messages.map((m) => {
    const blocks = m.role === "assistant" ? blocksOf(m) : undefined
    if (blocks === undefined) return m
    const kept = blocks.filter(keep)
    if (kept.length === blocks.length) return m
    changed = true
    // An assistant turn must keep some content; an empty text block is what Anthropic accepts.
    return { ...m, content: kept.length > 0 ? kept : [{ type: "text", text: "" }] } as Message
  })
  return changed ? { ...request, messages } : undefined
}

const isThinking = (b: Block) => b.type === "thinking" || b.type === "redacted_thinking"

/** Remove thinking blocks another provider made: prevented up front, not repaired after a 400. */
const stripThinking = (request: MessagesRequest): MessagesRequest | undefined =>
  editAssistantBlocks(request, (b) => !(b.type === "thinking" && isForeignSignature(b.signature as string | undefined)))

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** A web_search_tool_result another provider's search made (its encrypted_content is ours, not Anthropic's). */
const isForeignSearchResult = (b: Block): boolean =>
  b.type === "web_search_tool_result" && Array.isArray(b["content"]) &&
  (b["content"] as ReadonlyArray<unknown>).some((r) => isObject(r) && isForeignSignature(r["encrypted_content"] as string | undefined))

const resultsText = (b: Block): string => {
  const results = (b["content"] as ReadonlyArray<unknown>).filter(isObject)
  return `[Web search results: ${results.map((r) => `${String(r["title"] ?? r["url"])} <${String(r["url"])}>`).join("; ")}]`
}

/**
 * Web search made by another provider's own search (OpenAI's, Google's), in Anthropic's blocks: its
 * encrypted content and citation indexes are ours, and Anthropic would refuse them. Like foreign
 * thinking, they do not go back: the search call goes, its results stay readable as text, and the
 * citations on the answer's text are dropped (the text stays).
 */
const stripSearch = (request: MessagesRequest): MessagesRequest | undefined => {
  let changed = false
  const messages = request.messages.map((m) => {
    const blocks = m.role === "assistant" ? blocksOf(m) : undefined
    if (blocks === undefined) return m
    const foreignIds = new Set(blocks.filter(isForeignSearchResult).map((b) => b["tool_use_id"]))
    const out: Array<Block> = []
    let edited = false
    for (const b of blocks) {
      if (b.type === "server_tool_use" && foreignIds.has(b["id"])) {
        edited = true
        continue
      }
      if (isForeignSearchResult(b)) {
        edited = true
        out.push({ type: "text", text: resultsText(b) })
        continue
      }
      const citations = b.type === "text" && Array.isArray(b["citations"]) ? (b["citations"] as ReadonlyArray<unknown>) : undefined
      if (citations?.some((c) => isObject(c) && isForeignSignature(c["encrypted_index"] as string | undefined))) {
        const { citations: _dropped, ...text } = b
        edited = true
        out.push(text as Block)
        continue
      }
      out.push(b)
    }
    if (!edited) return m
    changed = true
    return { ...m, content: out } as Message
  })
  return changed ? { ...request, messages } : undefined
}

/** Everything another provider made that Anthropic would refuse: its thinking, its web search. */
export const stripForeignThinking = (request: MessagesRequest): MessagesRequest | undefined => {
  const a = stripThinking(request)
  const b = stripSearch(a ?? request)
  return b ?? a
}

/** Clamp max_tokens (and a thinking budget that must stay below it). */
export const clampMaxTokens = (request: MessagesRequest, max: number | undefined): MessagesRequest | undefined => {
  if (max === undefined || request.max_tokens === undefined || request.max_tokens <= max) return undefined
  return fixThinkingBudget({ ...request, max_tokens: max }) ?? { ...request, max_tokens: max }
}

const fixThinkingBudget = (request: MessagesRequest): MessagesRequest | undefined => {
  const t = request.thinking
  if (t?.type !== "enabled" || request.max_tokens === undefined || t.budget_tokens < request.max_tokens) return undefined
  // The API wants 1024 <= budget_tokens < max_tokens; below that, thinking cannot be on.
  return request.max_tokens > 1024
    ? { ...request, thinking: { type: "enabled", budget_tokens: Math.max(1024, request.max_tokens - 1) } }
    : (({ thinking: _, ...rest }) => rest as MessagesRequest)(request)
}

/** tool_use blocks whose ids have no tool_result in the following user turn get an error result. */
const addMissingToolResults = (request: MessagesRequest): MessagesRequest | undefined => {
  let changed = false
  const messages: Array<Message> = []
  const source = request.messages
  for (let i = 0; i < source.length; i++) {
    const m = source[i]!
    messages.push(m)
    const uses = m.role === "assistant" ? (blocksOf(m) ?? []).filter((b) => b.type === "tool_use") : []
    if (uses.length === 0) continue
    const next = source[i + 1]
    const nextBlocks: ReadonlyArray<Block> = next?.role !== "user"
      ? []
      : blocksOf(next) ?? [{ type: "text", text: next.content as string }]
    const answered = new Set(nextBlocks.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id))
    const missing = uses.filter((u) => !answered.has(u.id))
    if (missing.length === 0) continue
    changed = true
    const results = missing.map((u) => ({ type: "tool_result", tool_use_id: u.id, content: "(no result)", is_error: true }))
    if (next?.role === "user") {
      messages.push({ ...next, content: [...results, ...nextBlocks] } as Message)
      i++ // the next user turn was replaced
    } else {
      messages.push({ role: "user", content: results } as Message)
    }
  }
  return changed ? { ...request, messages } : undefined
}

/** What a 400 from Anthropic says is wrong with the history, if it is something we can repair. */
export const rectifiable = (errorMessage: string): boolean =>
  /signature|thinking|redacted_thinking|budget_tokens|tool_use[^.]*without[^.]*tool_result|tool_result[^.]*tool_use/i.test(errorMessage)

/** The one-time repair after such a 400: no thinking blocks, a valid budget, every tool_use answered. */
export const rectify = (request: MessagesRequest): MessagesRequest | undefined => {
  let r = request
  let changed = false
  const noThinking = editAssistantBlocks(r, (b) => !isThinking(b))
  if (noThinking !== undefined) [r, changed] = [noThinking, true]
  const budget = fixThinkingBudget(r)
  if (budget !== undefined) [r, changed] = [budget, true]
  const answered = addMissingToolResults(r)
  if (answered !== undefined) [r, changed] = [answered, true]
  return changed ? r : undefined
}

/**
 * Claude Code's first system block carries a volatile `cch=...;` that changes every request and
 * breaks prompt caching. It is removed from the raw body text so nothing else in the bytes changes.
 */
export const stripBillingCch = (bodyText: string): string | undefined => {
  const m = /"x-anthropic-billing-header:[^"]*?( ?cch=[A-Za-z0-9_-]*;)/.exec(bodyText)
  if (m === null || m[1] === undefined) return undefined
  const at = m.index + m[0].length - m[1].length
  return bodyText.slice(0, at) + bodyText.slice(at + m[1].length)
}
