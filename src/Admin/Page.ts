/**
 * `GET /admin`: the admin page. One HTML document with its stylesheet and script inline, served by
 * the Worker itself (no CDN, no separate deploy). It asks for the admin token, keeps it in this tab's
 * session storage, and talks to /admin/api with it as a Bearer header; the token never goes in a URL.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect, Encoding } from "effect"
import { conflictScript } from "./PageConflict.js"
import { coreScript } from "./PageScript.js"
import { providersScript } from "./PageProviders.js"
import { logScript } from "./PageLog.js"
import { presetsScript } from "./PagePresets.js"
import { usageScript } from "./PageUsage.js"
import { style } from "./PageStyle.js"

const body = String.raw`
<div id="login" hidden>
  <main>
    <form id="login-form" class="card" aria-labelledby="login-title">
      <h1 id="login-title">claude-failover admin</h1>
      <label for="login-token">Admin token</label>
      <input id="login-token" name="token" type="password" autocomplete="current-password" required aria-describedby="login-hint login-error">
      <p id="login-hint" class="hint">The Worker's ADMIN_TOKEN. Kept only in this tab's session storage and sent as a Bearer header.</p>
      <p id="login-error" class="error" role="alert"></p>
      <button type="submit" class="primary">Sign in</button>
    </form>
  </main>
</div>
<div id="app" hidden>
  <header>
    <div class="inner">
      <h1>claude-failover</h1>
      <nav aria-label="Sections"><ul>
        <li><a href="#providers">Providers</a></li><li><a href="#requests">Requests</a></li><li><a href="#tokens">Access tokens</a></li>
        <li><a href="#env">Claude Code</a></li><li><a href="#settings">Settings</a></li>
        <li><a href="#usage">Usage</a></li><li><a href="#raw">Raw JSON</a></li>
      </ul></nav>
      <button type="button" id="sign-out">Sign out</button>
    </div>
  </header>
  <main>
    <p id="doc-state" class="hint"></p>
    <section id="providers" aria-labelledby="providers-title">
      <div class="row spread">
        <h2 id="providers-title">Providers</h2>
        <div class="row">
          <button type="button" id="reset-all-health">Reset all breakers</button>
          <button type="button" id="add-provider" class="primary">Add provider</button>
        </div>
      </div>
      <p class="hint">Requests try the providers in this order. Drag a card or use Move up / Move down to reorder.</p>
      <p id="health-scope" class="hint"></p>
      <div id="new-provider"></div>
      <ol id="provider-list" class="providers" aria-label="Provider chain"></ol>
    </section>
    <section id="tokens" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Access tokens</h2>
      <p class="hint">Providers with stored keys serve only requests that carry one of these tokens.</p>
      <form id="token-create" class="row">
        <div class="field"><label for="token-note">Note for a new token</label>
          <input id="token-note" name="note" placeholder="laptop" autocomplete="off"></div>
        <button type="submit" class="primary">Create token</button>
      </form>
      <div id="token-new" class="card token-new" role="region" hidden tabindex="-1" aria-labelledby="token-new-title">
        <h3 id="token-new-title">New access token: copy it now, it is shown only once</h3>
        <div class="row"><label for="token-new-value" class="sr-only">New access token</label>
          <input id="token-new-value" class="mono" readonly>
          <button type="button" id="token-new-copy">Copy token</button></div>
      </div>
      <div class="table-wrap"><table id="token-table"><caption class="sr-only">Access tokens</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Token</th><th scope="col">Note</th><th scope="col">Actions</th></tr></thead>
        <tbody></tbody></table></div>
    </section>
    <section id="env" aria-labelledby="env-title">
      <h2 id="env-title">Use it from Claude Code</h2>
      <fieldset><legend>How Claude Code reaches this proxy</legend><div id="env-variants" class="row"></div></fieldset>
      <fieldset><legend>Format</legend><div class="row">
        <label class="check"><input type="radio" name="env-form" value="shell" checked> Shell</label>
        <label class="check"><input type="radio" name="env-form" value="settings"> settings.json</label></div></fieldset>
      <pre id="env-snippet" aria-label="Claude Code settings" tabindex="0"></pre>
      <div class="row"><button type="button" id="env-copy" class="primary">Copy snippet</button>
        <span id="env-note" class="hint"></span></div>
      <p class="hint">Claude Code still needs its own Anthropic credential (your login, <code>ANTHROPIC_API_KEY</code> or
        <code>ANTHROPIC_AUTH_TOKEN</code>): it is passed to Anthropic unchanged, and fallbacks with stored keys never see it.
        The settings.json form goes in <code>~/.claude/settings.json</code> (or a project's <code>.claude/settings.json</code>).</p>
    </section>
    <section id="requests" aria-labelledby="requests-title">
      <div class="row spread"><h2 id="requests-title">Recent requests</h2><button type="button" id="log-refresh">Refresh</button></div>
      <p id="log-scope" class="hint"></p>
      <fieldset><legend>Show</legend><div class="row">
        <label class="check"><input type="radio" name="log-filter" value="all" checked> All</label>
        <label class="check"><input type="radio" name="log-filter" value="failovers"> Failovers</label>
        <label class="check"><input type="radio" name="log-filter" value="errors"> Errors</label></div></fieldset>
      <div class="table-wrap"><table id="log-table"><caption class="sr-only">Recent requests</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Model</th><th scope="col">Providers tried</th><th scope="col">Answered by</th>
          <th scope="col" class="num">Status</th><th scope="col" class="num">First byte / total</th><th scope="col">Tokens · access token</th></tr></thead>
        <tbody></tbody></table></div>
    </section>
    <section id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form id="settings-form" novalidate></form>
    </section>
    <section id="usage" aria-labelledby="usage-title">
      <div class="row spread"><h2 id="usage-title">Usage</h2><button type="button" id="usage-refresh">Refresh</button></div>
      <p id="usage-scope" class="hint"></p>
      <div id="usage-tables"></div>
    </section>
    <section id="raw" aria-labelledby="raw-title">
      <h2 id="raw-title">Raw config document</h2>
      <p class="hint">The whole document as JSON, keys and tokens masked. A masked value sent back keeps the stored secret.
        Everything on this page goes through the admin API: <a href="/admin/api/openapi.json">OpenAPI document</a>.</p>
      <label for="raw-json">Config document (JSON)</label>
      <textarea id="raw-json" spellcheck="false" aria-describedby="raw-issues-title"></textarea>
      <div class="row"><button type="button" id="raw-save" class="primary">Validate and save</button>
        <button type="button" id="raw-reload">Reload from the Worker</button></div>
      <div id="raw-issues-box" hidden role="alert"><p id="raw-issues-title" class="error"></p><ul id="raw-issues"></ul></div>
      <div id="raw-conflict"></div>
    </section>
  </main>
</div>
<div id="toast" class="toast" role="status" aria-live="polite"></div>
`

const html = (nonce: string) =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>claude-failover admin</title>
<style nonce="${nonce}">${style}</style>
</head>
<body>
${body}
<script nonce="${nonce}">"use strict";
(function () {
${coreScript}
${conflictScript}
${presetsScript}
${providersScript}
${usageScript}
${logScript}
start();
})();
</script>
</body>
</html>`

const page = Effect.sync(() => {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  const nonce = Encoding.encodeBase64(bytes)
  return HttpServerResponse.text(html(nonce), {
    contentType: "text/html; charset=utf-8",
    headers: {
      "content-security-policy": [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'"
      ].join("; "),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY"
    }
  })
}).pipe(Effect.withSpan("Admin.page"))

export const routes = HttpLayerRouter.add("GET", "/admin", page)
