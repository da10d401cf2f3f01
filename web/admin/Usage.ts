/**
 * Usage: the last 24 hours as a stacked SVG chart (requests per provider per hour, the hour's
 * failovers and errors marked above its bar; every piece has a title, so hovering or a screen
 * reader gives the numbers), and tables per provider and per access token.
 */
import { $, append, h } from "./Dom.js"
import { humanize } from "./Settings.js"
import { loaded, onRender, type Usage } from "./State.js"

type Counters = Usage["providers"][string]
type Hourly = Usage["hourly"]

const COLUMNS = ["requests", "failovers", "errors", "inputTokens", "outputTokens"] as const

const usageTable = (title: string, rows: Readonly<Record<string, Counters>>) => {
  const names = Object.keys(rows)
  return h("div", { class: "table-wrap" }, h("table", {}, h("caption", { class: "sr-only", text: title }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: title }), COLUMNS.map((c) => h("th", { scope: "col", class: "num", text: humanize(c) })))),
    h("tbody", {}, names.length === 0
      ? h("tr", {}, h("td", { colspan: "6", class: "muted", text: "Nothing yet." }))
      : names.map((n) => h("tr", {}, h("th", { scope: "row", text: n }), COLUMNS.map((c) => h("td", { class: "num", text: String(rows[n]?.[c] ?? 0) })))))))
}

export const renderUsage = () => {
  const u = loaded().usage
  $("#usage-scope").textContent = `Since ${new Date(u.since).toLocaleString()} (${u.note})`
  const box = $("#usage-tables")
  box.textContent = ""
  append(box, [
    h("h3", { text: `Last 24 hours${u.hourly.scope === "deployment" ? " (whole deployment)" : " (this process)"}` }), usageChart(u.hourly),
    h("h3", { text: "Per provider" }), usageTable("Provider", u.providers),
    h("h3", { text: "Per access token" }), usageTable("Token", u.tokens)
  ])
}

const SVG = "http://www.w3.org/2000/svg"
const SERIES_COLOURS = ["#2f5bd3", "#1a7f64", "#8a5cd0", "#c2410c", "#0e7490", "#a16207", "#be185d", "#4d7c0f"]
const colour = (n: number) => SERIES_COLOURS[n % SERIES_COLOURS.length] ?? "#2f5bd3"

const svg = (tag: string, attrs: Readonly<Record<string, string | number>>, title?: string) => {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  if (title) {
    const t = document.createElementNS(SVG, "title")
    t.textContent = title
    el.appendChild(t)
  }
  return el
}
const label = (attrs: Readonly<Record<string, string | number>>, text: string) => {
  const el = svg("text", { ...attrs, class: "tick" })
  el.textContent = text
  return el
}

const ZERO: Counters = { requests: 0, failovers: 0, errors: 0, inputTokens: 0, outputTokens: 0 }

const usageChart = (hourly: Hourly) => {
  const names = Object.keys(hourly.keys).filter((k) => k.startsWith("provider:"))
  if (names.length === 0) return h("p", { class: "muted", text: "No requests in the last 24 hours." })
  const hours = hourly.hours
  const W = 720, H = 220, left = 36, bottom = 22, top = 16
  const slot = (W - left) / hours.length
  const barW = Math.max(4, slot - 4)
  const at = (k: string, i: number) => hourly.keys[k]?.[i] ?? ZERO
  const totals = hours.map((_, i) =>
    names.reduce((t, k) => ({ requests: t.requests + at(k, i).requests, errors: t.errors + at(k, i).errors, failovers: t.failovers + at(k, i).failovers }),
      { requests: 0, errors: 0, failovers: 0 }))
  const max = Math.max(1, ...totals.map((t) => t.requests))
  const scale = (H - bottom - top) / max
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "usage-svg", role: "img", "aria-label": "Requests per provider per hour over the last 24 hours" })
  chart.appendChild(svg("line", { x1: left, x2: W, y1: H - bottom, y2: H - bottom, class: "axis" }))
  chart.appendChild(label({ x: left - 6, y: top + 4, "text-anchor": "end" }, String(max)))
  chart.appendChild(label({ x: left - 6, y: H - bottom, "text-anchor": "end" }, "0"))
  hours.forEach((hour, i) => {
    const x = left + i * slot + (slot - barW) / 2
    let y = H - bottom
    const when = new Date(hour).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })
    names.forEach((k, n) => {
      const c = at(k, i)
      if (c.requests === 0) return
      const height = c.requests * scale
      y -= height
      chart.appendChild(svg("rect", { x, y, width: barW, height, fill: colour(n), class: "series" },
        `${k.slice(9)}, ${when}: ${c.requests} requests, ${c.failovers} failovers, ${c.errors} errors`))
    })
    const t = totals[i] ?? ZERO
    if (t.failovers > 0) chart.appendChild(svg("circle", { cx: x + barW / 2, cy: y - 6, r: 3.5, class: "mark-failover" }, `${when}: ${t.failovers} failovers`))
    if (t.errors > 0) {
      chart.appendChild(svg("rect", { x: x + barW / 2 - 3.5, y: y - (t.failovers > 0 ? 18 : 10), width: 7, height: 7, class: "mark-error" },
        `${when}: ${t.errors} errors`))
    }
    if (i % 3 === 0) chart.appendChild(label({ x: x + barW / 2, y: H - 6, "text-anchor": "middle" }, `${new Date(hour).getHours()}h`))
  })
  const legend = h("ul", { class: "legend" },
    names.map((k, n) => {
      const t = hourly.totals[k] ?? ZERO
      const swatch = h("span", { class: "swatch" })
      swatch.style.background = colour(n)
      return h("li", {}, swatch, `${k.slice(9)}: ${t.requests} requests, ${t.failovers} failovers, ${t.errors} errors`)
    }),
    h("li", {}, h("span", { class: "swatch mark-failover-key" }), "failovers in that hour"),
    h("li", {}, h("span", { class: "swatch mark-error-key" }), "errors in that hour"))
  return h("figure", { class: "usage-chart" }, chart, h("figcaption", {}, legend))
}

export const wireUsage = () => onRender(renderUsage)
