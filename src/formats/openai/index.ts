/**
 * The OpenAI Chat Completions format: any server speaking `POST {baseUrl}/chat/completions`
 * (OpenAI, OpenRouter, DeepSeek, Groq, vLLM, ...).
 */
import type { FormatAdapter } from "../Format.js"
import { chatCompletionsUrl, chatHeaders, toChatRequest } from "./request.js"
import { mapChatError, toAnthropicMessage } from "./response.js"
import { chatStreamTransform, chatStreamTranslator } from "./stream.js"

export const OpenAiFormat: FormatAdapter = {
  format: "openai",
  translate: (request, ctx) => {
    const { body, names } = toChatRequest(request, ctx)
    // Answers carry the model the client asked for, not the upstream's name for it.
    const model = request.model
    return {
      url: chatCompletionsUrl(ctx.provider.baseUrl),
      headers: chatHeaders(ctx.provider),
      body: JSON.stringify(body),
      stream: request.stream === true,
      response: (json) => toAnthropicMessage(json, model, names),
      streamTranslator: () => chatStreamTranslator(model, names, request),
      streamResponse: () => chatStreamTransform(model, names, request)
    }
  },
  mapError: mapChatError
}
