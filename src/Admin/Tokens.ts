/**
 * `/admin/api/tokens`: access tokens. They are generated here and shown in plain once, in the answer
 * that creates them; every other read masks them. A token is addressed by its position in the list.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Encoding } from "effect"
import type { ConfigDocumentEncoded } from "../Config/Document.js"
import { AdminApi, NotFound, TokenCreate, TokenNote } from "./Api.js"
import { commit, decodeBody, masked, readCurrent } from "./Edit.js"

type TokenEncoded = NonNullable<ConfigDocumentEncoded["accessTokens"]>[number]

/** `cfo_` and 24 random bytes, base64url: 192 bits, nothing to guess. */
export const generateToken = (): string => {
  const bytes = new Uint8Array(24)
  crypto.getRandomValues(bytes)
  return `cfo_${Encoding.encodeBase64Url(bytes)}`
}

const tokensOf = (document: ConfigDocumentEncoded): ReadonlyArray<TokenEncoded> => document.accessTokens ?? []

const listOf = (document: ConfigDocumentEncoded) => ({
  tokens: tokensOf(masked(document)).map((t, index) => ({ ...t, index }))
})

const indexOf = (document: ConfigDocumentEncoded, index: string): Effect.Effect<number, NotFound> => {
  const n = /^\d{1,6}$/.test(index) ? Number(index) : -1
  return n >= 0 && n < tokensOf(document).length
    ? Effect.succeed(n)
    : Effect.fail(NotFound.of(`no access token at index ${JSON.stringify(index)}`))
}

const withTokens = (document: ConfigDocumentEncoded, accessTokens: ReadonlyArray<TokenEncoded>) => ({
  ...document,
  accessTokens
})

export const TokensLive = HttpApiBuilder.group(AdminApi, "tokens", (handlers) =>
  handlers
    .handle("listTokens", () => readCurrent.pipe(Effect.map((c) => listOf(c.document)), Effect.withSpan("Admin.listTokens")))
    .handleRaw(
      "createToken",
      Effect.fn("Admin.createToken")(function*({ request }) {
        const { document } = yield* readCurrent
        const index = tokensOf(document).length
        const fields = yield* decodeBody(TokenCreate, request, ["accessTokens", index])
        const stored = yield* commit(withTokens(document, [...tokensOf(document), { ...fields, token: generateToken() }]), document)
        return { ...tokensOf(stored)[index]!, index }
      })
    )
    .handle(
      "deleteToken",
      Effect.fn("Admin.deleteToken")(function*({ path }) {
        const { document } = yield* readCurrent
        const index = yield* indexOf(document, path.index)
        return listOf(yield* commit(withTokens(document, tokensOf(document).filter((_, i) => i !== index)), document))
      })
    )
    .handleRaw(
      "setTokenNote",
      Effect.fn("Admin.setTokenNote")(function*({ path, request }) {
        const { document } = yield* readCurrent
        const index = yield* indexOf(document, path.index)
        const { note } = yield* decodeBody(TokenNote, request, ["accessTokens", index])
        const tokens = tokensOf(document).map((t, i) => {
          if (i !== index) return t
          const { note: _, ...rest } = t
          return note === undefined || note.trim() === "" ? rest : { ...rest, note }
        })
        return listOf(yield* commit(withTokens(document, tokens), document))
      })
    ))
