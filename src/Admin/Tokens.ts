/**
 * `/admin/api/tokens`: access tokens. They are generated here and shown in plain once, in the answer
 * that creates them; every other read masks them. A token is addressed by its id (derived from the
 * token, so it stays right while other tokens come and go: two admins at once cannot revoke the
 * wrong one) or, for scripts, by its position in the list.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Encoding } from "effect"
import type { ConfigDocumentEncoded } from "../Config/Document.js"
import { AdminApi, NotFound, TokenCreate, TokenNote } from "./Api.js"
import { answerEtag, decodeBody, masked, readCurrent, update } from "./Edit.js"

type TokenEncoded = NonNullable<ConfigDocumentEncoded["accessTokens"]>[number]

/** `cfo_` and 24 random bytes, base64url: 192 bits, nothing to guess. */
export const generateToken = (): string => {
  const bytes = new Uint8Array(24)
  crypto.getRandomValues(bytes)
  return `cfo_${Encoding.encodeBase64Url(bytes)}`
}

const tokensOf = (document: ConfigDocumentEncoded): ReadonlyArray<TokenEncoded> => document.accessTokens ?? []

/** `tid_` and 12 hex digits of the token's SHA-256: stable, and it reveals nothing of the token. */
export const tokenId = (token: string): Effect.Effect<string> =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))).pipe(
    Effect.map((digest) => `tid_${Encoding.encodeHex(new Uint8Array(digest)).slice(0, 12)}`)
  )

const listOf = (document: ConfigDocumentEncoded) =>
  Effect.forEach(tokensOf(document), (t) => tokenId(t.token)).pipe(
    Effect.map((ids) => ({ tokens: tokensOf(masked(document)).map((t, index) => ({ ...t, index, id: ids[index]! })) }))
  )

/** The position of the token `ref` names: its id, or its index. */
const indexOf = (document: ConfigDocumentEncoded, ref: string): Effect.Effect<number, NotFound> =>
  Effect.gen(function*() {
    const tokens = tokensOf(document)
    if (/^\d{1,6}$/.test(ref) && Number(ref) < tokens.length) return Number(ref)
    if (/^tid_[0-9a-f]{12}$/.test(ref)) {
      const ids = yield* Effect.forEach(tokens, (t) => tokenId(t.token))
      const at = ids.indexOf(ref)
      if (at !== -1) return at
    }
    return yield* Effect.fail(NotFound.of(`no access token ${JSON.stringify(ref)}`))
  })

const withTokens = (document: ConfigDocumentEncoded, accessTokens: ReadonlyArray<TokenEncoded>) => ({
  ...document,
  accessTokens
})

export const TokensLive = HttpApiBuilder.group(AdminApi, "tokens", (handlers) =>
  handlers
    .handle("listTokens", () =>
      readCurrent.pipe(Effect.tap((c) => answerEtag(c.etag)), Effect.flatMap((c) => listOf(c.document)), Effect.withSpan("Admin.listTokens")))
    .handleRaw(
      "createToken",
      Effect.fn("Admin.createToken")(function*({ request }) {
        const fields = yield* decodeBody(TokenCreate, request, ["accessTokens", tokensOf((yield* readCurrent).document).length])
        const token = generateToken()
        const stored = yield* update(({ document }) => Effect.succeed(withTokens(document, [...tokensOf(document), { ...fields, token }])))
        const index = tokensOf(stored).findIndex((t) => t.token === token)
        const created = tokensOf(stored)[index]!
        return { ...created, index, id: yield* tokenId(created.token) }
      })
    )
    .handle(
      "deleteToken",
      Effect.fn("Admin.deleteToken")(function*({ path }) {
        return yield* listOf(
          yield* update(({ document }) =>
            Effect.map(indexOf(document, path.ref), (index) => withTokens(document, tokensOf(document).filter((_, i) => i !== index))))
        )
      })
    )
    .handleRaw(
      "setTokenNote",
      Effect.fn("Admin.setTokenNote")(function*({ path, request }) {
        const { note } = yield* decodeBody(TokenNote, request, ["accessTokens", yield* indexOf((yield* readCurrent).document, path.ref)])
        return yield* listOf(
          yield* update(({ document }) =>
            Effect.map(indexOf(document, path.ref), (index) =>
              withTokens(document, tokensOf(document).map((t, i) => {
                if (i !== index) return t
                const { note: _, ...rest } = t
                return note === undefined || note.trim() === "" ? rest : { ...rest, note }
              }))))
        )
      })
    ))
