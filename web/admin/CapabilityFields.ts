/**
 * The provider form's "What this model takes" box: the provider's own word on its capabilities, for
 * where the built-in catalogue does not know the model or knows wrong (docs: the capability table in
 * docs/providers.md). Empty fields leave the catalogue's value. The output limit is the form's own "Most
 * output tokens" field (maxTokens).
 */
import { field, h } from "./Dom.js"
import type { Provider } from "./State.js"

type Capabilities = NonNullable<Provider["capabilities"]>
type Draft = Record<string, unknown>

const tri = (value: boolean | undefined, yes: string, no: string) =>
  h("select", {}, [["", "catalogue's"], ["true", yes], ["false", no]].map(([v, text]) =>
    h("option", { value: v!, text: text!, selected: (value === undefined ? "" : String(value)) === v })))

const list = (value: ReadonlyArray<string> | undefined, placeholder: string) =>
  h("input", { value: (value ?? []).join(", "), placeholder, autocomplete: "off" })

const number = (value: number | undefined) =>
  h("input", { type: "number", value: value === undefined ? "" : String(value), inputmode: "numeric", placeholder: "catalogue's" })

export const capabilityFields = (v: Partial<Provider>) => {
  const c: Capabilities = v.capabilities ?? {}
  const thinkingValue = c.thinking === undefined ? "" : typeof c.thinking === "string" ? c.thinking : "budget"
  const inputs = {
    contextWindow: number(c.contextWindow),
    maxTools: number(c.maxTools),
    thinking: h("select", {}, [["", "catalogue's"], ["none", "none"], ["effort", "effort level"], ["budget", "token budget"]].map(([value, text]) =>
      h("option", { value: value!, text: text!, selected: thinkingValue === value }))),
    budgetMin: number(typeof c.thinking === "object" ? c.thinking.min : undefined),
    budgetMax: number(typeof c.thinking === "object" ? c.thinking.max : undefined),
    sampling: tri(c.sampling, "accepted", "refused"),
    systemAnywhere: tri(c.systemAnywhere, "anywhere", "first only"),
    imageTypes: list(c.imageTypes, "image/png, image/jpeg (empty: catalogue's)"),
    refusedParams: list(c.refusedParams, "temperature, top_p"),
    refusedBetas: list(c.refusedBetas, "effort-2025-11-24")
  }
  const box = h("details", { class: "capabilities" }, h("summary", { text: "What this model takes (optional)" }),
    h("div", { class: "grid" },
      field("Context window (tokens)", inputs.contextWindow, "capabilities.contextWindow", "A request estimated beyond it skips this provider."),
      field("Most tools per request", inputs.maxTools, "capabilities.maxTools", "A request with more skips this provider."),
      field("Thinking", inputs.thinking, "capabilities.thinking"),
      field("Smallest thinking budget", inputs.budgetMin, "capabilities.thinking.min"),
      field("Largest thinking budget", inputs.budgetMax, "capabilities.thinking.max"),
      field("temperature / top_p", inputs.sampling, "capabilities.sampling"),
      field("System messages", inputs.systemAnywhere, "capabilities.systemAnywhere", "First only: later ones are folded into the system prompt."),
      field("Image types", inputs.imageTypes, "capabilities.imageTypes", "Others become a note; \"none\" takes no images."),
      field("Parameters it refuses", inputs.refusedParams, "capabilities.refusedParams", "Left out of every request."),
      field("Betas it refuses", inputs.refusedBetas, "capabilities.refusedBetas", "Left out of anthropic-beta.")))
  if (v.capabilities !== undefined) box.setAttribute("open", "")
  const num = (el: HTMLInputElement) => (el.value.trim() === "" ? undefined : Number(el.value))
  const names = (el: HTMLInputElement) => el.value.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
  return {
    box,
    apply: (out: Draft) => {
      const next: Record<string, unknown> = {}
      const set = (k: string, value: unknown) => {
        if (value !== undefined) next[k] = value
      }
      set("contextWindow", num(inputs.contextWindow))
      set("maxTools", num(inputs.maxTools))
      const t = inputs.thinking.value
      set("thinking", t === "" ? undefined : t === "budget" ? { min: num(inputs.budgetMin) ?? 0, max: num(inputs.budgetMax) ?? 0 } : t)
      set("sampling", inputs.sampling.value === "" ? undefined : inputs.sampling.value === "true")
      set("systemAnywhere", inputs.systemAnywhere.value === "" ? undefined : inputs.systemAnywhere.value === "true")
      const images = names(inputs.imageTypes)
      set("imageTypes", images.length === 1 && images[0] === "none" ? [] : images.length > 0 ? images : undefined)
      const params = names(inputs.refusedParams)
      set("refusedParams", params.length > 0 ? params : undefined)
      const betas = names(inputs.refusedBetas)
      set("refusedBetas", betas.length > 0 ? betas : undefined)
      // The output limit and its field are the form's "Most output tokens" and "Token field"
      // (maxTokens, tokenField); every other capability has its field here.
      const kept = v.capabilities?.maxOutput === undefined && v.capabilities?.tokenField === undefined
        ? {}
        : { ...(v.capabilities?.maxOutput === undefined ? {} : { maxOutput: v.capabilities.maxOutput }), ...(v.capabilities?.tokenField === undefined ? {} : { tokenField: v.capabilities.tokenField }) }
      const all = { ...kept, ...next }
      if (Object.keys(all).length > 0) out["capabilities"] = all
      else delete out["capabilities"]
    }
  }
}
