/**
 * The whole config document as JSON text. A save is sent with If-Match, unknown keys and all (the
 * API names a misspelt key as a problem); each problem is listed with its line and a button that
 * selects it in the text.
 */
import { DocumentInput, type Issue } from "../../src/Admin/Api.js"
import { Either, Schema } from "effect"
import { api, ApiError, errorMessage, invalid } from "./AdminClient.js"
import { conflictIn, saveWithCheck } from "./Conflict.js"
import { $, h, toast } from "./Dom.js"
import { parentPath } from "./Issues.js"
import { loaded, onRender, refresh, state } from "./State.js"

const textarea = () => $<HTMLTextAreaElement>("#raw-json")

const setRaw = () => {
  const { stored: _stored, etag: _etag, ...doc } = loaded().doc
  textarea().value = JSON.stringify(doc, null, 2)
  // The version the text was made from: a save applies only to it (If-Match).
  state.rawDoc = loaded().doc
  state.rawDirty = false
  clearRawIssues()
}

const clearRawIssues = () => {
  $("#raw-issues-box").hidden = true
  $("#raw-issues").textContent = ""
  textarea().removeAttribute("aria-invalid")
}

type Range = readonly [number, number]

/** Where each path's value (and `path#key`, its key) sits in the JSON text. */
const locate = (text: string): Map<string, Range> => {
  const map = new Map<string, Range>()
  let i = 0
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++
  }
  const str = (): string => {
    const s = i
    i++
    while (i < text.length && text[i] !== "\"") {
      if (text[i] === "\\") i++
      i++
    }
    i++
    return JSON.parse(text.slice(s, i)) as string
  }
  const value = (path: string): void => {
    ws()
    const start = i
    const c = text[i]
    if (c === "{") {
      i++
      ws()
      if (text[i] === "}") i++
      else {
        for (;;) {
          ws()
          const ks = i
          const k = str()
          const child = path ? `${path}.${k}` : k
          map.set(`${child}#key`, [ks, i])
          ws()
          i++
          value(child)
          ws()
          if (text[i++] !== ",") break
        }
      }
    } else if (c === "[") {
      i++
      ws()
      if (text[i] === "]") i++
      else {
        for (let n = 0;; n++) {
          value(`${path}[${n}]`)
          ws()
          if (text[i++] !== ",") break
        }
      }
    } else if (c === "\"") str()
    else while (i < text.length && /[^,\]}\s]/.test(text[i]!)) i++
    map.set(path, [start, i])
  }
  try {
    value("")
  } catch {
    // a partial map: issues point at what was found
  }
  return map
}

const rangeOf = (text: string, path: string): Range => {
  const map = locate(text)
  let probe = path
  for (;;) {
    const found = map.get(`${probe}#key`) ?? map.get(probe)
    if (found) return found
    if (!probe) return [0, 0]
    probe = parentPath(probe)
  }
}

const showRawIssues = (issues: ReadonlyArray<Issue>) => {
  const text = textarea().value
  const list = $("#raw-issues")
  list.textContent = ""
  $("#raw-issues-title").textContent = issues.length === 1
    ? "The document was not saved: 1 problem."
    : `The document was not saved: ${issues.length} problems.`
  for (const issue of issues) {
    const range = rangeOf(text, issue.path)
    const line = text.slice(0, range[0]).split("\n").length
    const select = () => {
      textarea().focus()
      textarea().setSelectionRange(range[0], range[1])
    }
    list.appendChild(h("li", {},
      h("button", { type: "button", class: "issue-path", "aria-label": `Go to ${issue.path || "the document"}, line ${line}`, onclick: select },
        h("code", { text: issue.path || "(document)" }), ` line ${line}`),
      ` ${issue.message}`))
  }
  textarea().setAttribute("aria-invalid", "true")
  $("#raw-issues-box").hidden = false
}

// Its shape, checked here (every problem at once); its values and rules, by the API.
const decodeDocument = Schema.decodeUnknownEither(DocumentInput, { errors: "all", onExcessProperty: "preserve" })

const save = async () => {
  const text = textarea().value
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    showRawIssues([{ path: "", message: `not valid JSON: ${errorMessage(e)}` }])
    return
  }
  const shown = state.rawDoc ?? loaded().doc
  try {
    const document = Either.getOrThrowWith(decodeDocument(parsed), invalid)
    const box = conflictIn($("#raw-conflict"), "the document")
    const saved = await saveWithCheck(box, (version) => api((c) => c.config.putConfig({ payload: document }), version), shown)
    if (!saved) {
      setRaw()
      toast("Reloaded: the document as it is now")
      return
    }
    state.rawDirty = false
    await refresh()
    toast("Document saved")
  } catch (e) {
    if (e instanceof ApiError && e.issues.length > 0) showRawIssues(e.issues)
    else toast(errorMessage(e))
  }
}

export const wireRawEditor = () => {
  textarea().addEventListener("input", () => (state.rawDirty = true))
  $("#raw-reload").addEventListener("click", () => {
    refresh().then(setRaw).then(() => toast("Reloaded"), (e: unknown) => toast(errorMessage(e)))
  })
  $("#raw-save").addEventListener("click", () => void save())
  onRender(() => {
    if (!state.rawDirty) setRaw()
  })
}
