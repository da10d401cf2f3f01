#!/usr/bin/env node
// A fake upstream on loopback for tests, demos and benchmarks. Two kinds of routes:
//
//   /s/<id>/...        scripted: answers the steps registered with POST /__scenario/<id>, in order
//                      (the last step repeats); every call is recorded for GET /__calls/<id>. Steps
//                      under `byKey: { "<key>": [...] }` answer the requests carrying that key.
//   /limit-key/<key>/<reset epoch s>/...  the anthropic agent, but that key is out of quota (429 with
//                      Anthropic's unified headers) until the reset: a key pool's limited key.
//   /agent/anthropic/... /agent/openai/... /agent/openai-responses/... /agent/gemini/...
//                      a tiny model that drives a real Claude Code session: asked with a Bash tool and
//                      no tool result yet, it calls Bash; given the tool result, it answers with text.
//                      The Responses API one (fake-responses.mjs) also reasons, and refuses what the
//                      real API refuses (store, call ids, reasoning it did not issue, ...). For the
//                      models they know, all of them refuse what the real provider refuses for that
//                      model, with its status and error body (strict-rules.mjs); other models: anything.
//   /strict/...        the anthropic agent, but a 400 "Invalid signature" for unsigned thinking blocks.
//   /bedrock/<region>/model/<id>/...  /bedrock-mantle/<region>/anthropic/v1/messages
//   /aws-external-anthropic/<region>/v1/messages  /foundry/<resource>/anthropic/v1/messages
//   /vertex/v1/projects/...  /google/token  /google/service-account.json
//                      the agent on AWS Bedrock (InvokeModel and its Messages API), Claude Platform on
//                      AWS, Microsoft Foundry and Google Vertex AI, checking signatures, keys, tokens and
//                      the model ids each cloud takes (fake-clouds.mjs).
//   /fail/<status>/... answers that status with an Anthropic-shaped error body (`?retry_after=s`).
//
//   POST /__eventstream  Bedrock event-stream frames (base64) for scripted steps.
//
// Usage: node scripts/fake-upstream.mjs [--port 9100]
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"
import { bedrock, bedrockMantle, chunkFrame, claudePlatformAws, exceptionFrame, foundry, googleToken, serviceAccountJson, vertex } from "./fake-clouds.mjs"
import { responsesAgent } from "./fake-responses.mjs"
import { CHAT_RULES, GEMINI_RULES, refusalFor, sendRefusal } from "./strict-rules.mjs"

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const parts = []
    req.on("data", (c) => parts.push(c))
    req.on("end", () => resolve(Buffer.concat(parts)))
    req.on("error", reject)
  })

