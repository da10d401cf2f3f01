/**
 * The page's few DOM helpers: `h` builds an element (every value goes in as text or an attribute,
 * never as HTML), `field` wraps an input with its label, hint and error slot, `toast` speaks.
 */

export type Child = Node | string | number | null | undefined | false | ReadonlyArray<Child>

type Handler = (event: Event) => void
type Prop = string | number | boolean | null | undefined | Handler

let uid = 0
export const nextId = (prefix: string) => `${prefix}-${++uid}`

/** The element the page's markup guarantees (web/admin/index.html); a missing one is a bug. */
export const $ = <E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E => {
  const el = root.querySelector<E>(selector)
  if (el === null) throw new Error(`no element ${selector}`)
  return el
}
export const input = (selector: string, root?: ParentNode) => $<HTMLInputElement>(selector, root)

export const append = (el: Node, child: Child): void => {
  if (child === null || child === undefined || child === false) return
  if (Array.isArray(child)) {
    for (const c of child as ReadonlyArray<Child>) append(el, c)
    return
  }
  el.appendChild(typeof child === "object" ? (child as Node) : document.createTextNode(String(child)))
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Readonly<Record<string, Prop>>,
  ...children: ReadonlyArray<Child>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (typeof v === "function") el.addEventListener(k.slice(2), v)
    else if (k === "text") el.textContent = String(v)
    else if (k === "class") el.className = String(v)
    else if (k === "value") (el as unknown as HTMLInputElement).value = String(v)
    else if (k === "checked") (el as unknown as HTMLInputElement).checked = v === true
    else el.setAttribute(k, v === true ? "" : String(v))
  }
  append(el, children)
  return el
}

let toastTimer: ReturnType<typeof setTimeout> | undefined
export const toast = (message: string) => {
  const t = $("#toast")
  t.textContent = message
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => (t.textContent = ""), 4000)
}

export const copy = async (text: string, done: string) => {
  try {
    await navigator.clipboard.writeText(text)
    toast(done)
  } catch {
    toast("Copy failed: select the text and copy it by hand.")
  }
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

/** A labelled field; `path` is where the API reports its problems (see showIssues). */
export const field = (label: string, control: Control, path: string, hint?: string | null) => {
  const id = control.id || nextId("f")
  control.id = id
  const err = nextId("err")
  control.setAttribute("data-path", path)
  control.setAttribute("aria-errormessage", err)
  control.setAttribute("aria-describedby", err + (hint ? ` ${id}-hint` : ""))
  const hintEl = hint ? h("span", { class: "hint", id: `${id}-hint`, text: hint }) : null
  const errEl = h("p", { class: "field-error", id: err })
  if (control instanceof HTMLInputElement && control.type === "checkbox") {
    return h("div", { class: "field" }, h("label", { class: "check", for: id }, control, ` ${label}`), hintEl, errEl)
  }
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control, hintEl, errEl)
}

/** Marks a field as used by these formats only (the provider form shows it for them). */
export const only = <E extends HTMLElement>(el: E, formats: string): E => {
  el.setAttribute("data-formats", formats)
  return el
}
