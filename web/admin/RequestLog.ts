/**
 * The request log: the deployment's last requests, what each provider did, who answered and how
 * fast, with a filter for failovers and errors. Every value goes in as text.
 */
import { api, errorMessage } from "./AdminClient.js"
import { $, h, toast } from "./Dom.js"
import { type Log, onRender, state } from "./State.js"

type Attempt = Log["entries"][number]["attempts"][number]

const attemptsText = (attempts: ReadonlyArray<Attempt>) =>
  attempts.map((a) => {
    // A pooled provider's attempt names the key it called (masked).
    let s = `${a.provider}${a.key ? ` (${a.key})` : ""} ${a.outcome}${a.tries > 1 ? ` \u00d7${a.tries}` : ""}`
    if (a.cooldownUntil) s += ` (cooling down until ${new Date(a.cooldownUntil).toLocaleString()})`
    if (a.setAside) s += " (set aside until reset)"
    if (a.message) s += `: ${a.message}`
    return s
  }).join(" \u2192 ")

const logFilter = () => document.querySelector<HTMLInputElement>("input[name=log-filter]:checked")?.value ?? "all"

export const renderLog = () => {
  const log = state.loaded?.log
  const body = $("#log-table tbody")
  body.textContent = ""
  if (!log) return
  const filter = logFilter()
  const rows = log.entries.filter((e) => filter === "failovers" ? e.failedOver : filter === "errors" ? e.status >= 400 : true)
  $("#log-scope").textContent = `${log.entries.length} recent requests ${log.scope === "deployment" ? "of the whole deployment" : "of this process"}` +
    (filter === "all" ? "" : `, ${rows.length} shown`)
  if (rows.length === 0) {
    body.appendChild(h("tr", {}, h("td", { colspan: "7", class: "muted", text: log.entries.length === 0 ? "No requests yet." : "None match the filter." })))
    return
  }
  for (const e of rows) {
    const tokens = e.inputTokens === undefined ? "" : `${e.inputTokens} in / ${e.outputTokens ?? 0} out`
    body.appendChild(h("tr", { class: e.status >= 400 ? "log-error" : e.failedOver ? "log-failover" : "" },
      h("td", { text: new Date(e.at).toLocaleTimeString() }),
      h("td", { text: (e.model || e.path) + (e.stream ? " (stream)" : "") }),
      h("td", { text: attemptsText(e.attempts) }),
      h("th", { scope: "row", text: e.provider }),
      h("td", { class: "num", text: String(e.status) }),
      h("td", { class: "num", text: `${e.ttfbMs} / ${e.latencyMs} ms` }),
      h("td", { text: tokens + (e.token ? (tokens ? " \u00b7 " : "") + e.token : "") })))
  }
}

export const wireLog = () => {
  document.querySelectorAll("input[name=log-filter]").forEach((el) => el.addEventListener("change", renderLog))
  $("#log-refresh").addEventListener("click", () => {
    api((c) => c.usage.getRequestLog()).then((log) => {
      if (state.loaded) state.loaded.log = log
      renderLog()
      toast("Request log refreshed")
    }, (e: unknown) => toast(errorMessage(e)))
  })
  onRender(renderLog)
}
