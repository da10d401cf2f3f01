/**
 * Secrets never leave through the admin API in the clear. A read masks every stored key and access
 * token; a write that sends a masked value back unchanged keeps the stored secret, so
 * GET -> edit -> PUT round-trips without the user ever seeing (or retyping) a key.
 */
import type { ConfigDocumentEncoded } from "./Document.js"

const ELLIPSIS = "\u2026"

/** `sk-ant-api03-abc...c1a9` -> `sk-…c1a9`; short secrets keep even less. */
export const mask = (secret: string): string =>
  secret.length >= 12 ? `${secret.slice(0, 3)}${ELLIPSIS}${secret.slice(-4)}` : `${ELLIPSIS}${secret.slice(-2)}`

export const isMasked = (value: string): boolean => value.includes(ELLIPSIS)

type Doc = ConfigDocumentEncoded

export const maskDocument = (doc: Doc): Doc => ({
  ...doc,
  providers: doc.providers.map((p) => (p.apiKey === undefined ? p : { ...p, apiKey: mask(p.apiKey) })),
  ...(doc.accessTokens === undefined ? {} : {
    accessTokens: doc.accessTokens.map((t) => ({ ...t, token: mask(t.token) }))
  })
})

export interface UnmaskProblem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/**
 * Replace masked values in an incoming document with the stored secrets they stand for. A provider's
 * masked key is matched by provider name; a masked token by its mask among the stored tokens. A masked
 * value that matches nothing stored is a problem (the user pasted a mask as if it were a key).
 */
export const unmaskDocument = (
  incoming: unknown,
  stored: Doc
): { readonly document: unknown; readonly problems: ReadonlyArray<UnmaskProblem> } => {
  if (typeof incoming !== "object" || incoming === null) return { document: incoming, problems: [] }
  const problems: Array<UnmaskProblem> = []
  const doc = { ...(incoming as Record<string, unknown>) }
  if (Array.isArray(doc.providers)) {
    doc.providers = doc.providers.map((p: unknown, i) => {
      if (typeof p !== "object" || p === null) return p
      const provider = p as Record<string, unknown>
      if (typeof provider.apiKey !== "string" || !isMasked(provider.apiKey)) return p
      const match = stored.providers.find((s) => s.name === provider.name && s.apiKey !== undefined)
      if (match?.apiKey !== undefined && mask(match.apiKey) === provider.apiKey) return { ...provider, apiKey: match.apiKey }
      problems.push({
        path: ["providers", i, "apiKey"],
        message: "masked key does not match the stored key of a provider with this name; send the real key"
      })
      return p
    })
  }
  if (Array.isArray(doc.accessTokens)) {
    doc.accessTokens = doc.accessTokens.map((t: unknown, i) => {
      if (typeof t !== "object" || t === null) return t
      const token = t as Record<string, unknown>
      if (typeof token.token !== "string" || !isMasked(token.token)) return t
      const matches = (stored.accessTokens ?? []).filter((s) => mask(s.token) === token.token)
      if (matches.length === 1 && matches[0] !== undefined) return { ...token, token: matches[0].token }
      problems.push({
        path: ["accessTokens", i, "token"],
        message: matches.length === 0 ? "masked token matches no stored token" : "masked token is ambiguous"
      })
      return t
    })
  }
  return { document: doc, problems }
}
