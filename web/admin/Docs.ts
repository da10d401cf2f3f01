/**
 * A "Docs" link beside each section's heading, to the page of the repository's docs/ that explains
 * it (DocsLinks.ts says which, and where the docs are published).
 */
import { docsUrl, SECTION_DOCS } from "./DocsLinks.js"
import { $, h } from "./Dom.js"

/** Put each heading and a small "Docs" link side by side; the heading itself is unchanged. */
export const addDocsLinks = (): void => {
  for (const [id, page] of Object.entries(SECTION_DOCS)) {
    const heading = $(`#${id}`)
    const link = h("a", {
      class: "hint",
      href: docsUrl(page),
      target: "_blank",
      rel: "noopener noreferrer",
      "aria-label": `Docs: ${heading.textContent ?? ""}`,
      text: "Docs"
    })
    const row = h("div", { class: "row" })
    heading.replaceWith(row)
    row.append(heading, link)
  }
}
