/**
 * The admin page: sign-in (the admin token, kept in this tab's session storage and sent as a Bearer
 * header, never in a URL), then every section drawn from the admin API, and a live refresh of health,
 * usage and the request log while the page is shown.
 */
import { adminToken, api, ApiError, clearAdminToken, errorMessage, setAdminToken, whenRefused } from "./AdminClient.js"
import { wireClaudeCode } from "./ClaudeCode.js"
import { addDocsLinks } from "./Docs.js"
import { $, input, toast } from "./Dom.js"
import { renderProviders, wireProviders } from "./Providers.js"
import { wireRawEditor } from "./RawEditor.js"
import { renderLog, wireLog } from "./RequestLog.js"
import { wireSettings } from "./Settings.js"
import { loaded, onRender, readOnlyNote, refresh, state } from "./State.js"
import { wireTokens } from "./Tokens.js"
import { renderUsage, wireUsage } from "./Usage.js"

const signOut = (message: string) => {
  clearAdminToken()
  $("#app").hidden = true
  $("#login").hidden = false
  $("#login-error").textContent = message
  input("#login-token").value = ""
  input("#login-token").focus()
}

const signIn = async (token: string) => {
  setAdminToken(token)
  try {
    await refresh()
  } catch (e) {
    // A 401 has signed out already and said why.
    if (!(e instanceof ApiError && e.status === 401)) $("#login-error").textContent = errorMessage(e)
    return
  }
  $("#login").hidden = true
  $("#app").hidden = false
  $("#providers-title").focus()
}

const renderDocState = () => {
  const doc = loaded().doc
  $("#doc-state").textContent = readOnlyNote() || (doc.stored
    ? ""
    : doc.source === "variables"
    ? "Nothing is stored yet: the chain the configuration variables describe is in force. Any change stores a document."
    : "Nothing is stored yet: the built-in default chain is in force. Any change stores a document.")
  // Configured by FAILOVER_CONFIG: the page only reads; the controls that would write are off.
  document.querySelectorAll<HTMLButtonElement>("#add-provider, #token-create button[type=submit], #raw-save, #settings-form button[type=submit]")
    .forEach((el) => (el.disabled = readOnlyNote() !== ""))
}

// Health, usage and the log change with traffic: read again every few seconds while the page is
// shown. The provider list is redrawn only when its health changed, and not while a form is open or
// the keyboard focus is inside it (a redraw would take the focus away): then at the next chance.
const LIVE_MS = 10_000
const liveRefresh = async () => {
  if (document.hidden || $("#app").hidden || !adminToken() || state.loaded === null) return
  let health, usage, log
  try {
    ;[health, usage, log] = await Promise.all([
      api((c) => c.health.getHealth()),
      api((c) => c.usage.getUsage()),
      api((c) => c.usage.getRequestLog())
    ])
  } catch {
    return
  }
  const current = loaded()
  const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b)
  const healthChanged = changed(health, current.health)
  const usageChanged = changed(usage, current.usage)
  const logChanged = changed(log, current.log)
  state.loaded = { ...current, health, usage, log }
  if (healthChanged) state.providersStale = true
  const focusInList = $("#provider-list").contains(document.activeElement)
  if (state.providersStale && !state.adding && !state.editing && !focusInList) renderProviders()
  if (usageChanged) renderUsage()
  if (logChanged) renderLog()
}

const start = () => {
  whenRefused(signOut)
  $("#login-form").addEventListener("submit", (ev) => {
    ev.preventDefault()
    const token = input("#login-token").value.trim()
    if (token) void signIn(token)
  })
  $("#sign-out").addEventListener("click", () => signOut("Signed out."))
  $("#providers-title").setAttribute("tabindex", "-1")
  addDocsLinks()
  onRender(renderDocState)
  wireProviders()
  wireTokens()
  wireClaudeCode()
  wireSettings()
  wireUsage()
  wireLog()
  wireRawEditor()
  $("#usage-refresh").addEventListener("click", () => {
    refresh().then(() => toast("Usage refreshed"), (e: unknown) => toast(errorMessage(e)))
  })
  if (adminToken()) void signIn(adminToken())
  else signOut("")
  setInterval(() => void liveRefresh(), LIVE_MS)
}

start()
