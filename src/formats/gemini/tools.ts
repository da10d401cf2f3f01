/**
 * The tools of one request, both ways: Anthropic tools -> Gemini function declarations (names made
 * valid, schemas scrubbed), history tool_use -> functionCall, and the answer's functionCall -> the
 * tool_use the client expects (the original name, JSON text decoded). One instance per request:
 * the request translation fills it, the response and stream translations read it.
 */
import type { Tool, ToolChoice } from "../anthropic/Messages.js"
import { decodeArgs, emptyPaths, encodeArgs, isEmptyPaths, type JsonTextPaths } from "./jsonText.js"
import { scrubSchema } from "./schema.js"
import { type WebSearchSpec, webSearchSpec } from "./search.js"
import { GeminiToolNames } from "./toolNames.js"
import type { GeminiFunctionCall, GeminiFunctionDeclaration, GeminiRequest } from "./wire.js"
import { isRecord, type JsonObject } from "./wire.js"

/** What the answer's side needs: a functionCall -> the client's tool name and input. */
export interface CallMapper {
  readonly fromUpstream: (call: GeminiFunctionCall) => { readonly name: string; readonly input: JsonObject }
}

export const IDENTITY_CALLS: CallMapper = { fromUpstream: (call) => ({ name: call.name, input: call.args }) }

export class GeminiTools implements CallMapper {
  private readonly names = new GeminiToolNames()
  /** per Gemini name: where its arguments hold JSON text */
  private readonly paths = new Map<string, JsonTextPaths>()
  /** the names declared to Gemini (a forced tool must be one of them) */
  private readonly declared = new Set<string>()
  /**
   * The client's web search server tool, sent as google_search; request.ts clears it when the
   * search is not sent, and the answer side reads it (a defined value: the answer may be grounded).
   */
  search: WebSearchSpec | undefined = undefined

  /** The name to send for a tool name of the client's. */
  name(name: string): string {
    return this.names.toUpstream(name)
  }

  /**
   * A function tool -> its declaration. Server tools are never declared as functions (Gemini would
   * offer the model a call nobody runs): web search is remembered for google_search, others left out.
   */
  declare(tool: Tool): Array<GeminiFunctionDeclaration> {
    const search = webSearchSpec(tool)
    if (search !== undefined) this.search ??= search
    if (search !== undefined || tool.input_schema === undefined || tool.input_schema === null) return []
    const decl: GeminiFunctionDeclaration = { name: this.name(tool.name) }
    this.declared.add(decl.name)
    if (tool.description !== undefined && tool.description.length > 0) decl.description = tool.description
    const found = emptyPaths()
    const parameters = scrubSchema(tool.input_schema, found)
    const props = parameters["properties"]
    // Gemini refuses an OBJECT without properties, the top one included: a tool without
    // arguments declares no parameters at all.
    if (parameters["type"] === "object" && isRecord(props) && Object.keys(props).length > 0) {
      decl.parameters = parameters
      if (!isEmptyPaths(found)) this.paths.set(decl.name, found)
    }
    return [decl]
  }

  /** A history tool_use -> functionCall, its input written the way the declaration describes it. */
  toUpstream(name: string, input: unknown): GeminiFunctionCall {
    const sent = this.name(name)
    return { name: sent, args: encodeArgs(isRecord(input) ? input : {}, this.paths.get(sent)) }
  }

  fromUpstream(call: GeminiFunctionCall): { readonly name: string; readonly input: JsonObject } {
    return { name: this.names.fromUpstream(call.name), input: decodeArgs(call.args, this.paths.get(call.name)) }
  }

  callingConfig(choice: ToolChoice): NonNullable<GeminiRequest["toolConfig"]>["functionCallingConfig"] {
    switch (choice.type) {
      case "any":
        return { mode: "ANY" }
      case "tool": {
        // A forced server tool (web_search) is no function: Gemini would refuse the unknown name.
        const name = this.name(choice.name)
        return this.declared.has(name) ? { mode: "ANY", allowedFunctionNames: [name] } : { mode: "AUTO" }
      }
      case "none":
        return { mode: "NONE" }
      default:
        return { mode: "AUTO" }
    }
  }
}
