/** Access tokens: create (shown once), notes, delete. */
import { api, errorMessage } from "./AdminClient.js"
import { $, copy, h, input, toast } from "./Dom.js"
import { loaded, onRender, refresh, state } from "./State.js"

export const wireTokens = () => {
  $("#token-create").addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const note = input("#token-note").value.trim()
    try {
      const created = await api((c) => c.tokens.createToken({ payload: note ? { note } : {} }))
      state.newToken = created.token
      input("#token-note").value = ""
      input("#token-new-value").value = created.token
      $("#token-new").hidden = false
      $("#token-new").focus()
      await refresh()
      toast("Token created. Copy it now: it is not shown again.")
    } catch (e) {
      toast(errorMessage(e))
    }
  })
  $("#token-new-copy").addEventListener("click", () => copy(input("#token-new-value").value, "Token copied"))
  onRender(renderTokens)
}

const after = (promise: Promise<unknown>, done: string) =>
  promise.then(refresh).then(() => toast(done), (e: unknown) => toast(errorMessage(e)))

const renderTokens = () => {
  const body = $("#token-table tbody")
  body.textContent = ""
  // Each carries its id, which stays right if another admin changes the list meanwhile.
  const tokens = loaded().tokens.tokens
  if (tokens.length === 0) body.appendChild(h("tr", {}, h("td", { colspan: "4", class: "muted", text: "No access tokens yet." })))
  tokens.forEach((t, i) => {
    const n = i + 1
    const note = h("input", { value: t.note ?? "", "aria-label": `Note for token ${n}`, autocomplete: "off" })
    const saveNote = () => {
      const text = note.value.trim()
      void after(api((c) => c.tokens.setTokenNote({ path: { ref: t.id }, payload: text ? { note: text } : {} })), "Note saved")
    }
    const remove = () => {
      if (!confirm(`Delete access token ${n}? Clients using it stop reaching keyed providers.`)) return
      void after(api((c) => c.tokens.deleteToken({ path: { ref: t.id } })), "Token deleted")
    }
    body.appendChild(h("tr", {},
      h("td", { text: String(n) }),
      h("td", {}, h("code", { text: t.token })),
      h("td", {}, note),
      h("td", {}, h("div", { class: "row" },
        h("button", { type: "button", text: "Save note", "aria-label": `Save note of token ${n}`, onclick: saveNote }),
        h("button", { type: "button", class: "danger", text: "Delete", "aria-label": `Delete token ${n}`, onclick: remove })))))
  })
}
