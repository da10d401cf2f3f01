/** "Use it from Claude Code": the environment for this deployment, as shell lines or settings.json. */
import { $, copy, h } from "./Dom.js"
import { loaded, onRender, state } from "./State.js"

export const wireClaudeCode = () => {
  document.querySelectorAll<HTMLInputElement>("input[name=env-form]").forEach((radio) => {
    radio.addEventListener("change", () => {
      state.form = radio.value === "settings" ? "settings" : "shell"
      renderEnv()
    })
  })
  $("#env-copy").addEventListener("click", () => copy($("#env-snippet").textContent ?? "", "Snippet copied"))
  onRender(renderEnv)
}

const snippetText = () => {
  const env = loaded().env
  const v = env.variants.find((x) => x.id === state.variant) ?? env.variants[0]
  if (v === undefined) return ""
  const text = state.form === "shell" ? v.shell : v.settingsJson
  return state.newToken ? text.split(env.tokenPlaceholder).join(state.newToken) : text
}

const renderEnv = () => {
  const env = loaded().env
  const box = $("#env-variants")
  box.textContent = ""
  for (const v of env.variants) {
    const radio = h("input", {
      type: "radio",
      name: "env-variant",
      value: v.id,
      checked: v.id === state.variant,
      onchange: () => {
        state.variant = v.id
        renderEnv()
      }
    })
    box.appendChild(h("label", { class: "check" }, radio, ` ${v.title}`))
  }
  $("#env-snippet").textContent = snippetText()
  const usesToken = state.variant !== "own-credential"
  $("#env-note").textContent = !usesToken
    ? env.needsToken ? "Keyed fallback providers are skipped without a token." : ""
    : state.newToken
    ? "Includes the token you just created."
    : `Replace ${env.tokenPlaceholder} with an access token (create one above to fill it in).`
}

