/**
 * The admin page's script, part four: the request log — the deployment's last requests, what each
 * provider did, who answered and how fast — with a filter for failovers and errors. Every value goes
 * in as text.
 */
export const logScript = String.raw`
// ---------------------------------------------------------------------------------- request log
function attemptsText(attempts) {
  return attempts.map(function (a) {
    var s = a.provider + " " + a.outcome + (a.tries > 1 ? " \u00d7" + a.tries : "");
    if (a.cooldownUntil) s += " (cooling down until " + new Date(a.cooldownUntil).toLocaleString() + ")";
    return s;
  }).join(" \u2192 ");
}
function logFilter() {
  var checked = document.querySelector("input[name=log-filter]:checked");
  return checked ? checked.value : "all";
}
function renderLog() {
  var log = state.log;
  var body = $("#log-table tbody"); body.textContent = "";
  if (!log) return;
  var filter = logFilter();
  var rows = log.entries.filter(function (e) {
    return filter === "failovers" ? e.failedOver : filter === "errors" ? e.status >= 400 : true;
  });
  $("#log-scope").textContent = log.entries.length + " recent requests " + (log.scope === "deployment" ? "of the whole deployment" : "of this process") +
    (filter === "all" ? "" : ", " + rows.length + " shown");
  if (rows.length === 0) {
    body.appendChild(h("tr", {}, h("td", { colspan: "7", class: "muted", text: log.entries.length === 0 ? "No requests yet." : "None match the filter." })));
    return;
  }
  rows.forEach(function (e) {
    var tokens = e.inputTokens === undefined ? "" : e.inputTokens + " in / " + e.outputTokens + " out";
    body.appendChild(h("tr", { class: e.status >= 400 ? "log-error" : e.failedOver ? "log-failover" : "" },
      h("td", { text: new Date(e.at).toLocaleTimeString() }),
      h("td", { text: (e.model || e.path) + (e.stream ? " (stream)" : "") }),
      h("td", { text: attemptsText(e.attempts) }),
      h("th", { scope: "row", text: e.provider }),
      h("td", { class: "num", text: String(e.status) }),
      h("td", { class: "num", text: e.ttfbMs + " / " + e.latencyMs + " ms" }),
      h("td", { text: tokens + (e.token ? (tokens ? " \u00b7 " : "") + e.token : "") })));
  });
}
function wireLog() {
  document.querySelectorAll("input[name=log-filter]").forEach(function (el) { el.addEventListener("change", renderLog); });
  $("#log-refresh").addEventListener("click", function () {
    call("GET", "/log").then(function (log) { state.log = log; renderLog(); toast("Request log refreshed"); }, function (e) { toast(errorMessage(e)); });
  });
}
`
