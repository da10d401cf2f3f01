/**
 * The reasoning round trip of the Responses API. A reasoning item may go back only to the provider
 * (and key) that produced it — anywhere else it is a 400 (`invalid_encrypted_content`). So the
 * thinking block we hand Claude Code carries, in our foreign-signature form, a tag of the provider
 * that made it, the item's id and its `encrypted_content`; the next request to the same provider turns
 * it back into that `reasoning` item, and every other provider drops it.
 */
import { foreignPayload, foreignSignature } from "../ForeignThinking.js"
import type { TranslateProvider } from "../Format.js"
import { fnv1a } from "../openai/toolNames.js"

export const FORMAT = "openai-responses"

/** Who produced an item: the provider's name, endpoint and key, hashed (the key never leaves). */
export const providerTag = (provider: TranslateProvider): string =>
  fnv1a(`${provider.name}\n${provider.baseUrl}\n${provider.apiKey ?? ""}`)

export interface ReasoningItem {
  readonly id: string
  readonly encryptedContent: string
}

/** The signature of a thinking block made from a reasoning item (payload may be empty: no item). */
export const reasoningSignature = (tag: string, item: { readonly id?: string | undefined; readonly encryptedContent?: string | undefined }): string =>
  item.id !== undefined && item.id !== "" && item.encryptedContent !== undefined && item.encryptedContent !== ""
    ? foreignSignature(FORMAT, `${tag}.${item.id}.${item.encryptedContent}`)
    : foreignSignature(FORMAT, tag)

/** The reasoning item a signature carries, when it was made by the provider with this tag. */
export const reasoningItem = (tag: string, signature: string | undefined): ReasoningItem | undefined => {
  const payload = foreignPayload(FORMAT, signature)
  if (payload === undefined || !payload.startsWith(`${tag}.`)) return undefined
  const rest = payload.slice(tag.length + 1)
  const dot = rest.indexOf(".")
  if (dot <= 0 || dot === rest.length - 1) return undefined
  return { id: rest.slice(0, dot), encryptedContent: rest.slice(dot + 1) }
}
