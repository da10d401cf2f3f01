/**
 * The Gemini generateContent format: Anthropic Messages in, Gemini out and back.
 */
import type { FormatAdapter, TranslateContext, Translation } from "../Format.js"
import type { MessagesRequest } from "../anthropic/Messages.js"
import { toGeminiRequest } from "./request.js"
import { mapGeminiError, toAnthropicMessage } from "./response.js"
import { geminiStream, geminiStreamTranslator } from "./stream.js"
import { GeminiTools } from "./tools.js"

/** `{base}/v1beta/models/{model}:generateContent`, or the SSE stream variant. */
export const geminiUrl = (baseUrl: string, model: string, stream: boolean): string => {
  const base = baseUrl.replace(/\/+$/, "")
  const root = /\/v1(?:beta)?$/.test(base) ? base : `${base}/v1beta`
  // The model may come from the client: encoded, it stays one path segment of this host's API.
  const name = encodeURIComponent(model.replace(/^models\//, ""))
  return `${root}/models/${name}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`
}

/** Our headers first, then the provider's, replacing ours whatever their case. */
export const geminiHeaders = (provider: TranslateContext["provider"]): Record<string, string> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (provider.apiKey !== undefined && provider.apiKey.length > 0) headers["x-goog-api-key"] = provider.apiKey
  for (const [name, value] of Object.entries(provider.headers ?? {})) {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing]
    }
    headers[name] = value
  }
  return headers
}

const translate = (request: MessagesRequest, ctx: TranslateContext): Translation => {
  const stream = request.stream === true
  // Filled by the request translation; maps the answer's calls back to the client's tools.
  const tools = new GeminiTools()
  const body = JSON.stringify(toGeminiRequest(request, ctx, tools))
  const streamOptions = {
    model: request.model,
    calls: tools,
    search: tools.search,
    mapError: (status: number, bodyText: string) => mapGeminiError(status, bodyText, request.max_tokens)
  }
  return {
    url: geminiUrl(ctx.provider.baseUrl, ctx.model, stream),
    headers: geminiHeaders(ctx.provider),
    body,
    stream,
    response: (json) => toAnthropicMessage(json, request.model, undefined, tools, tools.search),
    streamTranslator: () => geminiStreamTranslator(streamOptions),
    streamResponse: () => geminiStream(streamOptions)
  }
}

export const GeminiFormat: FormatAdapter = {
  format: "gemini",
  translate,
  mapError: (status, bodyText, request) => mapGeminiError(status, bodyText, request.max_tokens)
}
