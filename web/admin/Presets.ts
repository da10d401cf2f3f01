/**
 * Provider presets on the page: "Add provider" starts from a kind of service (src/Config/Presets.ts,
 * shared with the tests that run real Claude Code requests through each). Each fills the format, the
 * base URL and a sensible model map; the form then shows only the fields that format uses.
 */
import { PRESETS, type Preset } from "../../src/Config/Presets.js"
import { field, h } from "./Dom.js"

export { PRESETS, type Preset }

/** Shows the fields the format uses (`data-formats`), hides the others. */
export const showFieldsFor = (form: HTMLElement, format: string) => {
  form.querySelectorAll<HTMLElement>("[data-formats]").forEach((el) => {
    el.hidden = !(el.getAttribute("data-formats") ?? "").split(" ").includes(format)
  })
}

/** The "Kind" select of a new provider: choosing a preset fills what it knows. */
export const presetPicker = (apply: (preset: Preset) => void) => {
  const hint = h("p", { class: "hint preset-hint" })
  const select = h("select", {},
    h("option", { value: "", text: "Choose a kind of service\u2026" }),
    PRESETS.map((p) => h("option", { value: p.id, text: p.label })))
  select.addEventListener("change", () => {
    const preset = PRESETS.find((p) => p.id === select.value)
    hint.textContent = preset ? preset.hint : ""
    if (preset) apply(preset)
  })
  return h("div", { class: "preset" }, field("Kind", select, "preset"), hint)
}
