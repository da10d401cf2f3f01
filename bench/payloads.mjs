// What the benchmark sends and what its upstreams answer. Everything is deterministic (seeded), so
// every run and every mode (workerd, in-process) moves the same bytes.
import { readFileSync } from "node:fs"

const encoder = new TextEncoder()

const FIXTURE = new URL("../test/fixtures/claude-code-request.json", import.meta.url)

/** The real Claude Code request body, byte for byte (only `stream` is switched for non-streaming). */
export const claudeCodeBody = (stream) => {
  const text = readFileSync(FIXTURE, "utf8")
  if (stream) return encoder.encode(text)
  const switched = text.replace(/"stream":\s*true/, (m) => m.replace("true", "false"))
  if (switched === text) throw new Error("fixture has no `\"stream\": true` to switch off")
  return encoder.encode(switched)
}

/** The headers Claude Code sends with every model call (values as observed, credentials fake). */
export const claudeCodeHeaders = (extra = {}) => ({
  "content-type": "application/json",
  accept: "application/json",
  "anthropic-version": "2023-06-01",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,effort-2025-11-24",
  "anthropic-dangerous-direct-browser-access": "true",
  "user-agent": "claude-cli/2.1.0 (external, sdk-cli)",
  "x-app": "cli",
  "x-claude-code-session-id": "0b7e3c1e-5d0f-4a52-9c1e-6a4f2d8b9e10",
  "x-stainless-arch": "x64",
  "x-stainless-lang": "js",
  "x-stainless-os": "Linux",
  "x-stainless-package-version": "0.70.0",
  "x-stainless-retry-count": "0",
  "x-stainless-runtime": "node",
  "x-stainless-runtime-version": "v22.12.0",
  "x-stainless-timeout": "600",
  ...extra
})

/** A small deterministic PRNG (mulberry32). */
const rng = (seed) => () => {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const WORDS = (
  "the test suite fails because the fixture path is resolved against the wrong directory so I will " +
  "read the config file first then update the import and run the build again to confirm that every " +
  "case passes including the streaming one which depends on the parser handling a split line correctly"
).split(" ")

/** Model-like fragments: 1-4 words, the way tokens arrive. */
const fragments = (random, count) => {
  const out = []
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(random() * 4)
    let s = ""
    for (let j = 0; j < n; j++) s += (i === 0 && j === 0 ? "" : " ") + WORDS[Math.floor(random() * WORDS.length)]
    if (random() < 0.06) s += "."
    if (random() < 0.02) s += "\n\n"
    out.push(s)
  }
  return out
}

