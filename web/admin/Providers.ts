/**
 * Provider cards in chain order: reorder by drag or buttons, the enable toggle, the edit form, the
 * test button, health badges with resets, and a pooled provider's keys (PoolKeys.ts).
 */
import { api, errorMessage } from "./AdminClient.js"
import { $, append, field, h, nextId, toast } from "./Dom.js"
import { poolSection } from "./PoolKeys.js"
import { providerForm } from "./ProviderForm.js"
import { loaded, onRender, type Provider, type ProviderHealth, refresh, state } from "./State.js"
import type { ProviderTestResult } from "../../src/Admin/Api.js"

export const wireProviders = () => {
  $("#add-provider").addEventListener("click", () => {
    state.adding = true
    renderProviders()
    $("#new-provider input").focus()
  })
  $("#reset-all-health").addEventListener("click", () => void act(api((c) => c.health.resetHealth()), "All breakers reset"))
  // A provider form being filled in is not redrawn (that would wipe what was typed); it redraws on save or cancel.
  onRender(() => {
    if (!state.adding && !state.editing) renderProviders()
  })
}

const healthOf = (name: string) => loaded().health.providers.find((x) => x.name === name)
const usesCallerKey = (p: Provider) => p.format === "anthropic" && !p.apiKey && !p.keys?.length
const time = (ms: number) => new Date(ms).toLocaleTimeString()
const names = () => loaded().doc.providers.map((p) => p.name)

const close = () => {
  state.adding = false
  state.editing = null
  renderProviders()
}

export const renderProviders = () => {
  state.providersStale = false
  const { doc, health } = loaded()
  $("#health-scope").textContent = health.scope === "deployment"
    ? "Health is shared by the whole deployment: every isolate reports to one Durable Object."
    : "Health is this process's own view (no shared state is bound)."
  const list = $("#provider-list")
  list.textContent = ""
  doc.providers.forEach((p, i) => list.appendChild(providerCard(p, i, doc.providers.length)))
  const slot = $("#new-provider")
  slot.textContent = ""
  if (state.adding) slot.appendChild(h("div", { class: "card" }, h("h3", { text: "New provider" }), providerForm(null, close)))
}

const healthBadge = (hl: ProviderHealth | undefined) => {
  const s = hl ? hl.state : "closed"
  // A closed circuit whose last requests failed is not healthy yet: say so before the breaker opens.
  const failing = s === "closed" && hl !== undefined && hl.consecutiveFailures > 0
  const text = failing
    ? `failing (${hl.consecutiveFailures} in a row)`
    : s === "closed" ? "healthy" : s === "open" ? `resting until ${time(hl?.openUntil ?? 0)}` : "probing"
  return h("span", { class: `badge ${failing ? "failing" : s}`, role: "img", "aria-label": `Circuit ${s}: ${text}`, title: `circuit ${s}`, text })
}

const act = (promise: Promise<unknown>, done?: string) =>
  promise.then(refresh).then(() => {
    if (done) toast(done)
  }, (e: unknown) => toast(errorMessage(e)))

const move = (from: number, to: number) => {
  const order = names()
  const [item] = order.splice(from, 1)
  if (item === undefined) return
  order.splice(to, 0, item)
  void act(api((c) => c.providers.reorderProviders({ payload: { names: order } })), "Chain reordered")
}

const credentialText = (p: Provider) => {
  if (p.keys?.length) return `a pool of ${p.keys.length} ${p.keys.length === 1 ? "key" : "keys"} (below)`
  if (p.aws) return `AWS access key ${p.aws.accessKeyId}${p.aws.sessionToken ? " with a session token" : ""}`
  if (p.serviceAccount) return `service account ${p.serviceAccount.client_email}`
  return p.apiKey ? `stored key ${p.apiKey}` : "the caller's own (x-api-key / authorization)"
}

const healthText = (hl: ProviderHealth | undefined) => {
  const cooling = hl?.credentialCooldowns
  const cools = cooling
    ? `${cooling.count}${cooling.count === 1 ? " caller's credential" : " callers' credentials"} cooling down after a limit, the first back at ${new Date(cooling.soonestReset).toLocaleString()}`
    : null
  const learned = hl?.learned?.map((l) => `learned that ${l.model} refuses ${[...l.params, ...l.betas.map((b) => `beta ${b}`)].join(", ")} (left out since)`) ?? []
  if (!hl || hl.requests === 0) return [cools ?? "no requests yet", ...learned].join("; ")
  const parts = [`${hl.successes} ok, ${hl.failures} failed of ${hl.requests}`]
  if (cools) parts.push(cools)
  parts.push(...learned)
  if (hl.consecutiveFailures) parts.push(`${hl.consecutiveFailures} failures in a row`)
  if (hl.lastSuccessAt) parts.push(`last success ${time(hl.lastSuccessAt)}`)
  if (hl.lastError) parts.push(`last error ${time(hl.lastError.at)}: ${hl.lastError.message}`)
  return parts.join("; ")
}

