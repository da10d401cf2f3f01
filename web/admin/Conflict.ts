/**
 * What happens when a save finds that the configuration changed since the page read it (412 to a
 * write sent with If-Match). What the user typed is kept; the page says what changed underneath and
 * offers to reload (dropping the edit) or to overwrite (sending the edit again against the version
 * now stored).
 */
import { api, ApiError } from "./AdminClient.js"
import { $, h } from "./Dom.js"
import { type Doc, refresh } from "./State.js"

/** A short account of what differs between two documents (as the API shows them, keys masked). */
export const describeChange = (before: Doc, after: Doc): Array<string> => {
  const out: Array<string> = []
  const a = before.providers.map((p) => p.name)
  const b = after.providers.map((p) => p.name)
  const added = b.filter((n) => !a.includes(n))
  const removed = a.filter((n) => !b.includes(n))
  if (added.length) out.push(`providers added: ${added.join(", ")}`)
  if (removed.length) out.push(`providers removed: ${removed.join(", ")}`)
  const changed = b.filter((n) => a.includes(n)).filter((n) =>
    JSON.stringify(before.providers.find((p) => p.name === n)) !== JSON.stringify(after.providers.find((p) => p.name === n))
  )
  if (changed.length) out.push(`providers changed: ${changed.join(", ")}`)
  if (!added.length && !removed.length && a.join() !== b.join()) out.push("the chain order changed")
  const tokens = (d: Doc) => (d.accessTokens ?? []).length
  if (tokens(before) !== tokens(after)) out.push(`access tokens: ${tokens(before)} \u2192 ${tokens(after)}`)
  if (JSON.stringify(before.settings) !== JSON.stringify(after.settings)) out.push("settings changed")
  return out.length ? out : ["the document changed"]
}

type Choice = "reload" | "overwrite"

/** Shows the conflict in box and resolves with the user's choice. */
const askAboutConflict = (box: HTMLElement, before: Doc, after: Doc) => {
  const list = $(".conflict-changes", box)
  list.textContent = ""
  for (const line of describeChange(before, after)) list.appendChild(h("li", { text: line }))
  box.hidden = false
  const overwrite = $<HTMLButtonElement>(".conflict-overwrite", box)
  const reload = $<HTMLButtonElement>(".conflict-reload", box)
  overwrite.focus()
  return new Promise<Choice>((resolve) => {
    const done = (choice: Choice) => () => {
      box.hidden = true
      resolve(choice)
    }
    reload.onclick = done("reload")
    overwrite.onclick = done("overwrite")
  })
}

export const conflictBox = (what: string) =>
  h("div", { class: "conflict", role: "alert", hidden: true },
    h("p", { class: "error", text: `The configuration changed since this page read it: ${what} was not saved. What you typed is kept.` }),
    h("p", { text: "Changed since then:" }),
    h("ul", { class: "conflict-changes" }),
    h("div", { class: "row" },
      h("button", { type: "button", class: "conflict-overwrite primary", text: "Overwrite with my version" }),
      h("button", { type: "button", class: "conflict-reload", text: "Reload (drop my changes)" })))

/** The conflict box inside root, added on first use. */
export const conflictIn = (root: HTMLElement, what: string): HTMLElement => {
  const existing = root.querySelector<HTMLElement>(".conflict")
  if (existing) return existing
  const box = conflictBox(what)
  root.appendChild(box)
  return box
}

/**
 * Sends a write made from the version the page showed (If-Match). On a conflict, asks; "overwrite"
 * sends it again against the version now stored, "reload" refreshes. Resolves true when it was saved.
 */
export const saveWithCheck = async (
  box: HTMLElement,
  send: (version: string) => Promise<unknown>,
  shown: Doc
): Promise<boolean> => {
  try {
    await send(shown.etag)
    return true
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 412) throw e
    const latest = await api((c) => c.config.getConfig())
    const choice = await askAboutConflict(box, shown, latest)
    if (choice === "reload") {
      await refresh()
      return false
    }
    await send(latest.etag)
    return true
  }
}
