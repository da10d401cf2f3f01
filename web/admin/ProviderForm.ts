/**
 * A provider's form (new or edit): the preset picker for a new one, the fields its format uses, a
 * model map and header editor, the cloud fields (Bedrock keys, the Vertex key file). Saving checks
 * the provider against the API's schema, sends it with If-Match and asks about a conflict.
 */
import { ProviderInput } from "../../src/Admin/Api.js"
import { Either, Schema } from "effect"
import { api, ApiError, invalid } from "./AdminClient.js"
import { conflictIn, saveWithCheck } from "./Conflict.js"
import { append, field, h, nextId, only, toast } from "./Dom.js"
import { showIssues } from "./Issues.js"
import { capabilityFields } from "./CapabilityFields.js"
import { presetPicker, showFieldsFor } from "./Presets.js"
import { loaded, type Provider, refresh, state } from "./State.js"

type StringMap = Readonly<Record<string, string>>

interface MapEditor {
  readonly box: HTMLFieldSetElement
  readonly fill: (next: StringMap | undefined) => void
  readonly read: () => Record<string, string> | undefined
}

const mapEditor = (title: string, path: string, map: StringMap | undefined, placeholders: readonly [string, string]): MapEditor => {
  const rows = h("div", { class: "map-rows" })
  const err = nextId("err")
  const box = h("fieldset", { "data-path": path, "aria-errormessage": err, "aria-describedby": err }, h("legend", { text: title }), rows)
  const addRow = (k: string, v: string) => {
    const a = nextId("mk")
    const b = nextId("mv")
    const row: HTMLDivElement = h("div", { class: "map-row" },
      h("label", { class: "sr-only", for: a, text: `${title}: match` }),
      h("input", { id: a, class: "map-key", value: k, placeholder: placeholders[0], autocomplete: "off" }),
      h("span", { class: "arrow", "aria-hidden": "true", text: "\u2192" }),
      h("label", { class: "sr-only", for: b, text: `${title}: becomes` }),
      h("input", { id: b, class: "map-value", value: v, placeholder: placeholders[1], autocomplete: "off" }),
      h("button", { type: "button", class: "danger", text: "\u2715", "aria-label": `Remove this row of ${title}`, onclick: () => row.remove() }))
    rows.appendChild(row)
    return row
  }
  const fill = (next: StringMap | undefined) => {
    rows.textContent = ""
    for (const [k, v] of Object.entries(next ?? {})) addRow(k, v)
  }
  fill(map)
  append(box, [
    h("button", { type: "button", text: "Add row", "aria-label": `Add a row to ${title}`, onclick: () => addRow("", "").querySelector("input")?.focus() }),
    h("p", { class: "field-error", id: err })
  ])
  const read = () => {
    const out: Record<string, string> = {}
    let any = false
    rows.querySelectorAll(".map-row").forEach((row) => {
      const k = (row.querySelector(".map-key") as HTMLInputElement).value.trim()
      if (k) {
        out[k] = (row.querySelector(".map-value") as HTMLInputElement).value
        any = true
      }
    })
    return any ? out : undefined
  }
  return { box, fill, read }
}

type Draft = Record<string, unknown>

const isPooled = (v: Partial<Provider>) => (v.keys?.length ?? 0) > 0

/**
 * The API key field, or for a pooled provider a word that its keys are in the Keys list: the form
 * leaves them as they were read (masked), which the API takes as "keep the stored keys".
 */
const credentialField = (v: Partial<Provider>, apiKey: HTMLInputElement, isNew: boolean) => {
  const formats = "anthropic openai openai-responses gemini bedrock claude-platform-aws"
  if (isPooled(v)) {
    const n = v.keys?.length ?? 0
    return only(h("div", { class: "field" }, h("span", { class: "label", text: "API keys" }),
      h("p", { class: "hint pool-note", text: `A pool of ${n} ${n === 1 ? "key" : "keys"}: add, reweight or remove them in this provider's Keys list. Saving here keeps them.` })),
    formats)
  }
  return only(field("API key", apiKey, "apiKey", isNew ? "Bedrock, Claude Platform on AWS: an API key instead of the AWS key pair." : "Leave the masked value to keep the stored key."),
    formats)
}

