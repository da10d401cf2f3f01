import { describe, it } from "@effect/vitest"
import { expectSameForAnyCuts } from "../Rechunk.js"
import { citing, Events, runStream, translate, usageOf } from "./helpers.js"
import { requestWith, searchTool } from "./searchData.js"

const crlf = (s: string) => s.replace(/\n/g, "\r\n")

/** Streams with multi-byte characters in every kind of delta, LF and CRLF endings, comments. */
const scenarios: ReadonlyArray<string> = [
  new Events().created()
    .reasoning(0, "rs_1", ["r\u00e9fl\u00e9chir \u{1F914}", "\u65e5\u672c"], "gAAAA+/=")
    .message(1, "msg_1", "caf\u00e9 \u{1F600} done")
    .call(2, "fc_1", "call_1", "Write", "{\"t\":\"\u00e9\u{1F680}\"}")
    .call(3, "fc_2", "call_2", "Read", "{\"p\":\"/tmp/\u{1F4C1}\"}")
    .completed(usageOf(120, 30, 100)).text(),
  crlf(`: keepalive\n\n${new Events().created().message(0, "msg_1", "\u00e9\u00e9 partial").ev("response.failed", { response: { status: "failed", error: { code: "server_error", message: "trop \u00e9lev\u00e9" } } }).text()}`),
  crlf(new Events().created().message(0, "msg_1", "cut \u{1F600}").text())
]

describe("Responses stream: re-chunking", () => {
  it("gives the same Anthropic stream for any upstream chunk boundaries", async () => {
    for (const scenario of scenarios) await expectSameForAnyCuts(scenario, (parts) => runStream(parts), 100)
  })
})

describe("Responses stream with web search: re-chunking", () => {
  // spans counted in code points: the emoji before a citation must not shift it
  const { text, annotations } = citing(["\u{1F50E} caf\u00e9 ", { url: "https://x.example/\u00e9", title: "\u65e5\u672c", label: "x" }, " \u{1F600}"])
  const scenario = new Events().created()
    .search(0, "ws_1", "caf\u00e9 \u{1F600}", ["https://x.example/\u00e9"])
    .cited(1, "msg_1", text, annotations)
    .completed().text()

  it("gives the same Anthropic stream for any upstream chunk boundaries", async () => {
    await expectSameForAnyCuts(scenario, (parts) => runStream(parts, translate({ ...requestWith([searchTool()]), stream: true })), 100)
  })
})
