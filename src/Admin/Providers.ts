/**
 * `/admin/api/providers`: the chain, one provider at a time. Every change is made to the whole stored
 * document and goes through the same validation as a full PUT, so the document's rules always hold.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { ConfigDocumentEncoded } from "../Config/Document.js"
import { isMasked, mask } from "../Config/Masking.js"
import { Health } from "../Health/Health.js"
import { AdminApi, EnabledInput, NotFound, ProviderInput, ProviderTestInput, Reorder } from "./Api.js"
import { decodeBody, invalid, masked, readCurrent, update } from "./Edit.js"
import * as ProviderTest from "./ProviderTest.js"

type ProviderEncoded = ConfigDocumentEncoded["providers"][number]

const listOf = (document: ConfigDocumentEncoded) => ({ providers: masked(document).providers })

const indexOf = (document: ConfigDocumentEncoded, name: string): Effect.Effect<number, NotFound> => {
  const index = document.providers.findIndex((p) => p.name === name)
  return index < 0 ? Effect.fail(NotFound.of(`no provider named "${name}"`)) : Effect.succeed(index)
}

/** A key sent back exactly as it was read means "keep the stored key", even when the provider is renamed. */
const keepMaskedKey = (incoming: ProviderEncoded, previous: ProviderEncoded): ProviderEncoded =>
  incoming.apiKey !== undefined && isMasked(incoming.apiKey) && previous.apiKey !== undefined &&
    mask(previous.apiKey) === incoming.apiKey
    ? { ...incoming, apiKey: previous.apiKey }
    : incoming

const withProviders = (document: ConfigDocumentEncoded, providers: ReadonlyArray<ProviderEncoded>) => ({
  ...document,
  providers
})

const resetHealth = (...names: ReadonlyArray<string>) =>
  Effect.flatMap(Health, (health) => Effect.forEach(new Set(names), (name) => health.reset(name), { discard: true }))

export const ProvidersLive = HttpApiBuilder.group(AdminApi, "providers", (handlers) =>
  handlers
    .handle("listProviders", () => readCurrent.pipe(Effect.map((c) => listOf(c.document)), Effect.withSpan("Admin.listProviders")))
    .handleRaw(
      "addProvider",
      Effect.fn("Admin.addProvider")(function*({ request }) {
        const provider = yield* decodeBody(ProviderInput, request, ["providers", (yield* readCurrent).document.providers.length])
        return listOf(yield* update(({ document }) => Effect.succeed(withProviders(document, [...document.providers, provider]))))
      })
    )
    .handleRaw(
      "updateProvider",
      Effect.fn("Admin.updateProvider")(function*({ path, request }) {
        const incoming = yield* decodeBody(ProviderInput, request, ["providers", yield* indexOf((yield* readCurrent).document, path.name)])
        let previousName = path.name
        const stored = yield* update(({ document }) =>
          Effect.map(indexOf(document, path.name), (index) => {
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
          yield* update(({ document }) =>
            Effect.map(indexOf(document, path.name), (index) =>
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