const frame = (data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`

/**
 * An Anthropic stream in the shape of a Claude Code turn: thinking, text, then a Bash tool call, with
 * pings, cumulative usage and a signature — `events` frames in all (about 2,000 by default).
 */
export const anthropicStream = (events = 2000, seed = 7) => {
  const random = rng(seed)
  const body = Math.max(events - 12, 3)
  const thinking = Math.round(body * 0.25)
  const text = Math.round(body * 0.45)
  const tool = body - thinking - text
  const out = []
  out.push(frame({
    type: "message_start",
    message: {
      id: "msg_01BenchStream0000000000",
      type: "message",
      role: "assistant",
      model: "claude-opus-5-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 12, cache_creation_input_tokens: 2104, cache_read_input_tokens: 18230, output_tokens: 4, service_tier: "standard" }
    }
  }))
  out.push(frame({ type: "ping" }))
  out.push(frame({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }))
  for (const f of fragments(random, thinking)) out.push(frame({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: f } }))
  let signature = ""
  while (signature.length < 344) signature += Math.floor(random() * 2 ** 31).toString(36)
  out.push(frame({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: signature.slice(0, 344) } }))
  out.push(frame({ type: "content_block_stop", index: 0 }))
  out.push(frame({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }))
  const textParts = fragments(random, text)
  textParts.forEach((f, i) => {
    out.push(frame({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: f } }))
    if (i === Math.floor(textParts.length / 2)) out.push(frame({ type: "ping" }))
  })
  out.push(frame({ type: "content_block_stop", index: 1 }))
  out.push(frame({
    type: "content_block_start",
    index: 2,
    content_block: { type: "tool_use", id: "toolu_01BenchToolCall000000", name: "Bash", input: {} }
  }))
  const command = fragments(random, tool).join("").replace(/\n/g, " ")
  const args = JSON.stringify({ command: `echo ${JSON.stringify(command).slice(1, -1)}`, description: "Run the check" })
  const step = Math.ceil(args.length / tool)
  for (let i = 0; i < args.length; i += step) {
    out.push(frame({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: args.slice(i, i + step) } }))
  }
  out.push(frame({ type: "content_block_stop", index: 2 }))
  out.push(frame({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: body } }))
  out.push(frame({ type: "message_stop" }))
  return out
}

/** The non-streaming answer to a Messages call (a short text plus a tool call). */
export const anthropicMessage = () =>
  JSON.stringify({
    id: "msg_01BenchMessage000000000",
    type: "message",
    role: "assistant",
    model: "claude-opus-5-5",
    content: [
      { type: "text", text: "I'll check the failing test first, then run the suite again to confirm the fix." },
      {
        type: "tool_use",
        id: "toolu_01BenchToolCall000000",
        name: "Bash",
        input: { command: "npx vitest run test/unit/Sse.test.ts", description: "Run the SSE parser tests" }
      }
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 12, cache_creation_input_tokens: 2104, cache_read_input_tokens: 18230, output_tokens: 96, service_tier: "standard" }
  })

export const overloaded = () => JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })

/**
 * An OpenAI Chat Completions stream as OpenAI/OpenRouter send it: a role chunk, `text` content
 * deltas, then one tool call (Bash) whose arguments arrive in `args` fragments, the finish chunk,
 * the usage chunk and `[DONE]`.
 */
export const openaiToolCallStream = (text = 100, args = 200, seed = 11) => {
  const random = rng(seed)
  const base = { id: "chatcmpl-BenchStream000000000000", object: "chat.completion.chunk", created: 1767225600, model: "gpt-bench", system_fingerprint: "fp_bench01" }
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`
  const out = [chunk({ role: "assistant", content: "", refusal: null })]
  for (const f of fragments(random, text)) out.push(chunk({ content: f }))
  out.push(chunk({ tool_calls: [{ index: 0, id: "call_BenchToolCall0000000000", type: "function", function: { name: "Bash", arguments: "" } }] }))
  const command = fragments(random, args).join("").replace(/\n/g, " ")
  const json = JSON.stringify({ command: `echo ${JSON.stringify(command).slice(1, -1)}`, description: "Run the check" })
  const step = Math.ceil(json.length / args)
  for (let i = 0; i < json.length; i += step) out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: json.slice(i, i + step) } }] }))
  out.push(chunk({}, "tool_calls"))
  out.push(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 20346, completion_tokens: 412, total_tokens: 20758, prompt_tokens_details: { cached_tokens: 18230 } } })}\n\n`)
  out.push("data: [DONE]\n\n")
  return out
}

/** Frames grouped into writes of about `bytes` each (a frame is never split). */
export const group = (frames, bytes) => {
  const out = []
  let current = ""
  for (const f of frames) {
    current += f
    if (current.length >= bytes) {
      out.push(current)
      current = ""
    }
  }
  if (current !== "") out.push(current)
  return out.map((s) => encoder.encode(s))
}

/** One write of the large stream: text deltas up to `bytes` (64 KiB by default). */
export const bigStreamChunk = (bytes = 64 * 1024) => {
  const one = frame({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x".repeat(180) } })
  return encoder.encode(one.repeat(Math.max(1, Math.floor(bytes / one.length))))
}

export const bigStreamHead = () =>
  encoder.encode(
    frame({
      type: "message_start",
      message: { id: "msg_01BenchBig", type: "message", role: "assistant", model: "claude-opus-5-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }
    }) + frame({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })
  )

export const bigStreamTail = () =>
  encoder.encode(
    frame({ type: "content_block_stop", index: 0 }) +
      frame({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 1 } }) +
      frame({ type: "message_stop" })
  )

/** Anthropic-ish response headers (request id, rate limits). */
export const answerHeaders = (contentType) => ({
  "content-type": contentType,
  "request-id": "req_01BenchUpstream000000000",
  "anthropic-organization-id": "00000000-0000-0000-0000-000000000000",
  "anthropic-ratelimit-requests-limit": "4000",
  "anthropic-ratelimit-requests-remaining": "3999",
  "anthropic-ratelimit-requests-reset": "2026-01-01T00:00:01Z",
  "anthropic-ratelimit-tokens-limit": "2000000",
  "anthropic-ratelimit-tokens-remaining": "1999000",
  "anthropic-ratelimit-tokens-reset": "2026-01-01T00:00:01Z",
  ...(contentType.startsWith("text/event-stream") ? { "cache-control": "no-cache" } : {})
})

/**
 * A long Claude Code conversation of about `bytes` (the request Claude Code sends late in a session):
 * the real request's system, tools and settings, with turns appended until the size is reached —
 * assistant turns with text and a tool_use, user turns with a large tool_result (file contents with
 * quotes, escapes and some non-ASCII) — and a billing block with a volatile `cch=`, as recent Claude
 * Code sends it. The same bytes every run.
 */
export const claudeCodeConversation = (bytes, stream, seed = 5) => {
  const base = JSON.parse(readFileSync(FIXTURE, "utf8"))
  const random = rng(seed)
  const billing = base.system[0]
  base.system[0] = { ...billing, text: billing.text.replace(/;\s*$/, "; cch=7f3a9;") }
  const messages = [...base.messages]
  const file = (n) => {
    const lines = []
    for (let i = 0; i < n; i++) {
      const words = fragments(random, 3).join(" ")
      lines.push(i % 7 === 0 ? `  const label = "${words}" // café, naïve — 日本` : `  if (value === "${words}") return { ok: true, path: "src\\\\${i}.ts" }`)
    }
    return lines.join("\n")
  }
  let turn = 0
  const size = () => encoder.encode(JSON.stringify({ ...base, messages })).byteLength
  let estimate = size()
  while (estimate < bytes) {
    const id = `toolu_${String(turn).padStart(6, "0")}`
    const assistant = {
      role: "assistant",
      content: [
        { type: "text", text: fragments(random, 12).join("") },
        { type: "tool_use", id, name: "Read", input: { file_path: `/work/src/module${turn}.ts`, limit: 400 } }
      ]
    }
    const user = { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: file(60 + Math.floor(random() * 60)) }] }
    messages.splice(messages.length - 1, 0, assistant, user)
    estimate += encoder.encode(JSON.stringify(assistant)).byteLength + encoder.encode(JSON.stringify(user)).byteLength + 2
    turn++
  }
  return encoder.encode(JSON.stringify({ ...base, messages, stream }))
}
