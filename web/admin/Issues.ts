/**
 * A rejected write's problems, shown where they belong: each issue next to the input whose
 * `data-path` matches its path (the nearest one up the path), the rest in the form's general slot.
 */
import { ApiError, errorMessage } from "./AdminClient.js"

const PARENT = /(\.[^.[]*|\[\d+\])$/

export const showIssues = (root: ParentNode, e: unknown, prefix: string) => {
  root.querySelectorAll("[aria-invalid=true]").forEach((el) => el.removeAttribute("aria-invalid"))
  root.querySelectorAll(".field-error").forEach((el) => (el.textContent = ""))
  const general = root.querySelector(".form-error")
  if (general) general.textContent = ""
  const issues = e instanceof ApiError ? e.issues : []
  if (issues.length === 0) {
    if (general) general.textContent = errorMessage(e)
    return
  }
  let first: HTMLElement | null = null
  for (const issue of issues) {
    let path = issue.path
    if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length).replace(/^\./, "")
    let target: HTMLElement | null = null
    let probe = path
    while (probe && !target) {
      target = root.querySelector<HTMLElement>(`[data-path="${CSS.escape(probe)}"]`)
      if (!target) probe = probe.replace(PARENT, "")
    }
    const slotId = target?.getAttribute("aria-errormessage")
    const slot = target && slotId ? root.querySelector(`#${CSS.escape(slotId)}`) : null
    if (target && slot) {
      target.setAttribute("aria-invalid", "true")
      slot.textContent = (slot.textContent ? `${slot.textContent} ` : "") + issue.message
      first ??= target
    } else if (general) {
      general.textContent = (general.textContent ? `${general.textContent} ` : "") + `${issue.path}: ${issue.message}`
    }
  }
  first?.focus()
}

/** The JSON text's parent of a path: `providers[0].name` -> `providers[0]` -> `providers` -> "". */
export const parentPath = (path: string) => path.replace(PARENT, "")
