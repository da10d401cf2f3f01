// The fake upstream's OpenAI Responses API (`POST .../responses`): the agent of fake-upstream.mjs
// behind the Responses wire, as strict as the real API on the traps a translator can fall into.
// Streams use the real event grammar: reasoning (a summary when asked, encrypted content when
// `include` asks), text, a function call whose arguments come again whole in the done events, usage.
// Asked by Claude Code's WebSearch tool (a `web_search` tool, "Perform a web search for the query:
// ..."), it searches: a web_search_call item (its sources when `include` asks) and a message citing,
// with url_citation annotations, URLs only this fake knows (fake-search.example, from the query).
// Shapes: https://platform.openai.com/docs/guides/tools-web-search and the streaming events reference
// (https://platform.openai.com/docs/api-reference/responses-streaming: response.web_search_call.*,
// response.output_text.annotation.added).
import { randomUUID } from "node:crypto"
import { RESPONSES_RULES, refusalFor, sendRefusal } from "./strict-rules.mjs"

const sse = (type, seq, data) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...data })}\n\n`

/** A 400 as OpenAI words it. */
const invalid = (res, message, code = null, param = null) => {
  res.writeHead(400, { "content-type": "application/json" })
  res.end(JSON.stringify({ error: { message, type: "invalid_request_error", param, code } }))
}

// The built-in web search tool's fields; anything else (an Anthropic `max_uses`, `blocked_domains`) is refused.
const WEB_SEARCH_FIELDS = new Set(["type", "filters", "user_location", "search_context_size", "external_web_access"])

/** The input items; a string is one user message, as the real API reads it. */
const inputItems = (body) =>
  typeof body.input === "string" ? [{ type: "message", role: "user", content: body.input }] : Array.isArray(body.input) ? body.input : []

/** The real API's answer to a field it does not know. */
const unknownParameter = (at) => [`Unknown parameter: '${at}'.`, "unknown_parameter", at]

/** Why the real API would refuse this body, or undefined. */
const refusal = (body, issued) => {
  if (body.store !== false) return ["this fake serves stateless requests only: store must be false", null, "store"]
  if (typeof body.max_output_tokens === "number" && body.max_output_tokens < 16) {
    return [`Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${body.max_output_tokens} instead.`, "integer_below_min_value", "max_output_tokens"]
  }
  for (const tool of body.tools ?? []) {
    if (tool.type === "function" && (typeof tool.name !== "string" || tool.name.length > 64)) return ["Invalid 'tools[].name': string too long.", "string_above_max_length", "tools"]
  }
  for (const [i, tool] of (body.tools ?? []).entries()) {
    if (tool.type !== "web_search") continue
    const field = Object.keys(tool).find((k) => !WEB_SEARCH_FIELDS.has(k))
    if (field !== undefined) return unknownParameter(`tools[${i}].${field}`)
    const filter = Object.keys(tool.filters ?? {}).find((k) => k !== "allowed_domains")
    if (filter !== undefined) return unknownParameter(`tools[${i}].filters.${filter}`)
  }
  for (const [i, item] of inputItems(body).entries()) {
    if (item.type === "function_call" && item.id !== undefined && !String(item.id).startsWith("fc")) {
      return [`Invalid 'input[${i}].id': '${item.id}'. Expected an ID that begins with 'fc'.`, "invalid_value", `input[${i}].id`]
    }
    if ((item.type === "function_call" || item.type === "function_call_output") && String(item.call_id).length > 64) {
      return [`Invalid 'input[${i}].call_id': string too long.`, "string_above_max_length", `input[${i}].call_id`]
    }
    if (item.type === "reasoning" && !issued.has(item.encrypted_content)) {
      return ["The encrypted content for item could not be verified.", "invalid_encrypted_content", null]
    }
  }
  return undefined
}

const SEARCH_PROMPT = "Perform a web search for the query:"
const hex = () => randomUUID().replace(/-/g, "")

/** The last user message's text. */
const userText = (input) => {
  const m = [...input].reverse().find((i) => i.type === "message" && i.role === "user")
  if (m === undefined) return ""
  return typeof m.content === "string" ? m.content : (m.content ?? []).map((p) => p.text ?? "").join("")
}

/** Claude Code's WebSearch request: its query, or undefined for anything else. */
const searchQuery = (body) => {
  if (!(body.tools ?? []).some((t) => t.type === "web_search")) return undefined
  const text = userText(inputItems(body)).trim()
  return text.startsWith(SEARCH_PROMPT) ? text.slice(SEARCH_PROMPT.length).trim() : undefined
}

/** What the fake's search finds: pages only it knows, named after the query. */
const fakeSearchUrls = (query) => {
  const slug = query.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "query"
  const at = (kind) => `https://fake-search.example/${kind}-${slug}`
  return { result: at("result"), background: at("background"), reference: at("reference") }
}