const sse = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`

const AGENT_COMMAND = "echo failover-ok > proof.txt && cat proof.txt"

const hasTool = (tools, name) => Array.isArray(tools) && tools.some((t) => (t.name ?? t.function?.name) === name)
const FIRST_URL = /https?:\/\/[^\s"'\\\]},)]+/

/**
 * A prompt that asks to search the web drives Claude Code's WebSearch the way a model does: load the
 * deferred tool (ToolSearch `select:WebSearch`), search, then write the first link its result lists
 * to proof.txt with Bash, then answer.
 */
const searchDecision = (tools, lastUserHasToolResult, toolOutput) => {
  const output = String(toolOutput)
  if (lastUserHasToolResult && output.includes("Links:")) {
    const url = FIRST_URL.exec(output.slice(output.indexOf("Links:")))?.[0] ?? "no-link"
    return { kind: "tool", name: "Bash", input: { command: `echo ${url} > proof.txt && cat proof.txt`, description: "Write the first result's URL" } }
  }
  if (lastUserHasToolResult && FIRST_URL.test(output)) return { kind: "text", text: `The command ran. Output: ${output.trim().slice(0, 200)}` }
  if (hasTool(tools, "WebSearch")) return { kind: "tool", name: "WebSearch", input: { query: "claude failover proxy" } }
  if (hasTool(tools, "ToolSearch")) return { kind: "tool", name: "ToolSearch", input: { query: "select:WebSearch", max_results: 1 } }
  return undefined
}

/** What the fake model does next, from the Anthropic-shaped view of the conversation (and its first prompt). */
export const agentDecision = (tools, lastUserHasToolResult, toolOutput, prompt = "") => {
  if (/search the web/i.test(prompt)) {
    const d = searchDecision(tools, lastUserHasToolResult, toolOutput)
    if (d !== undefined) return d
  }
  const hasBash = hasTool(tools, "Bash")
  if (hasBash && !lastUserHasToolResult) return { kind: "tool", name: "Bash", input: { command: AGENT_COMMAND, description: "Write the proof file" } }
  return { kind: "text", text: lastUserHasToolResult ? `The command ran. Output: ${String(toolOutput).trim().slice(0, 200)}` : "Hello from the fake upstream." }
}

/** The text of the conversation's user turns (where the prompt is, whatever Claude Code put before it). */
const userText = (messages, role = "user") =>
  (messages ?? []).filter((m) => m.role === role).map((m) => typeof m.content === "string" ? m.content : (m.content ?? []).map((c) => c.text ?? "").join(" ")).join(" ")

const anthropicView = (body) => {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user")
  const blocks = Array.isArray(last?.content) ? last.content : []
  const result = blocks.find((b) => b.type === "tool_result")
  const output = result === undefined ? "" : typeof result.content === "string" ? result.content : (result.content ?? []).map((c) => c.text ?? "").join("")
  return agentDecision(body.tools, result !== undefined, output, userText(body.messages))
}

const anthropicAgent = (body, res) => {
  const d = anthropicView(body)
  const id = `msg_fake_${Date.now()}`
  const block = d.kind === "tool" ? { type: "tool_use", id: `toolu_fake_${Date.now()}`, name: d.name, input: d.input } : { type: "text", text: d.text }
  const stop = d.kind === "tool" ? "tool_use" : "end_turn"
  const usage = { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }
  if (!body.stream) {
    res.writeHead(200, { "content-type": "application/json", "request-id": "req_fake" })
    res.end(JSON.stringify({ id, type: "message", role: "assistant", model: body.model, content: [block], stop_reason: stop, stop_sequence: null, usage }))
    return
  }
  res.writeHead(200, { "content-type": "text/event-stream", "request-id": "req_fake" })
  let out = sse("message_start", { message: { id, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } })
  if (d.kind === "tool") {
    out += sse("content_block_start", { index: 0, content_block: { ...block, input: {} } })
    out += sse("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(d.input) } })
  } else {
    out += sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } })
    out += sse("content_block_delta", { index: 0, delta: { type: "text_delta", text: d.text } })
  }
  out += sse("content_block_stop", { index: 0 })
  out += sse("message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 20 } })
  out += sse("message_stop", {})
  res.end(out)
}

const openaiAgent = (body, res) => {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user" || m.role === "tool")
  const d = agentDecision(body.tools, last?.role === "tool", typeof last?.content === "string" ? last.content : "", userText(body.messages))
  const id = `chatcmpl-fake${Date.now()}`
  const base = { id, object: "chat.completion.chunk", created: 1, model: body.model }
  const finish = d.kind === "tool" ? "tool_calls" : "stop"
  const usage = { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140, prompt_tokens_details: { cached_tokens: 20 } }
  if (!body.stream) {
    const message = d.kind === "tool"
      ? { role: "assistant", content: null, tool_calls: [{ id: "call_fake1", type: "function", function: { name: d.name, arguments: JSON.stringify(d.input) } }] }
      : { role: "assistant", content: d.text }
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ id, object: "chat.completion", created: 1, model: body.model, choices: [{ index: 0, message, finish_reason: finish }], usage }))
    return
  }
  res.writeHead(200, { "content-type": "text/event-stream" })
  const chunks = [{ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }]
  if (d.kind === "tool") {
    const args = JSON.stringify(d.input)
    chunks.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_fake1", type: "function", function: { name: d.name, arguments: "" } }] }, finish_reason: null }] })
    chunks.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(0, 10) } }] }, finish_reason: null }] })
    chunks.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(10) } }] }, finish_reason: null }] })
  } else {
    chunks.push({ ...base, choices: [{ index: 0, delta: { content: d.text }, finish_reason: null }] })
  }
  chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] })
  if (body.stream_options?.include_usage) chunks.push({ ...base, choices: [], usage })
  res.end(chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n")
}

const SEARCH_PROMPT = "Perform a web search for the query:"

// Claude Code's WebSearch request, translated (a google_search tool, the user asking for a query):
// grounding shaped as https://ai.google.dev/gemini-api/docs/google-search shows it, citing a page only
// this fake knows. Segment offsets are UTF-8 bytes; startIndex 0 is left out, as proto3 JSON does.
const geminiSearch = (body, lastUser) => {
  const asked = (lastUser?.parts ?? []).map((p) => p.text ?? "").join("")
  if (!(body.tools ?? []).some((t) => t?.google_search ?? t?.googleSearch) || !asked.startsWith(SEARCH_PROMPT)) return undefined
  const query = asked.slice(SEARCH_PROMPT.length).trim()
  const slug = query.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || Buffer.from(query).toString("hex").slice(0, 32)
  const cited = `The fake index has one page about ${query}.`
  const groundingMetadata = {
    webSearchQueries: [query],
    searchEntryPoint: { renderedContent: "<div class=\"container\"><!-- the fake's search chips --></div>" },
    groundingChunks: [{ web: { uri: `https://fake-grounding.example/result-${slug}`, title: "fake-grounding.example" } }],
    groundingSupports: [{ segment: { endIndex: Buffer.byteLength(cited), text: cited }, groundingChunkIndices: [0] }]
  }
  return { texts: [cited, " Nothing else was found."], groundingMetadata }
}

