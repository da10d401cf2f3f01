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
// The last 24 hours: requests per provider per hour, stacked, with the hour's failovers and errors
// marked above its bar. Each piece has a title: hovering (or a screen reader) gives the numbers.
var SVG = "http://www.w3.org/2000/svg";
var SERIES_COLOURS = ["#2f5bd3", "#1a7f64", "#8a5cd0", "#c2410c", "#0e7490", "#a16207", "#be185d", "#4d7c0f"];
function svg(tag, attrs, title) {
  var el = document.createElementNS(SVG, tag);
  Object.keys(attrs).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
  if (title) { var t = document.createElementNS(SVG, "title"); t.textContent = title; el.appendChild(t); }
  return el;
}
function usageChart(hourly) {
  var names = Object.keys(hourly.keys).filter(function (k) { return k.indexOf("provider:") === 0; });
  if (names.length === 0) return h("p", { class: "muted", text: "No requests in the last 24 hours." });
  var hours = hourly.hours, W = 720, H = 220, left = 36, bottom = 22, top = 16;
  var slot = (W - left) / hours.length, barW = Math.max(4, slot - 4);
  var totals = hours.map(function (_, i) {
    return names.reduce(function (t, k) { var c = hourly.keys[k][i]; return { requests: t.requests + c.requests, errors: t.errors + c.errors, failovers: t.failovers + c.failovers }; },
      { requests: 0, errors: 0, failovers: 0 });
  });
  var max = Math.max(1, Math.max.apply(null, totals.map(function (t) { return t.requests; })));
  var scale = (H - bottom - top) / max;
  var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "usage-svg", role: "img", "aria-label": "Requests per provider per hour over the last 24 hours" });
  chart.appendChild(svg("line", { x1: left, x2: W, y1: H - bottom, y2: H - bottom, class: "axis" }));
  chart.appendChild(svg("text", { x: left - 6, y: top + 4, "text-anchor": "end", class: "tick" })).textContent = String(max);
  chart.appendChild(svg("text", { x: left - 6, y: H - bottom, "text-anchor": "end", class: "tick" })).textContent = "0";
  hours.forEach(function (hour, i) {
    var x = left + i * slot + (slot - barW) / 2, y = H - bottom;
    var when = new Date(hour).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
    names.forEach(function (k, n) {
      var c = hourly.keys[k][i];
      if (c.requests === 0) return;
      var hgt = c.requests * scale;
      y -= hgt;
      chart.appendChild(svg("rect", { x: x, y: y, width: barW, height: hgt, fill: SERIES_COLOURS[n % SERIES_COLOURS.length], class: "series" },
        k.slice(9) + ", " + when + ": " + c.requests + " requests, " + c.failovers + " failovers, " + c.errors + " errors"));
    });
    var t = totals[i];
    if (t.failovers > 0) chart.appendChild(svg("circle", { cx: x + barW / 2, cy: y - 6, r: 3.5, class: "mark-failover" }, when + ": " + t.failovers + " failovers"));
    if (t.errors > 0) chart.appendChild(svg("rect", { x: x + barW / 2 - 3.5, y: y - (t.failovers > 0 ? 18 : 10), width: 7, height: 7, class: "mark-error" }, when + ": " + t.errors + " errors"));
    if (i % 3 === 0) chart.appendChild(svg("text", { x: x + barW / 2, y: H - 6, "text-anchor": "middle", class: "tick" })).textContent = new Date(hour).getHours() + "h";
  });
  var legend = h("ul", { class: "legend" }, names.map(function (k, n) {
    var t = hourly.totals[k];
    var swatch = h("span", { class: "swatch" });
    swatch.style.background = SERIES_COLOURS[n % SERIES_COLOURS.length];
    return h("li", {}, swatch, k.slice(9) + ": " + t.requests + " requests, " + t.failovers + " failovers, " + t.errors + " errors");
  }).concat([h("li", {}, h("span", { class: "swatch mark-failover-key" }), "failovers in that hour"), h("li", {}, h("span", { class: "swatch mark-error-key" }), "errors in that hour")]));
  return h("figure", { class: "usage-chart" }, chart, h("figcaption", {}, legend));
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
