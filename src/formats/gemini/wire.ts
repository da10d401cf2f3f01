/**
 * The parts of the Gemini generateContent wire format the translator writes and reads, plus tolerant
 * readers: upstream JSON is `unknown` until one of these has looked at it.
 */

export type JsonObject = { [key: string]: unknown }

export type GeminiFunctionCall = { name: string; args: JsonObject; id?: string }

export type GeminiPart = {
  text?: string
  thought?: boolean
  /** opaque (base64) reasoning state; Gemini 3 requires it back on the functionCall part it came on */
  thoughtSignature?: string
  inlineData?: { mimeType: string; data: string }
  fileData?: { mimeType?: string; fileUri: string }
  functionCall?: GeminiFunctionCall
  functionResponse?: { name: string; response: JsonObject }
}

export type GeminiContent = { role: "user" | "model"; parts: Array<GeminiPart> }

export type GeminiFunctionDeclaration = { name: string; description?: string; parameters?: JsonObject }

/** A Tool: functions, or Google Search grounding (https://ai.google.dev/gemini-api/docs/google-search). */
export type GeminiTool = { functionDeclarations?: Array<GeminiFunctionDeclaration>; google_search?: Record<string, never> }

export type GeminiRequest = {
  contents: Array<GeminiContent>
  systemInstruction?: { parts: Array<GeminiPart> }
  tools?: Array<GeminiTool>
  toolConfig?: {
    functionCallingConfig: { mode: "AUTO" | "ANY" | "NONE"; allowedFunctionNames?: Array<string> }
  }
  generationConfig?: {
    maxOutputTokens?: number
    stopSequences?: Array<string>
    temperature?: number
    topP?: number
    topK?: number
    thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean }
  }
}

export type GeminiUsage = {
  readonly promptTokenCount: number
  readonly cachedContentTokenCount: number
  readonly candidatesTokenCount: number
  readonly thoughtsTokenCount: number
}

export const isRecord = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

const num = (u: unknown): number => (typeof u === "number" && Number.isFinite(u) ? u : 0)

export const readUsage = (u: unknown): GeminiUsage | undefined =>
  isRecord(u)
    ? {
      promptTokenCount: num(u["promptTokenCount"]),
      cachedContentTokenCount: num(u["cachedContentTokenCount"]),
      candidatesTokenCount: num(u["candidatesTokenCount"]),
      thoughtsTokenCount: num(u["thoughtsTokenCount"])
    }
    : undefined

/** A response part, keeping only what the translator understands (executableCode etc. are dropped). */
export const readPart = (u: unknown): GeminiPart | undefined => {
  if (!isRecord(u)) return undefined
  const part: GeminiPart = {}
  if (typeof u["text"] === "string") part.text = u["text"]
  if (u["thought"] === true) part.thought = true
  const sig = u["thoughtSignature"] ?? u["thought_signature"]
  if (typeof sig === "string" && sig.length > 0) part.thoughtSignature = sig
  const call = u["functionCall"]
  if (isRecord(call) && typeof call["name"] === "string") {
    part.functionCall = { name: call["name"], args: isRecord(call["args"]) ? call["args"] : {} }
  }
  return part
}

/** Whether a 2xx body looks like a generateContent response at all (and not, say, an HTML page). */
export const isGeminiBody = (body: JsonObject): boolean =>
  "candidates" in body || "promptFeedback" in body || "usageMetadata" in body || "responseId" in body

/** The first candidate of a response or stream chunk; `grounding` is its raw groundingMetadata (grounding.ts reads it). */
export type Candidate = {
  readonly parts: ReadonlyArray<GeminiPart>
  readonly finishReason: string | undefined
  readonly grounding: unknown
}

export const readCandidate = (body: JsonObject): Candidate | undefined => {
  const candidates = body["candidates"]
  if (!Array.isArray(candidates) || candidates.length === 0) return undefined
  const c: unknown = candidates[0]
  if (!isRecord(c)) return undefined
  const content = c["content"]
  const rawParts = isRecord(content) && Array.isArray(content["parts"]) ? content["parts"] : []
  const parts: Array<GeminiPart> = []
  for (const p of rawParts) {
    const part = readPart(p)
    if (part !== undefined) parts.push(part)
  }
  const finish = c["finishReason"]
  return { parts, finishReason: typeof finish === "string" && finish.length > 0 ? finish : undefined, grounding: c["groundingMetadata"] }
}

/** `promptFeedback.blockReason`: the prompt itself was refused and no candidate exists. */
export const readBlockReason = (body: JsonObject): string | undefined => {
  const feedback = body["promptFeedback"]
  const reason = isRecord(feedback) ? feedback["blockReason"] : undefined
  return typeof reason === "string" && reason.length > 0 ? reason : undefined
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** Anthropic-looking ids (`toolu_...`, `msg_...`); Gemini gives none we could reuse. */
export const randomId = (prefix: string, length = 24): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let s = prefix
  for (const b of bytes) s += ALPHABET.charAt(b % ALPHABET.length)
  return s
}