/** Bedrock and Vertex: region, project, the AWS key pair, the service-account JSON (pasted or a file). */
const cloudFields = (v: Partial<Provider>) => {
  const aws = v.aws
  // A pool holds its AWS pairs key by key (the Keys list); a provider-wide pair would conflict with it.
  const pooled = isPooled(v)
  const inputs = {
    region: h("input", { value: v.region ?? "", placeholder: "us-east-1, us-east5, global", autocomplete: "off" }),
    project: h("input", { value: v.project ?? "", placeholder: "my-gcp-project", autocomplete: "off" }),
    workspaceId: h("input", { value: v.workspaceId ?? "", placeholder: "wrkspc_01…", autocomplete: "off" }),
    accessKeyId: h("input", { value: aws?.accessKeyId ?? "", autocomplete: "off", placeholder: "AKIA…" }),
    secretAccessKey: h("input", { type: "password", value: aws?.secretAccessKey ?? "", autocomplete: "off" }),
    sessionToken: h("input", { type: "password", value: aws?.sessionToken ?? "", autocomplete: "off", placeholder: "only for temporary credentials" }),
    serviceAccount: h("textarea", { rows: 3, spellcheck: "false", placeholder: "the service-account key JSON, as Google issues it",
      value: v.serviceAccount ? JSON.stringify(v.serviceAccount, null, 2) : "" })
  }
  const api = h("select", {}, [["invoke", "InvokeModel"], ["messages", "Messages API"]].map(([value, text]) =>
    h("option", { value: value!, text: text!, selected: (v.api ?? "invoke") === value })))
  const profile = h("select", {}, ["", "global", "us", "eu", "jp", "au", "apac"].map((g) =>
    h("option", { value: g, text: g || "the region's", selected: (v.inferenceProfile ?? "") === g })))
  const upload = h("input", { type: "file", accept: ".json,application/json" })
  upload.addEventListener("change", () => {
    const file = upload.files?.[0]
    if (file) void file.text().then((text) => (inputs.serviceAccount.value = text))
  })
  const box = only(h("fieldset", { class: "cloud" }, h("legend", { text: "Cloud" }),
    h("div", { class: "grid" },
      only(field("Region", inputs.region, "region"), "bedrock vertex claude-platform-aws"),
      only(field("Bedrock API", api, "api", "InvokeModel serves every model; the Messages API takes the first-party body."), "bedrock"),
      only(field("Inference profile (InvokeModel)", profile, "inferenceProfile"), "bedrock"),
      only(field("Workspace id", inputs.workspaceId, "workspaceId", "Sent as anthropic-workspace-id."), "claude-platform-aws"),
      only(field("Project (vertex)", inputs.project, "project"), "vertex"),
      pooled ? null : [
        only(field("AWS access key id", inputs.accessKeyId, "aws.accessKeyId"), "bedrock claude-platform-aws"),
        only(field("AWS secret access key", inputs.secretAccessKey, "aws.secretAccessKey"), "bedrock claude-platform-aws"),
        only(field("AWS session token", inputs.sessionToken, "aws.sessionToken"), "bedrock claude-platform-aws")
      ]),
    only(field("Service account key JSON (vertex)", inputs.serviceAccount, "serviceAccount", "Leave the masked private_key to keep the stored key."), "vertex"),
    only(field("Service account key file (vertex)", upload, "serviceAccountFile", "Fills the JSON above from the file Google gave you."), "vertex")),
  "bedrock vertex claude-platform-aws")
  const text = (k: keyof typeof inputs) => inputs[k].value.trim()
  return {
    box,
    setRegion: (region: string | undefined) => {
      if (region) inputs.region.value = region
    },
    setApi: (value: "invoke" | "messages" | undefined) => {
      api.value = value ?? "invoke"
    },
    /** Writes the fields into out; an unreadable key file is an issue at its field. */
    apply: (out: Draft) => {
      for (const k of ["region", "project", "workspaceId"] as const) {
        if (text(k)) out[k] = text(k)
        else delete out[k]
      }
      // The Bedrock-only choices are written only for Bedrock (the schema refuses them elsewhere).
      if (out.format === "bedrock" && api.value === "messages") out.api = "messages"
      else delete out.api
      if (out.format === "bedrock" && api.value !== "messages" && profile.value) out.inferenceProfile = profile.value
      else delete out.inferenceProfile
      if (text("accessKeyId") || text("secretAccessKey")) {
        out.aws = { accessKeyId: text("accessKeyId"), secretAccessKey: text("secretAccessKey"),
          ...(text("sessionToken") ? { sessionToken: text("sessionToken") } : {}) }
      } else delete out.aws
      if (text("serviceAccount")) {
        try {
          out.serviceAccount = JSON.parse(text("serviceAccount"))
        } catch {
          throw new ApiError(400, [{ path: "serviceAccount", message: "is not JSON: paste the key file as Google issued it" }], "invalid key file")
        }
      } else delete out.serviceAccount
    }
  }
}

