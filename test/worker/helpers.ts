import Anthropic from "@anthropic-ai/sdk"
import { SELF } from "cloudflare:test"
import { inject } from "vitest"

export const ADMIN = { authorization: "Bearer test-admin-token" }
export const TOKEN = "tok_test_0123456789abcdef"

export interface Step {
  status?: number
  headers?: Record<string, string>
  body?: string
  json?: unknown
  chunks?: Array<{ data?: string; base64?: string; delayMs?: number }>
  delayMs?: number
  destroy?: boolean
  stall?: boolean
  abort?: boolean
}

export interface RecordedCall {
  method: string
  path: string
  search: string
  headers: Record<string, string>
  body: string
  bodyBase64: string
}

let counter = 0

/** A scripted upstream on the fake server; its baseUrl goes into a provider. A request carrying a key
 * of `byKey` (x-api-key or bearer) answers from that key's own steps. */
export const scenario = async (steps: Array<Step>, byKey: Record<string, Array<Step>> = {}) => {
  const id = `sc${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const fake = inject("fakeUrl")
  const r = await fetch(`${fake}/__scenario/${id}`, { method: "POST", body: JSON.stringify({ steps, byKey }) })
  if (r.status !== 204) throw new Error(`scenario setup failed: ${r.status}`)
  return {
    baseUrl: `${fake}/s/${id}`,
    calls: async (): Promise<Array<RecordedCall>> => (await fetch(`${fake}/__calls/${id}`)).json()
  }
}

/**
 * The usual chain: `primary` (the caller's own credential) then a keyed `backup` that requests with
 * `TOKEN` reach; each a scripted fake. Returns both fakes.
 */
export const primaryAndBackup = async (
  primarySteps: Array<Step>,
  backupSteps: Array<Step>,
  options: { readonly primary?: Record<string, unknown>; readonly settings?: Record<string, unknown>; readonly tokenNote?: string } = {}
) => {
  const primary = await scenario(primarySteps)
  const backup = await scenario(backupSteps)
  await putConfig({
    providers: [
      { name: "primary", format: "anthropic", baseUrl: primary.baseUrl, retries: 0, ...options.primary },
      { name: "backup", format: "anthropic", baseUrl: backup.baseUrl, apiKey: "sk-backup-secret-0001", retries: 0 }
    ],
    accessTokens: [{ token: TOKEN, ...(options.tokenNote === undefined ? {} : { note: options.tokenNote }) }],
    ...(options.settings === undefined ? {} : { settings: options.settings })
  })
  return { primary, backup }
}

/** A port nothing listens on: connection refused. */
export const refusedUrl = "http://127.0.0.1:9"

export const putConfig = async (doc: unknown) => {
  const r = await SELF.fetch("http://proxy/admin/api/config", {
    method: "PUT",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify(doc)
  })
  const text = await r.text()
  if (r.status !== 200) throw new Error(`config rejected: ${r.status} ${text}`)
}

export const messagesBody = (extra: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 64,
  messages: [{ role: "user", content: "hi" }],
  ...extra
})

export const anthropicMessage = (text = "hello") => ({
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [{ type: "text", text }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 1 }
})

const sseFrame = (type: string, data: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`

/** The same answer as `anthropicMessage`, as Anthropic streams it. */
export const anthropicStream = (text = "hello") =>
  sseFrame("message_start", {
    message: { id: "msg_1", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } }
  }) +
  sseFrame("content_block_start", { index: 0, content_block: { type: "text", text: "" } }) +
  sseFrame("content_block_delta", { index: 0, delta: { type: "text_delta", text } }) +
  sseFrame("content_block_stop", { index: 0 }) +
  sseFrame("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 1 } }) +
  sseFrame("message_stop")

export const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  SELF.fetch(`http://proxy${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-ant-client-key", "anthropic-version": "2023-06-01", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body)
  })

/** The official SDK pointed at the proxy with the test access token in the URL. */
export const sdkClient = () =>
  new Anthropic({
    apiKey: "sk-ant-client-key",
    baseURL: `http://proxy/t/${TOKEN}`,
    maxRetries: 0,
    fetch: (input: string | URL | Request, init?: RequestInit) => SELF.fetch(input, init)
  })
