/**
 * `/admin/api/providers`: the chain, one provider at a time. Every change is made to the whole stored
 * document and goes through the same validation as a full PUT, so the document's rules always hold.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { ConfigDocumentEncoded } from "../Config/Document.js"
import { isMasked, mask } from "../Config/Masking.js"
import { mapSecrets, storedFor } from "../Config/ProviderSecrets.js"
import { Health } from "../Health/Health.js"
import { AdminApi, Conflict, EnabledInput, NotFound, ProviderInput, ProviderTestInput, Reorder } from "./Api.js"
import { answerEtag, decodeBody, invalid, masked, readCurrent, update } from "./Edit.js"
import * as ProviderTest from "./ProviderTest.js"

type ProviderEncoded = ConfigDocumentEncoded["providers"][number]

const listOf = (document: ConfigDocumentEncoded) => ({ providers: masked(document).providers })

const indexOf = (document: ConfigDocumentEncoded, name: string): Effect.Effect<number, NotFound> => {
  const index = document.providers.findIndex((p) => p.name === name)
  return index < 0 ? Effect.fail(NotFound.of(`no provider named "${name}"`)) : Effect.succeed(index)
}

/** On a second attempt (another write came first), a provider that was there and is gone is a conflict. */
const stillThere = (document: ConfigDocumentEncoded, name: string, attempt: number): Effect.Effect<number, NotFound | Conflict> =>
  attempt === 0
    ? indexOf(document, name)
    : Effect.mapError(indexOf(document, name), () => Conflict.of(`provider "${name}" was changed by another write meanwhile`))

/** A name another provider holds (names are unique whatever their case). */
const nameTaken = (document: ConfigDocumentEncoded, name: string, except: number = -1): Effect.Effect<void, Conflict> =>
  document.providers.some((p, i) => i !== except && p.name.toLowerCase() === name.toLowerCase())
    ? Effect.fail(Conflict.of(`a provider named "${name}" exists`))
    : Effect.void

/** A secret sent back exactly as it was read means "keep the stored one", even when the provider is renamed. */
const keepMaskedKey = (incoming: ProviderEncoded, previous: ProviderEncoded): ProviderEncoded =>
  mapSecrets(incoming, (value, path) => (isMasked(value) ? storedFor(previous, path, value, mask) ?? value : value))

const withProviders = (document: ConfigDocumentEncoded, providers: ReadonlyArray<ProviderEncoded>) => ({
  ...document,
  providers
})

const resetHealth = (...names: ReadonlyArray<string>) =>
  Effect.flatMap(Health, (health) => Effect.forEach(new Set(names), (name) => health.reset(name), { discard: true }))

export const ProvidersLive = HttpApiBuilder.group(AdminApi, "providers", (handlers) =>
  handlers
    .handle("listProviders", () =>
      readCurrent.pipe(Effect.tap((c) => answerEtag(c.etag)), Effect.map((c) => listOf(c.document)), Effect.withSpan("Admin.listProviders")))
    .handleRaw(
      "addProvider",
      Effect.fn("Admin.addProvider")(function*({ request }) {
        const provider = yield* decodeBody(ProviderInput, request, ["providers", (yield* readCurrent).document.providers.length])
        return listOf(
          yield* update(({ document }) =>
            Effect.as(nameTaken(document, provider.name), withProviders(document, [...document.providers, provider])))
        )
      })
    )
    .handleRaw(
      "updateProvider",
      Effect.fn("Admin.updateProvider")(function*({ path, request }) {
        const incoming = yield* decodeBody(ProviderInput, request, ["providers", yield* indexOf((yield* readCurrent).document, path.name)])
        let previousName = path.name
        const stored = yield* update(({ document }, attempt) =>
          Effect.gen(function*() {
            const index = yield* stillThere(document, path.name, attempt)
            yield* nameTaken(document, incoming.name, index)
            const previous = document.providers[index]!
            previousName = previous.name
            const provider = keepMaskedKey(incoming, previous)
            return withProviders(document, document.providers.map((p, i) => (i === index ? provider : p)))
          })
        )
        // The breaker state described the provider as it was.
        yield* resetHealth(previousName, incoming.name)
        return listOf(stored)
      })
    )
    .handle(
      "deleteProvider",
      Effect.fn("Admin.deleteProvider")(function*({ path }) {
        const stored = yield* update(({ document }) =>
          Effect.map(indexOf(document, path.name), (index) => withProviders(document, document.providers.filter((_, i) => i !== index)))
        )
        yield* resetHealth(path.name)
        return listOf(stored)
      })
    )
    .handleRaw(
      "reorderProviders",
      Effect.fn("Admin.reorderProviders")(function*({ request }) {
        const { names } = yield* decodeBody(Reorder, request)
        return listOf(
          yield* update(({ document }) => {
            const current = document.providers.map((p) => p.name)
            const byName = new Map(document.providers.map((p) => [p.name, p]))
            if (names.length !== current.length || new Set(names).size !== names.length || !names.every((n) => byName.has(n))) {
              return invalid([{ path: ["names"], message: `must list every provider once: ${current.join(", ")}` }])
            }
            return Effect.succeed(withProviders(document, names.map((n) => byName.get(n)!)))
          })
        )
      })
    )
    .handleRaw(
      "setProviderEnabled",
      Effect.fn("Admin.setProviderEnabled")(function*({ path, request }) {
        const { enabled } = yield* decodeBody(EnabledInput, request, ["providers", yield* indexOf((yield* readCurrent).document, path.name)])
        return listOf(
          yield* update(({ document }, attempt) =>
            Effect.map(stillThere(document, path.name, attempt), (index) =>
              withProviders(document, document.providers.map((p, i) => (i === index ? { ...p, enabled } : p))))
          )
        )
      })
    )
    .handleRaw(
      "testProvider",
      Effect.fn("Admin.testProviderRequest")(function*({ path, request }) {
        const { decoded } = yield* readCurrent
        const config = decoded.providers.find((p) => p.name === path.name)
        if (config === undefined) return yield* Effect.fail(NotFound.of(`no provider named "${path.name}"`))
        const { apiKey } = yield* decodeBody(ProviderTestInput, request)
        return yield* ProviderTest.run(config, apiKey)
      })
    ))