const NUMBERS = {
  retries: ["Retries on 429/5xx", "1"],
  timeoutMs: ["Wait for a stream to start (ms)", "60000"],
  nonStreamingTimeoutMs: ["Wait for a whole answer (ms)", "900000"],
  maxTokens: ["Most output tokens to ask for", "no limit"]
} as const

const BASE_URL_HINTS: Readonly<Record<string, string>> = {
  anthropic: "https://api.anthropic.com",
  openai: "https://openrouter.ai/api/v1",
  "openai-responses": "https://api.openai.com/v1",
  gemini: "https://generativelanguage.googleapis.com",
  bedrock: "from the region (set it for a private endpoint)",
  vertex: "from the region (set it for a private endpoint)",
  "claude-platform-aws": "from the region (set it for a private endpoint)"
}

const FORMATS = ["anthropic", "openai", "openai-responses", "gemini", "bedrock", "vertex", "claude-platform-aws"] as const

const decodeProvider = Schema.decodeUnknownEither(ProviderInput, { errors: "all", onExcessProperty: "error" })

/** The form for provider p (null: a new one); `close` puts the list back as it was. */
export const providerForm = (p: Provider | null, close: () => void) => {
  // The version this form was opened on: saving applies only to it, or asks (Conflict.ts).
  const shown = loaded().doc
  const isNew = p === null
  const v: Partial<Provider> = p ?? { format: "anthropic" }
  const name = h("input", { value: v.name ?? "", required: true, autocomplete: "off" })
  const format = h("select", {}, FORMATS.map((f) => h("option", { value: f, text: f, selected: v.format === f })))
  const baseUrl = h("input", { type: "url", value: v.baseUrl ?? "", placeholder: "https://api.anthropic.com (bedrock, vertex: from the region)", autocomplete: "off" })
  const apiKey = h("input", { type: "password", value: v.apiKey ?? "", autocomplete: "off", placeholder: "none: forward the caller's key" })
  const enabled = h("input", { type: "checkbox", checked: v.enabled !== false })
  const numbers = (Object.keys(NUMBERS) as Array<keyof typeof NUMBERS>).map((k) =>
    [k, h("input", { type: "number", value: v[k] === undefined ? "" : String(v[k]), inputmode: "numeric", placeholder: NUMBERS[k][1] })] as const)
  const tokenField = h("select", {}, ["", "max_tokens", "max_completion_tokens"].map((f) =>
    h("option", { value: f, text: f || "default", selected: (v.tokenField ?? "") === f })))
  const echo = h("input", { type: "checkbox", checked: v.reasoning?.echo === true })
  const summary = h("select", {}, ["", "auto", "concise", "detailed"].map((f) =>
    h("option", { value: f, text: f || "none", selected: (v.reasoning?.summary ?? "") === f })))
  const models = mapEditor("Model map", "models", v.models, ["claude-*-haiku-*", "target-model"])
  const headers = mapEditor("Extra headers", "headers", v.headers, ["header-name", "value or {apiKey}"])
  const cloud = cloudFields(v)
  const capabilities = capabilityFields(v)
  const picker = isNew
    ? presetPicker((preset) => {
      if (preset.format) format.value = preset.format
      // A name the user typed stays; one a preset filled follows the next preset.
      if (preset.name && (!name.value || name.getAttribute("data-preset") === name.value)) {
        name.value = preset.name
        name.setAttribute("data-preset", preset.name)
      }
      baseUrl.value = preset.baseUrl ?? ""
      models.fill(preset.models)
      echo.checked = preset.echo === true
      cloud.setRegion(preset.region)
      cloud.setApi(preset.api)
      formatChanged()
    })
    : null
  const form = h("form", { class: "editor", novalidate: true, "aria-label": isNew ? "New provider" : `Edit ${v.name}` }, picker,
    h("div", { class: "grid" }, field("Name", name, "name"), field("Format", format, "format"), field("Base URL", baseUrl, "baseUrl"),
      credentialField(v, apiKey, isNew)),
    h("div", { class: "grid" }, numbers.map(([k, control]) => field(NUMBERS[k][0], control, k)),
      only(field("Token field (openai)", tokenField, "tokenField"), "openai")),
    h("div", { class: "row" }, field("Enabled", enabled, "enabled"), only(field("Echo reasoning (openai)", echo, "reasoning"), "openai"),
      only(field("Reasoning summary (openai-responses)", summary, "reasoning"), "openai-responses")),
    models.box, headers.box, cloud.box, capabilities.box, h("p", { class: "form-error error", role: "alert" }),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", text: isNew ? "Add provider" : `Save ${v.name}` }),
      h("button", { type: "button", text: "Cancel", onclick: close })))
  const formatChanged = () => {
    showFieldsFor(form, format.value)
    baseUrl.placeholder = BASE_URL_HINTS[format.value] ?? ""
  }
  format.addEventListener("change", formatChanged)
  formatChanged()

  /** What the form says, on top of what the provider had (fields the form does not show stay, a pool's `keys` too). */
  const draft = (): Draft => {
    const out: Draft = { ...v, name: name.value.trim(), format: format.value, baseUrl: baseUrl.value.trim(), enabled: enabled.checked }
    if (!out.baseUrl) delete out.baseUrl
    if (apiKey.value.trim()) out.apiKey = apiKey.value.trim()
    else delete out.apiKey
    for (const [k, control] of numbers) {
      if (control.value.trim() === "") delete out[k]
      else out[k] = Number(control.value)
    }
    if (tokenField.value) out.tokenField = tokenField.value
    else delete out.tokenField
    const reasoning = { ...(echo.checked ? { echo: true } : {}), ...(summary.value ? { summary: summary.value } : {}) }
    if (Object.keys(reasoning).length) out.reasoning = reasoning
    else delete out.reasoning
    const m = models.read()
    const hd = headers.read()
    if (m) out.models = m
    else delete out.models
    if (hd) out.headers = hd
    else delete out.headers
    cloud.apply(out)
    capabilities.apply(out)
    return out
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const providers = loaded().doc.providers
    const index = isNew ? providers.length : providers.findIndex((x) => x.name === v.name)
    try {
      const provider = Either.getOrThrowWith(decodeProvider(draft()), invalid)
      const box = conflictIn(form, "this provider")
      // Made from the version the page showed: If-Match, and a conflict is asked about.
      const send = (version: string) =>
        isNew
          ? api((c) => c.providers.addProvider({ payload: provider }), version)
          : api((c) => c.providers.updateProvider({ path: { name: v.name ?? "" }, payload: provider }), version)
      if (!(await saveWithCheck(box, send, shown))) return
      state.adding = false
      state.editing = null
      await refresh()
      toast(isNew ? `Provider ${provider.name} added` : `Provider ${provider.name} saved`)
    } catch (e) {
      showIssues(form, e, `providers[${index}]`)
    }
  })
  return form
}
