/**
 * What the page knows: the API's answers (typed by the API's own schemas) and what the user is in
 * the middle of. Sections register how they draw themselves; `refresh` reads everything again.
 */
import type {
  DocumentView,
  EnvView,
  HealthList,
  ProviderTestResult,
  RequestLogView,
  TokenList,
  UsageView
} from "../../src/Admin/Api.js"
import { api } from "./AdminClient.js"

export type Doc = typeof DocumentView.Type
export type Provider = Doc["providers"][number]
export type Health = typeof HealthList.Type
export type ProviderHealth = Health["providers"][number]
export type Env = typeof EnvView.Type
export type Usage = typeof UsageView.Type
export type Log = typeof RequestLogView.Type
export type Tokens = typeof TokenList.Type

export interface Loaded {
  doc: Doc
  health: Health
  env: Env
  usage: Usage
  tokens: Tokens
  log: Log
}

export const state = {
  /** null until signed in and read once */
  loaded: null as Loaded | null,
  /** the token created last, shown once and filled into the Claude Code snippet */
  newToken: null as string | null,
  variant: "url-token" as Env["variants"][number]["id"],
  form: "shell" as "shell" | "settings",
  /** the provider whose edit form is open */
  editing: null as string | null,
  adding: false,
  tests: {} as Record<string, ProviderTestResult>,
  /** the raw editor holds text the user changed: a refresh leaves it alone */
  rawDirty: false,
  /** the version the raw editor's text was made from */
  rawDoc: null as Doc | null,
  /** health changed while the provider list could not be redrawn */
  providersStale: false
}

/** The loaded state; only called by what runs after sign-in. */
export const loaded = (): Loaded => {
  if (state.loaded === null) throw new Error("not loaded yet")
  return state.loaded
}

/** Configured by FAILOVER_CONFIG: the page only reads. */
export const readOnlyNote = () =>
  state.loaded?.doc.source === "FAILOVER_CONFIG"
    ? "Read-only: this deployment's configuration comes from the FAILOVER_CONFIG variable. Change it there and deploy again; health, usage and provider tests work as usual."
    : ""

const renderers: Array<() => void> = []
export const onRender = (render: () => void) => renderers.push(render)
export const renderAll = () => renderers.forEach((render) => render())

export const refresh = async () => {
  const [doc, health, env, usage, tokens, log] = await Promise.all([
    api((c) => c.config.getConfig()),
    api((c) => c.health.getHealth()),
    api((c) => c.env.getEnv()),
    api((c) => c.usage.getUsage()),
    api((c) => c.tokens.listTokens()),
    api((c) => c.usage.getRequestLog())
  ])
  state.loaded = { doc, health, env, usage, tokens, log }
  renderAll()
}
