/**
 * The admin page's script, part three: usage (tables and the 24-hour chart), and the live refresh
 * that keeps health and usage current while the page is shown.
 */
export const usageScript = String.raw`
// -------------------------------------------------------------------------------------- usage
function usageTable(title, rows) {
  var names = Object.keys(rows);
  var cols = ["requests", "failovers", "errors", "inputTokens", "outputTokens"];
  return h("div", { class: "table-wrap" }, h("table", {}, h("caption", { class: "sr-only", text: title }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: title }), cols.map(function (c) { return h("th", { scope: "col", class: "num", text: humanize(c) }); }))),
    h("tbody", {}, names.length === 0 ? h("tr", {}, h("td", { colspan: "6", class: "muted", text: "Nothing yet." })) :
      names.map(function (n) { return h("tr", {}, h("th", { scope: "row", text: n }), cols.map(function (c) { return h("td", { class: "num", text: String(rows[n][c]) }); })); }))));
}
function renderUsage() {
  var u = state.usage;
  $("#usage-scope").textContent = "Since " + new Date(u.since).toLocaleString() + " (" + u.note + ")";
  var box = $("#usage-tables"); box.textContent = "";
  append(box, [h("h3", { text: "Last 24 hours" + (u.hourly.scope === "deployment" ? " (whole deployment)" : " (this process)") }), usageChart(u.hourly),
    h("h3", { text: "Per provider" }), usageTable("Provider", u.providers), h("h3", { text: "Per access token" }), usageTable("Token", u.tokens)]);
}
// One row of 24 hourly bars per provider and token: requests, with the errors part in another colour.
function usageChart(hourly) {
  var keys = Object.keys(hourly.keys);
  if (keys.length === 0) return h("p", { class: "muted", text: "No requests in the last 24 hours." });
  var max = 1;
  keys.forEach(function (k) { hourly.keys[k].forEach(function (c) { if (c.requests > max) max = c.requests; }); });
  return h("div", { class: "usage-chart" }, keys.map(function (k) {
    var t = hourly.totals[k];
    var label = k + ": " + t.requests + " requests, " + t.errors + " errors, " + t.failovers + " failovers in 24 h";
    return h("figure", { class: "usage-row" },
      h("figcaption", { text: label }),
      h("div", { class: "bars", role: "img", "aria-label": label }, hourly.keys[k].map(function (c, i) {
        var bar = h("span", { class: "bar", title: new Date(hourly.hours[i]).toLocaleString() + ": " + c.requests + " requests, " + c.errors + " errors" });
        bar.style.height = Math.round(100 * c.requests / max) + "%";
        var err = h("span", { class: "bar-errors" });
        err.style.height = c.requests === 0 ? "0" : Math.round(100 * c.errors / c.requests) + "%";
        bar.appendChild(err);
        return bar;
      })));
  }));
}

// Health and usage change with traffic: re-read them every few seconds while the page is shown.
// The provider list is redrawn only when its health changed, and not while a form is open or the
// keyboard focus is inside it (a redraw would take the focus away): then at the next chance.
var LIVE_MS = 10000;
async function liveRefresh() {
  if (document.hidden || $("#app").hidden || !adminToken()) return;
  var r;
  try { r = await Promise.all([call("GET", "/health"), call("GET", "/usage"), call("GET", "/log")]); } catch (e) { return; }
  var healthChanged = JSON.stringify(r[0]) !== JSON.stringify(state.health);
  var usageChanged = JSON.stringify(r[1]) !== JSON.stringify(state.usage);
  var logChanged = JSON.stringify(r[2]) !== JSON.stringify(state.log);
  state.health = r[0]; state.usage = r[1]; state.log = r[2];
  if (healthChanged) state.providersStale = true;
  var focusInList = $("#provider-list").contains(document.activeElement);
  if (state.providersStale && !state.adding && !state.editing && !focusInList) renderProviders();
  if (usageChanged) renderUsage();
  if (logChanged) renderLog();
}
`
