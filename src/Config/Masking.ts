/**
 * Secrets never leave through the admin API in the clear. A read masks every stored key and access
 * token; a write that sends a masked value back unchanged keeps the stored secret, so
 * GET -> edit -> PUT round-trips without the user ever seeing (or retyping) a key.
 */
import type { ConfigDocumentEncoded } from "./Document.js"
import { getSecret, mapSecrets, secretPaths, setSecret, storedFor } from "./ProviderSecrets.js"

const ELLIPSIS = "\u2026"

const PEM = /^\s*(-----BEGIN [A-Z ]+-----)([\s\S]+?)(-----END [A-Z ]+-----)\s*$/

/** `sk-ant-api03-abc...c1a9` -> `sk-…c1a9`; short secrets keep even less. A PEM key keeps its armour
 * (so the masked document is still shaped like one) around the last characters of its body. */
export const mask = (secret: string): string => {
  const pem = PEM.exec(secret.replace(/\\n/g, "\n"))
  if (pem !== null) return `${pem[1]}\n${ELLIPSIS}${pem[2]!.replace(/\s+/g, "").slice(-4)}\n${pem[3]}\n`
  return secret.length >= 12 ? `${secret.slice(0, 3)}${ELLIPSIS}${secret.slice(-4)}` : `${ELLIPSIS}${secret.slice(-2)}`
}

export const isMasked = (value: string): boolean => value.includes(ELLIPSIS)

type Doc = ConfigDocumentEncoded

export const maskDocument = (doc: Doc): Doc => ({
  ...doc,
  providers: doc.providers.map((p) => mapSecrets(p, mask)),
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
 * masked key is matched by provider name (a pooled key by its mask among that provider's keys); a masked token by its mask among the stored tokens. A masked
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
      const match = stored.providers.find((s) => s.name === (p as { name?: unknown }).name)
      let provider = p
      for (const path of secretPaths(provider)) {
        const sent = getSecret(provider, path)
        if (sent === undefined || !isMasked(sent)) continue
        const kept = match === undefined ? undefined : storedFor(match, path, sent, mask)
        if (kept !== undefined) {
          provider = setSecret(provider, path, kept)
          continue
        }
        problems.push({
          path: ["providers", i, ...path],
          message: "masked value does not match the stored secret of a provider with this name; send the real value"
        })
      }
      return provider
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
