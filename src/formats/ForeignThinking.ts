/**
 * Thinking blocks made by a non-Anthropic provider carry a signature Anthropic cannot verify. We mark
 * them with a recognisable prefix so that, before the history goes back to an Anthropic-format
 * provider, they can be removed up front (Anthropic answers 400 "Invalid signature" otherwise), while
 * a translator can still read its own payload back (e.g. a Gemini thoughtSignature).
 */
const PREFIX = "cfo1."

/** The formats that sign thinking blocks this way (the byte scan looks for each one's prefix). */
export const SIGNING_FORMATS = ["openai", "gemini", "openai-responses"] as const

export const foreignSignature = (format: string, payload = ""): string => `${PREFIX}${format}.${payload}`

export const isForeignSignature = (signature: string | undefined): boolean =>
  signature !== undefined && signature.startsWith(PREFIX)

/** The payload of a signature this translator made, or undefined if it is not ours. */
export const foreignPayload = (format: string, signature: string | undefined): string | undefined => {
  const head = `${PREFIX}${format}.`
  return signature !== undefined && signature.startsWith(head) ? signature.slice(head.length) : undefined
}
