/**
 * A provider's key pool on its card: one line per key (masked, its note and weight, its state and
 * last 24 hours), a reset for a key that cooled down or was set aside, a remove, an inline weight and
 * note edit, and a small form to add a key. A key is addressed by its id (`kid_…`) where health gave
 * one, so a list changed meanwhile by another admin never hits the wrong key.
 */
import type { PoolKeyInput } from "../../src/Admin/Api.js"
import { api, errorMessage } from "./AdminClient.js"
import { field, h, toast } from "./Dom.js"
import { showIssues } from "./Issues.js"
import { loaded, type Provider, type ProviderHealth, readOnlyNote, refresh } from "./State.js"

type PoolKey = NonNullable<Provider["keys"]>[number]
type KeyHealth = NonNullable<ProviderHealth["keys"]>[number]
type KeyInput = typeof PoolKeyInput.Type

/** The formats whose keys may be AWS key pairs. */
const AWS_FORMATS: ReadonlyArray<string> = ["bedrock", "claude-platform-aws"]

const act = (promise: Promise<unknown>, done: string) =>
  promise.then(refresh).then(() => toast(done), (e: unknown) => toast(errorMessage(e)))

const isToday = (ms: number) => new Date(ms).toDateString() === new Date().toDateString()
const when = (ms: number) =>
  isToday(ms) ? new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : new Date(ms).toLocaleString([], { dateStyle: "short", timeStyle: "short" })
const count = (n: number, what: string) => `${n.toLocaleString()} ${what}${n === 1 ? "" : "s"}`

/** The key as the page names it: masked by the API (an AWS pair by its access key id). */
const labelOf = (k: PoolKey) => k.key ?? `AWS ${k.aws?.accessKeyId ?? ""}`

const stateText = (kh: KeyHealth | undefined) => {
  if (kh === undefined || kh.state === "available") return "available"
  if (kh.state === "cooling") return `cooling until ${when(kh.until ?? 0)}${kh.status ? ` (${kh.status})` : ""}`
  return `set aside: ${kh.status ?? "refused"} since ${when(kh.since ?? 0)}`
}

const usageText = (kh: KeyHealth | undefined) => {
  if (kh === undefined || kh.last24h.requests === 0) return "no requests in 24 h"
  const u = kh.last24h
  return `${count(u.requests, "request")}, ${count(u.errors, "error")}, ${u.inputTokens.toLocaleString()} in / ${u.outputTokens.toLocaleString()} out tokens in 24 h`
}

/** The key as it was read, with a new weight and note: its masked secret sent back keeps the stored one. */
const withWeightAndNote = (k: PoolKey, weight: string, note: string): KeyInput => ({
  ...(k.key === undefined ? {} : { key: k.key }),
  ...(k.aws === undefined ? {} : { aws: k.aws }),
  ...(weight.trim() === "" ? {} : { weight: Number(weight) }),
  ...(note.trim() === "" ? {} : { note: note.trim() })
})

const keyLine = (p: Provider, k: PoolKey, i: number, kh: KeyHealth | undefined, total: number) => {
  const n = i + 1
  const label = labelOf(k)
  const path = { path: { name: p.name, ref: kh?.id ?? String(i) } }
  const state = kh?.state ?? "available"
  const locked = readOnlyNote() !== ""
  const weight = h("input", { type: "number", min: "0.001", max: "1000", step: "any", value: k.weight === undefined ? "" : String(k.weight),
    placeholder: "1", inputmode: "decimal", "aria-label": `Weight of key ${n} of ${p.name}` })
  const note = h("input", { value: k.note ?? "", maxlength: "200", autocomplete: "off", placeholder: "note", "aria-label": `Note of key ${n} of ${p.name}` })
  const save = () =>
    void act(api((c) => c.keys.updateKey({ ...path, payload: withWeightAndNote(k, weight.value, note.value) })), `Key ${n} of ${p.name} saved`)
  const remove = () => {
    if (confirm(`Remove key ${label} from ${p.name}?`)) void act(api((c) => c.keys.deleteKey(path)), `Key ${label} removed from ${p.name}`)
  }
  return h("li", { class: "pool-key", "data-key": kh?.id ?? String(i) },
    h("div", { class: "pool-key-head" },
      h("code", { text: label }),
      h("span", { class: `key-state ${state}`, text: stateText(kh) }),
      h("span", { class: "muted", text: usageText(kh) })),
    h("div", { class: "row" }, weight, note,
      // The API ends a changed key's cooldown or set-aside: say so where it would happen.
      h("button", { type: "button", text: "Save", disabled: locked, "aria-label": `Save weight and note of key ${n} of ${p.name}`,
        title: state === "available" ? null : "Saving also ends this key's cooldown or set-aside", onclick: save }),
      state === "available" ? null : h("button", { type: "button", text: "Reset", "aria-label": `Reset key ${n} of ${p.name}`,
        onclick: () => void act(api((c) => c.health.resetKeyHealth(path)), `Key ${label} of ${p.name} reset`) }),
      h("button", { type: "button", class: "danger", text: "Remove", disabled: locked || total === 1, "aria-label": `Remove key ${n} of ${p.name}`,
        title: total === 1 ? "A pool keeps at least one key" : null, onclick: remove })))
}

