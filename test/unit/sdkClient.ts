/**
 * The official Anthropic SDK reading a translated stream exactly as the proxy produces it
 * (`translateBody` over the adapter's `streamTranslator`): a translation is right when the real
 * client accepts it.
 */
import Anthropic from "@anthropic-ai/sdk"
import type { Translation } from "../../src/formats/Format.js"
import { translateBody } from "../../src/formats/StreamTranslator.js"

/** A client whose request is answered with `upstream` translated by `translation`. */
export const sdkReading = (upstream: ReadableStream<Uint8Array>, translation: Translation): Anthropic =>
  new Anthropic({
    apiKey: "x",
    baseURL: "http://fake",
    maxRetries: 0,
    fetch: async () =>
      new Response(translateBody(upstream, translation.streamTranslator()), { headers: { "content-type": "text/event-stream" } })
  })
