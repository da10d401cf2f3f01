/**
 * The OpenAI Responses API format: any server speaking `POST {baseUrl}/responses` (OpenAI, Azure
 * OpenAI, xAI, OpenRouter, vLLM, ...), always stateless (`store: false`).
 */
import type { FormatAdapter } from "../Format.js"
import { responsesHeaders, responsesUrl, toResponsesRequest } from "./request.js"
import { mapResponsesError, toAnthropicMessage } from "./response.js"
import { responsesStreamTransform, responsesStreamTranslator } from "./stream.js"
import { searchPlan } from "./webSearch.js"

export const OpenAiResponsesFormat: FormatAdapter = {
  format: "openai-responses",
  translate: (request, ctx) => {
    const { body, names, tag } = toResponsesRequest(request, ctx)
    // Answers carry the model the client asked for, not the upstream's name for it.
    const model = request.model
    const search = searchPlan(request)
    return {
      url: responsesUrl(ctx.provider.baseUrl),
      headers: responsesHeaders(ctx.provider),
      body: JSON.stringify(body),
      stream: request.stream === true,
      response: (json) => toAnthropicMessage(json, model, names, tag, search),
      streamTranslator: () => responsesStreamTranslator(model, names, tag, request),
      streamResponse: () => responsesStreamTransform(model, names, tag, request)
    }
  },
  mapError: mapResponsesError
}