const providerCard = (p: Provider, i: number, n: number) => {
  const hl = healthOf(p.name)
  const enabled = p.enabled !== false
  const id = nextId("prov")
  const path = { path: { name: p.name } }
  const li = h("li", { class: `card provider${enabled ? "" : " disabled"}`, "data-name": p.name, "aria-labelledby": id })
  const handle = h("span", { class: "handle", draggable: "true", "aria-hidden": "true", title: "Drag to reorder", text: "\u283f" })
  handle.addEventListener("dragstart", (ev) => {
    ev.dataTransfer?.setData("text/plain", p.name)
    if (ev.dataTransfer) ev.dataTransfer.effectAllowed = "move"
    ev.dataTransfer?.setDragImage(li, 16, 16)
  })
  li.addEventListener("dragover", (ev) => {
    ev.preventDefault()
    li.classList.add("drop-target")
  })
  li.addEventListener("dragleave", () => li.classList.remove("drop-target"))
  li.addEventListener("drop", (ev) => {
    ev.preventDefault()
    li.classList.remove("drop-target")
    const from = names().indexOf(ev.dataTransfer?.getData("text/plain") ?? "")
    if (from >= 0 && from !== i) move(from, i)
  })
  const toggle: HTMLInputElement = h("input", {
    type: "checkbox",
    checked: enabled,
    onchange: () =>
      void act(api((c) => c.providers.setProviderEnabled({ ...path, payload: { enabled: toggle.checked } })),
        `${p.name}${toggle.checked ? " enabled" : " disabled"}`)
  })
  const head = h("div", { class: "card-head" },
    handle,
    h("span", { class: "pos", "aria-label": `Position ${i + 1}`, text: String(i + 1) }),
    h("h3", { id, text: p.name }), h("span", { class: "tag", text: p.format }), healthBadge(hl),
    h("label", { class: "check" }, toggle, " Enabled"))
  const models = p.models ? Object.entries(p.models).map(([k, m]) => `${k} \u2192 ${m}`).join(", ") : "unchanged"
  const meta = h("dl", { class: "meta" },
    h("dt", { text: "Base URL" }), h("dd", {}, p.baseUrl ? h("code", { text: p.baseUrl }) : `the ${p.format} endpoint of region ${p.region}`),
    h("dt", { text: "Credential" }), h("dd", { text: credentialText(p) }),
    h("dt", { text: "Models" }), h("dd", { text: models }),
    h("dt", { text: "Health" }), h("dd", { class: "health-detail" }, healthText(hl)))
  const edit = () => {
    state.editing = state.editing === p.name ? null : p.name
    renderProviders()
    document.querySelector<HTMLInputElement>("#provider-list form.editor input")?.focus()
  }
  const actions = h("div", { class: "actions" },
    h("button", { type: "button", text: "Move up", disabled: i === 0, "aria-label": `Move ${p.name} up`, onclick: () => move(i, i - 1) }),
    h("button", { type: "button", text: "Move down", disabled: i === n - 1, "aria-label": `Move ${p.name} down`, onclick: () => move(i, i + 1) }),
    h("button", { type: "button", text: "Edit", "aria-expanded": String(state.editing === p.name), "aria-label": `Edit ${p.name}`, onclick: edit }),
    h("button", { type: "button", text: "Reset health", "aria-label": `Reset health of ${p.name}`,
      onclick: () => void act(api((c) => c.health.resetProviderHealth(path)), `Breaker of ${p.name} reset`) }),
    h("button", { type: "button", class: "danger", text: "Delete", "aria-label": `Delete ${p.name}`, onclick: () => {
      if (confirm(`Delete provider ${p.name}?`)) void act(api((c) => c.providers.deleteProvider(path)), `${p.name} deleted`)
    } }))
  append(li, [head, meta, poolSection(p, hl), actions, testBox(p), state.editing === p.name ? providerForm(p, close) : null])
  return li
}

const testBox = (p: Provider) => {
  const box = h("div", { class: "test-box" })
  const key = usesCallerKey(p) ? h("input", { type: "password", autocomplete: "off", class: "test-key", placeholder: "sk-ant-..." }) : null
  if (key) box.appendChild(field("Your API key for the test (sent once, not stored)", key, "apiKey"))
  const out = h("div", { class: "test-result", role: "status", "aria-live": "polite" })
  const run = async () => {
    button.disabled = true
    out.textContent = `Testing ${p.name}\u2026`
    const payload = key && key.value ? { apiKey: key.value } : {}
    const result: ProviderTestResult = await api((c) => c.providers.testProvider({ path: { name: p.name }, payload })).catch((e: unknown) => ({
      provider: p.name, ok: false, status: null, latencyMs: 0, model: "", error: { type: "request", message: errorMessage(e) }
    }))
    state.tests[p.name] = result
    button.disabled = false
    renderTest(out, result)
  }
  const button: HTMLButtonElement = h("button", { type: "button", text: `Test ${p.name}`, onclick: () => void run() })
  box.appendChild(h("div", { class: "row" }, button))
  box.appendChild(out)
  const last = state.tests[p.name]
  if (last) renderTest(out, last)
  return box
}

const renderTest = (out: HTMLElement, r: ProviderTestResult) => {
  out.textContent = ""
  const status = r.status === null ? "no HTTP status" : `HTTP ${r.status}`
  append(out, h("p", { class: r.ok ? "result-ok" : "result-bad",
    text: `${r.ok ? "\u2713 Works: " : "\u2717 Failed: "}${status} in ${r.latencyMs} ms${r.model ? ` (model ${r.model})` : ""}` +
      (r.error ? ` \u2014 ${r.error.type}: ${r.error.message}` : "") }))
  if (r.error?.body) append(out, h("pre", { class: "test-body", text: r.error.body }))
}
