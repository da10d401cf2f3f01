/**
 * Settings in plain words: grouped, each with a label, a one-line hint and its name in the config
 * document in small type. Whatever has no words yet is still editable, under its own name.
 */
import { SettingsInput } from "../../src/Admin/Api.js"
import { Either, Schema } from "effect"
import { api, invalid } from "./AdminClient.js"
import { conflictIn, saveWithCheck } from "./Conflict.js"
import { $, append, field, h, toast } from "./Dom.js"
import { showIssues } from "./Issues.js"
import { loaded, onRender, refresh } from "./State.js"

/** `maxRetryAfterMs` -> `Max Retry After Ms`, for settings that have no words yet. */
export const humanize = (key: string) => key.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase())

type Setting = readonly [path: string, label: string, hint: string]

const SETTING_GROUPS: ReadonlyArray<readonly [string, ReadonlyArray<Setting>]> = [
  ["Retries", [
    ["retryBaseDelayMs", "First retry after (ms)", "A provider's retries wait this long, then twice as long, with jitter."],
    ["maxRetryAfterMs", "Longest Retry-After to wait for (ms)", "When a provider asks for a longer wait, the next provider takes the request at once."]]],
  ["Circuit breaker", [
    ["cooldown.threshold", "Failures in a row before resting", "After this many, the provider is skipped for a while."],
    ["cooldown.baseMs", "First rest (ms)", "How long a failing provider is skipped at first; longer when it keeps failing."],
    ["cooldown.maxMs", "Longest rest (ms)", "The most a failing provider is skipped at once; then one request probes it."],
    ["credentialCooldownMaxMs", "Longest pause for a limited credential (ms)", "After a 429 to a caller's own key or login, that provider is skipped for that credential until the limit lifts, at most this long. 0 turns it off."]]],
  ["Streams", [
    ["stream.firstEventTimeoutMs", "Wait for the first content (ms)", "An upstream that keeps sending (pings during a long prefill) is waited for this long before the chain fails over."],
    ["stream.firstEventIdleMs", "Give up on a silent upstream after (ms)", "Before the first content, an upstream that sends nothing at all for this long fails over."],
    ["stream.idleTimeoutMs", "Longest silence once flowing (ms)", "A stream quiet for longer ends with an error event. Claude Code itself waits 300 s."],
    ["stream.keepAliveMs", "Ping the client after (ms)", "Until then a failure keeps its real status and headers; after it, the client's stream starts with pings."],
    ["stripBillingCch", "Remove cch for third-party providers", "Removes the volatile cch value from Claude Code's attribution block, for third-party Anthropic-format providers only; Anthropic-run endpoints always get it unchanged."]]],
  ["Browser access", [
    ["allowedOrigins", "Browser origins allowed to call /v1", "Exact origins such as https://app.example.com, one per line; * only if you mean it."]]],
  ["Direct routes", [
    ["directRoutes", "Translate for callers with their own key", "Turns on /openai/<host>/…, /openai-responses/<host>/… and /gemini/<host>/…"],
    ["directHosts", "Hosts the direct routes may reach", "host or host:port, one per line."]]]
]

type Json = unknown
const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === "object" && !Array.isArray(v)

const settingAt = (obj: Json, path: string): Json =>
  path.split(".").reduce<Json>((o, k) => (isObject(o) ? o[k] : undefined), obj)

const settingInput = (v: Json, path: string) => {
  const control = typeof v === "boolean"
    ? h("input", { type: "checkbox", checked: v, "data-kind": "boolean" })
    : typeof v === "number"
    ? h("input", { type: "number", value: String(v), "data-kind": "number", inputmode: "numeric" })
    : Array.isArray(v)
    ? h("textarea", { rows: "3", value: v.join("\n"), "data-kind": "list" })
    : h("input", { value: String(v), "data-kind": "string" })
  control.setAttribute("data-key", path)
  return control
}

const settingField = (settings: Json, path: string, label: string, hint: string | null) => {
  const v = settingAt(settings, path)
  if (v === undefined) return null
  const f = field(label, settingInput(v, path), path, hint)
  f.appendChild(h("code", { class: "config-name", text: `settings.${path}` }))
  return f
}

const settingsFields = (settings: Json) => {
  const known = new Set<string>()
  const groups = SETTING_GROUPS.map(([title, items]) =>
    h("fieldset", { "data-group": title }, h("legend", { text: title }), h("div", { class: "grid" }, items.map(([path, label, hint]) => {
      known.add(path)
      return settingField(settings, path, label, hint)
    }))))
  const rest: Array<HTMLElement | null> = []
  const walk = (obj: Record<string, Json>, prefix: string) => {
    for (const [key, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${key}` : key
      if (isObject(v)) walk(v, path)
      else if (!known.has(path)) rest.push(settingField(settings, path, humanize(key), null))
    }
  }
  if (isObject(settings)) walk(settings, "")
  if (rest.length > 0) groups.push(h("fieldset", { "data-group": "other" }, h("legend", { text: "Other" }), h("div", { class: "grid" }, rest)))
  return groups
}

const renderSettings = () => {
  const form = $("#settings-form")
  form.textContent = ""
  append(form, [settingsFields(loaded().doc.settings ?? {}), h("p", { class: "form-error error", role: "alert" }),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", text: "Save settings" }))])
}

/** The form's values as a settings object (numbers as numbers, lists one per line). */
const readSettings = (form: HTMLElement) => {
  const out: Record<string, Json> = {}
  form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("[data-key]").forEach((el) => {
    const parts = (el.getAttribute("data-key") ?? "").split(".")
    let target = out
    for (const p of parts.slice(0, -1)) {
      const next = target[p]
      target = isObject(next) ? next : (target[p] = {}) as Record<string, Json>
    }
    const key = parts[parts.length - 1] ?? ""
    const kind = el.getAttribute("data-kind")
    if (kind === "boolean") target[key] = (el as HTMLInputElement).checked
    else if (kind === "number") {
      if (el.value.trim() !== "") target[key] = Number(el.value)
    } else if (kind === "list") target[key] = el.value.split("\n").map((s) => s.trim()).filter(Boolean)
    else target[key] = el.value
  })
  return out
}

const decodeSettings = Schema.decodeUnknownEither(SettingsInput, { errors: "all", onExcessProperty: "error" })

export const wireSettings = () => {
  $("#settings-form").addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const form = ev.currentTarget as HTMLFormElement
    const box = conflictIn(form, "the settings")
    const shown = loaded().doc
    try {
      const values = Either.getOrThrowWith(decodeSettings(readSettings(form)), invalid)
      const put = (version: string) => api((c) => c.settings.putSettings({ payload: values }), version)
      if (await saveWithCheck(box, put, shown)) {
        await refresh()
        toast("Settings saved")
      }
    } catch (e) {
      showIssues(form, e, "settings")
    }
  })
  onRender(renderSettings)
}