/** What was typed into a provider's add-key form, kept across a redraw of the list (live health). */
const drafts = new Map<string, Record<string, string>>()

const addKeyForm = (p: Provider, index: number) => {
  const draft = drafts.get(p.name) ?? {}
  drafts.set(p.name, draft)
  const input = (name: string, props: Record<string, string>) => {
    const el = h("input", { autocomplete: "off", ...props, value: draft[name] ?? "" })
    el.addEventListener("input", () => (draft[name] = el.value))
    return el
  }
  const key = input("key", { type: "password", placeholder: "sk-..." })
  const accessKeyId = input("accessKeyId", { placeholder: "AKIA…" })
  const secret = input("secret", { type: "password" })
  const weight = input("weight", { type: "number", min: "0.001", max: "1000", step: "any", placeholder: "1", inputmode: "decimal" })
  const note = input("note", { maxlength: "200", placeholder: "whose key, which plan" })
  const aws = AWS_FORMATS.includes(p.format)
  const form = h("form", { class: "add-key", novalidate: true, "aria-label": `Add a key to ${p.name}` },
    h("fieldset", {}, h("legend", { text: "Add a key" }),
      h("div", { class: "grid" },
        field("Key", key, "key", aws ? "An API key, or an AWS key pair." : null),
        aws ? [field("AWS access key id", accessKeyId, "aws.accessKeyId"), field("AWS secret access key", secret, "aws.secretAccessKey")] : null,
        field("Weight", weight, "weight", "Its share of conversations (default 1)."),
        field("Note", note, "note")),
      h("p", { class: "form-error error", role: "alert" }),
      h("div", { class: "row" }, h("button", { type: "submit", text: "Add key", disabled: readOnlyNote() !== "" }))))
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const awsPair = accessKeyId.value.trim() !== "" || secret.value.trim() !== ""
    const payload: KeyInput = {
      ...(awsPair ? { aws: { accessKeyId: accessKeyId.value.trim(), secretAccessKey: secret.value.trim() } } : { key: key.value.trim() }),
      ...(weight.value.trim() === "" ? {} : { weight: Number(weight.value) }),
      ...(note.value.trim() === "" ? {} : { note: note.value.trim() })
    }
    try {
      await api((c) => c.keys.addKey({ path: { name: p.name }, payload }))
      // The secret leaves the page's memory once it is stored.
      drafts.delete(p.name)
      form.reset()
      await refresh()
      toast(`Key added to ${p.name}`)
    } catch (e) {
      showIssues(form, e, `providers[${index}].keys[${p.keys?.length ?? 1}]`)
    }
  })
  return form
}

/**
 * The card's Keys section: the pool's lines and the add form; for a provider with one stored key (or
 * AWS pair), only the form, folded: adding makes a pool of the stored key and the new one. A
 * provider that forwards the caller's key, or signs with a service account, has no pool.
 */
export const poolSection = (p: Provider, hl: ProviderHealth | undefined) => {
  const index = loaded().doc.providers.findIndex((x) => x.name === p.name)
  const keys = p.keys ?? []
  if (keys.length === 0) {
    if (p.format === "vertex" || (p.apiKey === undefined && p.aws === undefined)) return null
    return h("details", { class: "pool" },
      h("summary", { text: "Add a key (spread requests over a pool of keys)" }),
      h("p", { class: "hint", text: "The stored key becomes the pool's first key." }),
      addKeyForm(p, index))
  }
  // Health lists the keys in config order; read at the same time as the document.
  const health = hl?.keys?.length === keys.length ? hl.keys : undefined
  return h("div", { class: "pool" },
    h("h4", { text: `Keys (${keys.length})` }),
    h("ul", { class: "pool-keys", "aria-label": `Keys of ${p.name}` },
      keys.map((k, i) => keyLine(p, k, i, health?.[i], keys.length))),
    addKeyForm(p, index))
}