const geminiAgent = (body, stream, res) => {
  const last = [...(body.contents ?? [])].reverse().find((c) => c.role === "user")
  const response = (last?.parts ?? []).find((p) => p.functionResponse)?.functionResponse
  const tools = (body.tools ?? []).flatMap((t) => t.functionDeclarations ?? [])
  const prompt = (body.contents ?? []).filter((c) => c.role === "user").flatMap((c) => c.parts ?? []).map((p) => p.text ?? "").join(" ")
  const d = agentDecision(tools, response !== undefined, JSON.stringify(response?.response ?? ""), prompt)
  const parts = d.kind === "tool" ? [{ functionCall: { name: d.name, args: d.input }, thoughtSignature: "c2lnLWZha2U=" }] : [{ text: d.text }]
  const search = geminiSearch(body, last)
  // Streamed, a grounded answer's text comes over chunks and its metadata with the last one.
  const candidates = search === undefined
    ? [{ parts, finishReason: "STOP" }]
    : stream
    ? [{ parts: [{ text: search.texts[0] }] }, { parts: [{ text: search.texts[1] }], finishReason: "STOP", groundingMetadata: search.groundingMetadata }]
    : [{ parts: [{ text: search.texts.join("") }], finishReason: "STOP", groundingMetadata: search.groundingMetadata }]
  const payloads = candidates.map(({ parts, ...rest }) => ({
    candidates: [{ content: { role: "model", parts }, ...rest, index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
    modelVersion: "gemini-fake"
  }))
  if (!stream) {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify(payloads[0]))
    return
  }
  res.writeHead(200, { "content-type": "text/event-stream" })
  res.end(payloads.map((p) => `data: ${JSON.stringify(p)}\r\n\r\n`).join(""))
}

export const startFakeUpstream = async ({ port = 0, host = "127.0.0.1" } = {}) => {
  const scenarios = new Map()
  const calls = new Map()
  const sockets = new Set()
  // reasoning the Responses agent handed out: only these may come back
  const issued = new Set()

  const runStep = async (step, req, res) => {
    if (step.delayMs) await sleep(step.delayMs)
    if (step.destroy) {
      req.socket.destroy()
      return
    }
    const headers = { ...(step.headers ?? {}) }
    if (step.json !== undefined) {
      res.writeHead(step.status ?? 200, { "content-type": "application/json", ...headers })
      res.end(JSON.stringify(step.json))
      return
    }
    if (step.chunks !== undefined) {
      res.writeHead(step.status ?? 200, { "content-type": "text/event-stream", ...headers })
      res.flushHeaders()
      for (const chunk of step.chunks) {
        if (chunk.delayMs) await sleep(chunk.delayMs)
        if (res.destroyed) return
        res.write(chunk.base64 === undefined ? chunk.data : Buffer.from(chunk.base64, "base64"))
      }
      if (step.stall) return // never ends: the proxy's idle timeout must act
      if (step.abort) {
        req.socket.destroy()
        return
      }
      res.end()
      return
    }
    res.writeHead(step.status ?? 200, headers)
    res.end(step.body ?? "")
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://fake")
      const raw = await readBody(req)
      const parts = url.pathname.split("/").filter(Boolean)
      if (parts[0] === "__scenario" && req.method === "POST") {
        const script = JSON.parse(raw.toString("utf8"))
        // `byKey`: steps of their own for a request carrying that key (x-api-key or a bearer token)
        const byKey = Object.fromEntries(Object.entries(script.byKey ?? {}).map(([k, steps]) => [k, { steps, next: 0 }]))
        scenarios.set(parts[1], { steps: script.steps, next: 0, byKey })
        calls.set(parts[1], [])
        res.writeHead(204).end()
        return
      }
      if (parts[0] === "__eventstream" && req.method === "POST") {
        // Bedrock event-stream frames for scripted steps: [{event}] or [{exception: [name, message]}] -> base64 each
        const items = JSON.parse(raw.toString("utf8"))
        const frames = items.map((i) => Buffer.from(i.exception ? exceptionFrame(i.exception[0], i.exception[1]) : chunkFrame(i.event)).toString("base64"))
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(frames))
        return
      }
      if (parts[0] === "__calls") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(calls.get(parts[1]) ?? []))
        return
      }
      const record = (id) => {
        const list = calls.get(id) ?? []
        list.push({ method: req.method, path: "/" + parts.slice(2).join("/"), search: url.search, headers: req.headers, body: raw.toString("utf8"), bodyBase64: raw.toString("base64") })
        calls.set(id, list)
      }
      if (parts[0] === "s") {
        const scenario = scenarios.get(parts[1])
        record(parts[1])
        if (scenario === undefined) {
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "no such scenario" } }))
          return
        }
        const key = req.headers["x-api-key"] ?? /^Bearer (.+)$/.exec(req.headers["authorization"] ?? "")?.[1]
        const script = (key !== undefined && scenario.byKey[key]) || scenario
        const step = script.steps[Math.min(script.next, script.steps.length - 1)]
        script.next++
        await runStep(step, req, res)
        return
      }
      if (parts[0] === "limit-key") {
        // /limit-key/<key>/<reset epoch seconds>/v1/messages: that key is out of quota until the reset
        // (429 with Anthropic's unified headers); every other key is served by the anthropic agent.
        record("limit-key")
        const [limited, reset] = [decodeURIComponent(parts[1] ?? ""), Number(parts[2])]
        if (req.headers["x-api-key"] === limited && Date.now() < reset * 1000) {
          res.writeHead(429, {
            "content-type": "application/json",
            "anthropic-ratelimit-unified-status": "rejected",
            "anthropic-ratelimit-unified-reset": String(reset),
            "retry-after": String(Math.max(1, Math.ceil(reset - Date.now() / 1000)))
          })
          res.end(JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "This key's usage limit is reached" } }))
          return
        }
        if (url.pathname.endsWith("/count_tokens")) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ input_tokens: 1234 }))
        return anthropicAgent(raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {}, res)
      }
      if (parts[0] === "fail") {
        record(`fail-${parts[1]}`)
        const status = Number(parts[1])
        const retryAfter = url.searchParams.get("retry_after")
        res.writeHead(status, { "content-type": "application/json", ...(retryAfter ? { "retry-after": retryAfter } : {}) })
        res.end(JSON.stringify({ type: "error", error: { type: status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error", message: `fake ${status}` } }))
        return
      }
      if (parts[0] === "strict") {
        // Like the real API: thinking blocks Anthropic did not sign are refused with a 400.
        record("strict")
        const body = JSON.parse(raw.toString("utf8"))
        const unsigned = (body.messages ?? []).some((m) => m.role === "assistant" && Array.isArray(m.content) &&
          m.content.some((b) => b.type === "thinking" && !(typeof b.signature === "string" && b.signature.startsWith("Eq"))))
        if (unsigned) {
          res.writeHead(400, { "content-type": "application/json" })
          res.end(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" } }))
          return
        }
        return anthropicAgent(body, res)
      }
      if (["bedrock", "bedrock-mantle", "aws-external-anthropic", "foundry", "vertex", "google"].includes(parts[0])) {
        const base = `http://${req.headers.host}`
        // the Messages-API clouds answer as the anthropic agent
        const cloud = { decide: anthropicView, record: (id) => record(id), base, answer: anthropicAgent }
        if (parts[0] === "bedrock") return await bedrock(req, res, url, raw, cloud)
        if (parts[0] === "bedrock-mantle") return await bedrockMantle(req, res, url, raw, cloud)
        if (parts[0] === "aws-external-anthropic") return await claudePlatformAws(req, res, url, raw, cloud)
        if (parts[0] === "foundry") return foundry(req, res, url, raw, cloud)
        if (parts[0] === "vertex") return vertex(req, res, url, raw, cloud)
        if (parts[1] === "service-account.json") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(serviceAccountJson(base)))
        if (parts[1] === "token") return googleToken(req, res, url, raw, cloud)
      }
      if (parts[0] === "agent") {
        record(`agent-${parts[1]}`)
        const body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {}
        if (req.method === "HEAD" || req.method === "GET") {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [], has_more: false }))
          return
        }
        if (url.pathname.endsWith("/count_tokens")) {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ input_tokens: 1234 }))
          return
        }
        if (parts[1] === "anthropic") return anthropicAgent(body, res)
        if (parts[1] === "openai") {
          const refusal = refusalFor(CHAT_RULES, body.model, body)
          return refusal === undefined ? openaiAgent(body, res) : sendRefusal(res, refusal)
        }
        if (parts[1] === "openai-responses") return responsesAgent(body, res, { agentDecision, issued })
        if (parts[1] === "gemini") {
          const model = /\/models\/([^/:]+):/.exec(url.pathname)?.[1]
          const refusal = refusalFor(GEMINI_RULES, model === undefined ? undefined : decodeURIComponent(model), body)
          return refusal === undefined ? geminiAgent(body, url.pathname.includes(":streamGenerateContent"), res) : sendRefusal(res, refusal)
        }
      }
      res.writeHead(404).end()
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error))
    }
  })
  server.on("connection", (s) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise((resolve) => server.listen(port, host, resolve))
  const actual = server.address().port
  return {
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--port")
  const fake = await startFakeUpstream({ port: i === -1 ? 9100 : Number(process.argv[i + 1]) })
  console.log(`fake upstream on ${fake.url}`)
  const stop = () => fake.close().then(() => process.exit(0))
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
}