/** A search and the message citing it, as the real API answers: the call's sources (without
 * titles) only when `include` asks; the message's citations carry titles, and URLs tagged
 * `utm_source=openai`, over character (code point) spans of markdown links. The reference page is
 * cited but not among the sources, as happens. */
const searchItems = (body, query) => {
  const urls = fakeSearchUrls(query)
  const withSources = (body.include ?? []).includes("web_search_call.action.sources")
  const sources = withSources ? { sources: [{ type: "url", url: urls.result }, { type: "url", url: urls.background }] } : {}
  const call = { id: `ws_${hex()}`, type: "web_search_call", status: "completed", action: { type: "search", query, ...sources } }
  let text = ""
  const annotations = []
  const cite = (title, url) => {
    const tagged = `${url}?utm_source=openai`
    const start = [...text].length
    text += `([fake-search.example](${tagged}))`
    annotations.push({ type: "url_citation", start_index: start, end_index: [...text].length, url: tagged, title })
  }
  text += `The top result for "${query}" covers it in depth `
  cite(`Fake search: ${query}`, urls.result)
  text += ". A reference page adds the details "
  cite(`Fake reference: ${query}`, urls.reference)
  text += "."
  const message = { id: `msg_${hex()}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations }] }
  return [call, message]
}

export const responsesAgent = (body, res, { agentDecision, issued }) => {
  const problem = refusal(body, issued)
  if (problem !== undefined) return invalid(res, ...problem)
  // what the real API refuses for this model (strict-rules.mjs); unknown models: nothing more
  const refused = refusalFor(RESPONSES_RULES, body.model, body)
  if (refused !== undefined) return sendRefusal(res, refused)
  const input = inputItems(body)
  const lastOutput = [...input].reverse().find((i) => i.type === "function_call_output" || (i.type === "message" && i.role === "user"))
  const toolOutput = lastOutput?.type === "function_call_output"
    ? typeof lastOutput.output === "string" ? lastOutput.output : (lastOutput.output ?? []).map((p) => p.text ?? "").join("")
    : ""
  const prompt = input.filter((i) => i.type === "message" && i.role === "user")
    .map((i) => typeof i.content === "string" ? i.content : (i.content ?? []).map((p) => p.text ?? "").join(" ")).join(" ")
  const d = agentDecision(body.tools, lastOutput?.type === "function_call_output", toolOutput, prompt)
  const id = `resp_fake${Date.now()}`
  const reasoningAsked = body.reasoning !== undefined
  const encrypted = reasoningAsked && (body.include ?? []).includes("reasoning.encrypted_content") ? `enc_${randomUUID()}` : undefined
  if (encrypted !== undefined) issued.add(encrypted)
  const summary = reasoningAsked && body.reasoning.summary !== undefined ? ["Deciding what to run."] : []
  const output = []
  if (reasoningAsked) output.push({ id: `rs_${randomUUID().replace(/-/g, "")}`, type: "reasoning", summary: summary.map((text) => ({ type: "summary_text", text })), ...(encrypted ? { encrypted_content: encrypted } : {}) })
  const query = searchQuery(body)
  const text = d.kind === "tool" ? "Running it." : d.text
  if (query !== undefined) output.push(...searchItems(body, query))
  else output.push({ id: `msg_${randomUUID().replace(/-/g, "")}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] })
  if (d.kind === "tool" && query === undefined) {
    output.push({ id: `fc_${randomUUID().replace(/-/g, "")}`, type: "function_call", status: "completed", call_id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`, name: d.name, arguments: JSON.stringify(d.input) })
  }
  const usage = { input_tokens: 150, input_tokens_details: { cached_tokens: 50 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 180 }
  const response = { id, object: "response", created_at: Math.floor(Date.now() / 1000), status: "completed", model: body.model, output, usage, error: null, incomplete_details: null }
  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify(response))
    return
  }
  let seq = 0
  const ev = (type, data) => sse(type, seq++, data)
  const started = { ...response, status: "in_progress", output: [], usage: null }
  let out = ev("response.created", { response: started }) + ev("response.in_progress", { response: started })
  output.forEach((item, index) => {
    if (item.type === "reasoning") {
      out += ev("response.output_item.added", { output_index: index, item: { id: item.id, type: "reasoning", summary: [] } })
      item.summary.forEach((part, s) => {
        out += ev("response.reasoning_summary_part.added", { item_id: item.id, output_index: index, summary_index: s, part: { type: "summary_text", text: "" } })
        out += ev("response.reasoning_summary_text.delta", { item_id: item.id, output_index: index, summary_index: s, delta: part.text })
        out += ev("response.reasoning_summary_text.done", { item_id: item.id, output_index: index, summary_index: s, text: part.text })
        out += ev("response.reasoning_summary_part.done", { item_id: item.id, output_index: index, summary_index: s, part })
      })
    } else if (item.type === "web_search_call") {
      // The query and sources come only with the finished item.
      out += ev("response.output_item.added", { output_index: index, item: { id: item.id, type: "web_search_call", status: "in_progress" } })
      for (const step of ["in_progress", "searching", "completed"]) out += ev(`response.web_search_call.${step}`, { item_id: item.id, output_index: index })
    } else if (item.type === "message") {
      const t = item.content[0].text
      const chars = [...t]
      const annotations = item.content[0].annotations
      let cited = 0
      out += ev("response.output_item.added", { output_index: index, item: { ...item, status: "in_progress", content: [] } })
      out += ev("response.content_part.added", { item_id: item.id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [] } })
      for (let i = 0; i < chars.length; i += 8) {
        out += ev("response.output_text.delta", { item_id: item.id, output_index: index, content_index: 0, delta: chars.slice(i, i + 8).join(""), logprobs: [] })
        // An annotation follows the delta that completes its span.
        for (; cited < annotations.length && annotations[cited].end_index <= i + 8; cited++) {
          out += ev("response.output_text.annotation.added", { item_id: item.id, output_index: index, content_index: 0, annotation_index: cited, annotation: annotations[cited] })
        }
      }
      out += ev("response.output_text.done", { item_id: item.id, output_index: index, content_index: 0, text: t, logprobs: [] })
      out += ev("response.content_part.done", { item_id: item.id, output_index: index, content_index: 0, part: item.content[0] })
    } else {
      out += ev("response.output_item.added", { output_index: index, item: { ...item, status: "in_progress", arguments: "" } })
      const args = item.arguments
      for (let i = 0; i < args.length; i += 12) out += ev("response.function_call_arguments.delta", { item_id: item.id, output_index: index, delta: args.slice(i, i + 12) })
      // Like the real API: the arguments again, whole, here and in output_item.done.
      out += ev("response.function_call_arguments.done", { item_id: item.id, output_index: index, arguments: args })
    }
    out += ev("response.output_item.done", { output_index: index, item })
  })
  // Like the real API, the output of the final event may be left out: clients build it from the events.
  out += ev("response.completed", { response: { ...response, output: [] } })
  res.writeHead(200, { "content-type": "text/event-stream" })
  res.end(out)
}
