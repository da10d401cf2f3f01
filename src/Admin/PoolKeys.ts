/**
 * `/admin/api/providers/:name/keys`: a provider's key pool, one key at a time, so a key is added,
 * reweighted or removed without sending the others (their secrets never leave masked). A key is
 * addressed by its id (`kid_…`, from a hash of it) or its position. Every change goes through the
 * same whole-document validation as any other write.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { ConfigDocumentEncoded } from "../Config/Document.js"
import { Health } from "../Health/Health.js"
import { keyIdOf } from "../Pool/KeyPool.js"
import { AdminApi, NotFound, PoolKeyInput } from "./Api.js"
import { answerEtag, decodeBody, masked, readCurrent, update } from "./Edit.js"

type ProviderEncoded = ConfigDocumentEncoded["providers"][number]
type KeyEncoded = NonNullable<ProviderEncoded["keys"]>[number]

const providerIndex = (document: ConfigDocumentEncoded, name: string): Effect.Effect<number, NotFound> => {
  const index = document.providers.findIndex((p) => p.name === name)
  return index < 0 ? Effect.fail(NotFound.of(`no provider named "${name}"`)) : Effect.succeed(index)
}

const keysOf = (provider: ProviderEncoded): ReadonlyArray<KeyEncoded> => provider.keys ?? []

const idsOf = (provider: ProviderEncoded) => Effect.forEach(keysOf(provider), (k) => Effect.promise(() => keyIdOf(k)))

/** The pool of `name` as stored, masked, each key with its id. */
const listOf = (document: ConfigDocumentEncoded, name: string) =>
  Effect.gen(function*() {
    const index = yield* providerIndex(document, name)
    const ids = yield* idsOf(document.providers[index]!)
    return { keys: keysOf(masked(document).providers[index]!).map((k, i) => ({ ...k, index: i, id: ids[i]! })) }
  })

/** The position of the key `ref` names (its id or its index) in the provider's pool. */
const keyIndex = (provider: ProviderEncoded, ref: string): Effect.Effect<number, NotFound> =>
  Effect.gen(function*() {
    const keys = keysOf(provider)
    if (/^\d{1,3}$/.test(ref) && Number(ref) < keys.length) return Number(ref)
    const at = (yield* idsOf(provider)).indexOf(ref)
    if (at !== -1) return at
    return yield* Effect.fail(NotFound.of(`provider "${provider.name}" has no key ${JSON.stringify(ref)}`))
  })

/** The provider with its pool replaced; a single apiKey or aws pair becomes the pool's first key. */
const withKeys = (provider: ProviderEncoded, change: (keys: ReadonlyArray<KeyEncoded>) => ReadonlyArray<KeyEncoded>): ProviderEncoded => {
  const { apiKey, aws, keys: _keys, ...rest } = provider
  const existing = provider.keys ?? (apiKey !== undefined ? [{ key: apiKey }] : aws !== undefined ? [{ aws }] : [])
  // A pool stays with the fields it had; the moved credential is no longer the provider's own.
  const kept = provider.keys === undefined ? rest : { ...rest, ...(apiKey === undefined ? {} : { apiKey }), ...(aws === undefined ? {} : { aws }) }
  return { ...kept, keys: change(existing) }
}

const replaceProvider = (document: ConfigDocumentEncoded, index: number, provider: ProviderEncoded): ConfigDocumentEncoded => ({
  ...document,
  providers: document.providers.map((p, i) => (i === index ? provider : p))
})

/** A key's cooldown or set-aside ends when it changes or goes. */
const forget = (name: string, id: string) => Effect.flatMap(Health, (health) => health.credentialForgotten(name, id))

export const KeysLive = HttpApiBuilder.group(AdminApi, "keys", (handlers) =>
  handlers
    .handle("listKeys", ({ path }) =>
      readCurrent.pipe(Effect.tap((c) => answerEtag(c.etag)), Effect.flatMap((c) => listOf(c.document, path.name)), Effect.withSpan("Admin.listKeys")))
    .handleRaw(
      "addKey",
      Effect.fn("Admin.addKey")(function*({ path, request }) {
        const { document } = yield* readCurrent
        const index = yield* providerIndex(document, path.name)
        const key = yield* decodeBody(PoolKeyInput, request, ["providers", index, "keys", keysOf(document.providers[index]!).length])
        const stored = yield* update(({ document }) =>
          Effect.map(providerIndex(document, path.name), (i) => replaceProvider(document, i, withKeys(document.providers[i]!, (keys) => [...keys, key]))))
        return yield* listOf(stored, path.name)
      })
    )
    .handleRaw(
      "updateKey",
      Effect.fn("Admin.updateKey")(function*({ path, request }) {
        const current = yield* readCurrent
        const index = yield* providerIndex(current.document, path.name)
        const at = yield* keyIndex(current.document.providers[index]!, path.ref)
        const key = yield* decodeBody(PoolKeyInput, request, ["providers", index, "keys", at])
        // The key's position: a masked secret sent back stands for the stored one there.
        return yield* changeKey(path, (keys, j) => keys.map((k, n) => (n === j ? key : k)))
      })
    )
    .handle("deleteKey", Effect.fn("Admin.deleteKey")(({ path }) => changeKey(path, (keys, j) => keys.filter((_, n) => n !== j)))))

/**
 * One key changed or removed (`change` gets the pool and the key's position), on the latest document;
 * the key's state as it was is forgotten, everywhere. Answers the pool as stored.
 */
const changeKey = (
  path: { readonly name: string; readonly ref: string },
  change: (keys: ReadonlyArray<KeyEncoded>, at: number) => ReadonlyArray<KeyEncoded>
) =>
  Effect.gen(function*() {
    let before: string | undefined
    const stored = yield* update(({ document }) =>
      Effect.gen(function*() {
        const i = yield* providerIndex(document, path.name)
        const provider = document.providers[i]!
        const j = yield* keyIndex(provider, path.ref)
        before = (yield* idsOf(provider))[j]
        return replaceProvider(document, i, withKeys(provider, (keys) => change(keys, j)))
      })
    )
    if (before !== undefined) yield* forget(path.name, before)
    return yield* listOf(stored, path.name)
  })

/** The id of the key `ref` names in the stored document (for the health reset of one key). */
export const storedKeyId = (name: string, ref: string) =>
  Effect.gen(function*() {
    const { document } = yield* readCurrent
    const provider = document.providers[yield* providerIndex(document, name)]!
    return (yield* idsOf(provider))[yield* keyIndex(provider, ref)]!
  })
