/**
 * The admin page's script, part one: the API client, sign-in, tokens, the Claude Code snippet,
 * settings and the raw JSON editor. Plain DOM; every value from the API goes in as text.
 */
export const coreScript = String.raw`
var TOKEN_KEY = "claude-failover-admin-token";
var state = { doc: null, health: null, env: null, usage: null, tokens: null, newToken: null, variant: "url-token",
  form: "shell", editing: null, adding: false, tests: {}, rawDirty: false, providersStale: false };
var uid = 0;
function nextId(prefix) { uid += 1; return prefix + "-" + uid; }
function $(sel, root) { return (root || document).querySelector(sel); }
function append(el, c) {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
  el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
}
function h(tag, props) {
  var el = document.createElement(tag);
  Object.keys(props || {}).forEach(function (k) {
    var v = props[k];
    if (v === undefined || v === null || v === false) return;
    if (k === "text") el.textContent = v;
    else if (k === "class") el.className = v;
    else if (k.indexOf("on") === 0) el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else el.setAttribute(k, v === true ? "" : String(v));
  });
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}
var toastTimer = 0;
function toast(message) {
  var t = $("#toast"); t.textContent = message;
  clearTimeout(toastTimer); toastTimer = setTimeout(function () { t.textContent = ""; }, 4000);
}
function errorMessage(e) {
  if (e && e.body && e.body.error && e.body.error.message) return e.body.error.message;
  return e && e.message ? e.message : "request failed";
}
function ApiError(status, body) { this.status = status; this.body = body; this.message = "HTTP " + status; }
function adminToken() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
function readOnlyNote() {
  return state.doc && state.doc.source === "FAILOVER_CONFIG"
    ? "Read-only: this deployment's configuration comes from the FAILOVER_CONFIG variable. Change it there and deploy again; health, usage and provider tests work as usual."
    : "";
}

async function call(method, path, body, ifMatch) {
  var token = adminToken();
  var headers = { authorization: "Bearer " + token };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (ifMatch) headers["if-match"] = ifMatch;
  var res = await fetch("/admin/api" + path, { method: method, headers: headers, cache: "no-store", credentials: "omit",
    body: body === undefined ? undefined : (typeof body === "string" ? body : JSON.stringify(body)) });
  var text = await res.text();
  var data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: { message: text } }; }
  // A refusal of a token no longer in use (a late answer to a wrong one, after signing in again) signs nobody out.
  if (res.status === 401) { if (adminToken() === token) signOut("The admin token was refused. Sign in again."); throw new ApiError(401, data); }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Show a 400's issues next to the inputs whose data-path matches (after removing prefix). */
function showIssues(root, e, prefix) {
  root.querySelectorAll("[aria-invalid=true]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  root.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
  var general = root.querySelector(".form-error");
  if (general) general.textContent = "";
  var issues = e && e.body && e.body.issues ? e.body.issues : [];
  if (issues.length === 0 && general) { general.textContent = errorMessage(e); return; }
  var first = null;
  issues.forEach(function (issue) {
    var path = issue.path;
    if (prefix && path.indexOf(prefix) === 0) path = path.slice(prefix.length).replace(/^\./, "");
    var target = null, probe = path;
    while (probe && !target) {
      target = root.querySelector("[data-path=\"" + CSS.escape(probe) + "\"]");
      if (!target) probe = probe.replace(/(\.[^.\[]*|\[\d+\])$/, "");
    }
    var slot = target ? root.querySelector("#" + CSS.escape(target.getAttribute("aria-errormessage") || "")) : null;
    if (target && slot) {
      target.setAttribute("aria-invalid", "true");
      slot.textContent = (slot.textContent ? slot.textContent + " " : "") + issue.message;
      if (!first) first = target;
    } else if (general) {
      general.textContent = (general.textContent ? general.textContent + " " : "") + issue.path + ": " + issue.message;
    }
  });
  if (first && first.focus) first.focus();
}
function field(label, input, path, hint) {
  var id = input.id || nextId("f"); input.id = id;
  var err = nextId("err");
  input.setAttribute("data-path", path);
  input.setAttribute("aria-errormessage", err);
  input.setAttribute("aria-describedby", err + (hint ? " " + id + "-hint" : ""));
  if (input.type === "checkbox") {
    return h("div", { class: "field" }, h("label", { class: "check", for: id }, input, " " + label),
      hint ? h("span", { class: "hint", id: id + "-hint", text: hint }) : null, h("p", { class: "field-error", id: err }));
  }
  return h("div", { class: "field" }, h("label", { for: id, text: label }), input,
    hint ? h("span", { class: "hint", id: id + "-hint", text: hint }) : null, h("p", { class: "field-error", id: err }));
}

// ----------------------------------------------------------------------------------- sign-in
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("#app").hidden = true; $("#login").hidden = false;
  $("#login-error").textContent = message || "";
  $("#login-token").value = ""; $("#login-token").focus();
}
async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try { await refresh(); } catch (e) { if (e.status !== 401) $("#login-error").textContent = errorMessage(e); return; }
  $("#login").hidden = true; $("#app").hidden = false;
  $("#providers-title").focus();
}
function start() {
  $("#login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var token = $("#login-token").value.trim();
    if (token) signIn(token);
  });
  $("#sign-out").addEventListener("click", function () { signOut("Signed out."); });
  $("#providers-title").setAttribute("tabindex", "-1");
  wireTokens(); wireEnv(); wireRaw(); wireProviders(); wireLog();
  $("#usage-refresh").addEventListener("click", function () { refresh().then(function () { toast("Usage refreshed"); }); });
  if (adminToken()) signIn(adminToken()); else signOut("");
  setInterval(liveRefresh, LIVE_MS);
}


async function refresh() {
  var r = await Promise.all([call("GET", "/config"), call("GET", "/health"), call("GET", "/env"), call("GET", "/usage"), call("GET", "/tokens"), call("GET", "/log")]);
  state.doc = r[0]; state.health = r[1]; state.env = r[2]; state.usage = r[3]; state.tokens = r[4]; state.log = r[5];
  renderAll();
}
function renderAll() {
  $("#doc-state").textContent = readOnlyNote() || (state.doc.stored ? "" : state.doc.source === "variables"
    ? "Nothing is stored yet: the chain the configuration variables describe is in force. Any change stores a document."
    : "Nothing is stored yet: the built-in default chain is in force. Any change stores a document.");
  // Configured by FAILOVER_CONFIG: the page only reads; the controls that would write are off.
  document.querySelectorAll("#add-provider, #token-create button[type=submit], #raw-save, #settings-form button[type=submit]")
    .forEach(function (el) { el.disabled = !!readOnlyNote(); });
  // A provider form being filled in is not redrawn (that would wipe what was typed); it redraws on save or cancel.
  if (!state.adding && !state.editing) renderProviders();
  renderTokens(); renderEnv(); renderSettings(); renderUsage(); renderLog();
  if (!state.rawDirty) setRaw();
}

// ------------------------------------------------------------------------------------ tokens
function wireTokens() {
  $("#token-create").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var note = $("#token-note").value.trim();
    try {
      var created = await call("POST", "/tokens", note ? { note: note } : {});
      state.newToken = created.token;
      $("#token-note").value = "";
      $("#token-new-value").value = created.token;
      $("#token-new").hidden = false; $("#token-new").focus();
      await refresh(); toast("Token created. Copy it now: it is not shown again.");
    } catch (e) { toast(errorMessage(e)); }
  });
  $("#token-new-copy").addEventListener("click", function () { copy($("#token-new-value").value, "Token copied"); });
}
function renderTokens() {
  var body = $("#token-table tbody"); body.textContent = "";
  // From the token list: each carries its id, which stays right if another admin changes the list meanwhile.
  var tokens = state.tokens.tokens;
  if (tokens.length === 0) body.appendChild(h("tr", {}, h("td", { colspan: "4", class: "muted", text: "No access tokens yet." })));
  tokens.forEach(function (t, i) {
    var note = h("input", { value: t.note || "", "aria-label": "Note for token " + (i + 1), autocomplete: "off" });
    body.appendChild(h("tr", {}, h("td", { text: String(i + 1) }), h("td", {}, h("code", { text: t.token })),
      h("td", {}, note),
      h("td", {}, h("div", { class: "row" },
        h("button", { type: "button", text: "Save note", "aria-label": "Save note of token " + (i + 1), onclick: function () {
          call("PUT", "/tokens/" + t.id + "/note", note.value.trim() ? { note: note.value.trim() } : {})
            .then(function () { return refresh(); }).then(function () { toast("Note saved"); }, function (e) { toast(errorMessage(e)); });
        } }),
        h("button", { type: "button", class: "danger", text: "Delete", "aria-label": "Delete token " + (i + 1), onclick: function () {
          if (!confirm("Delete access token " + (i + 1) + "? Clients using it stop reaching keyed providers.")) return;
          call("DELETE", "/tokens/" + t.id).then(function () { return refresh(); })
            .then(function () { toast("Token deleted"); }, function (e) { toast(errorMessage(e)); });
        } })))));
  });
}

// ------------------------------------------------------------------------- Claude Code snippet
function wireEnv() {
  document.querySelectorAll("input[name=env-form]").forEach(function (r) {
    r.addEventListener("change", function () { state.form = r.value; renderEnv(); });
  });
  $("#env-copy").addEventListener("click", function () { copy($("#env-snippet").textContent, "Snippet copied"); });
}
function snippetText() {
  var v = state.env.variants.filter(function (x) { return x.id === state.variant; })[0] || state.env.variants[0];
  var text = state.form === "shell" ? v.shell : v.settingsJson;
  return state.newToken ? text.split(state.env.tokenPlaceholder).join(state.newToken) : text;
}
function renderEnv() {
  var box = $("#env-variants"); box.textContent = "";
  state.env.variants.forEach(function (v) {
    var input = h("input", { type: "radio", name: "env-variant", value: v.id, checked: v.id === state.variant,
      onchange: function () { state.variant = v.id; renderEnv(); } });
    box.appendChild(h("label", { class: "check" }, input, " " + v.title));
  });
  $("#env-snippet").textContent = snippetText();
  var usesToken = state.variant !== "own-credential";
  $("#env-note").textContent = !usesToken ? (state.env.needsToken ? "Keyed fallback providers are skipped without a token." : "")
    : state.newToken ? "Includes the token you just created." : "Replace " + state.env.tokenPlaceholder + " with an access token (create one above to fill it in).";
}
async function copy(text, done) {
  try { await navigator.clipboard.writeText(text); toast(done); }
  catch (e) { toast("Copy failed: select the text and copy it by hand."); }
}

// ----------------------------------------------------------------------------------- settings
function humanize(key) { return key.replace(/([A-Z])/g, " $1").replace(/^./, function (c) { return c.toUpperCase(); }); }
// Every setting in plain words, grouped; its name in the config document in small type under it.
var SETTING_GROUPS = [
  ["Retries", [
    ["retryBaseDelayMs", "First retry after (ms)", "A provider's retries wait this long, then twice as long, with jitter."],
    ["maxRetryAfterMs", "Longest Retry-After to wait for (ms)", "When a provider asks for a longer wait, the next provider takes the request at once."]]],
  ["Circuit breaker", [
    ["cooldown.threshold", "Failures in a row before resting", "After this many, the provider is skipped for a while."],
    ["cooldown.baseMs", "First rest (ms)", "How long a failing provider is skipped at first; longer when it keeps failing."],
    ["cooldown.maxMs", "Longest rest (ms)", "The most a failing provider is skipped at once; then one request probes it."],
    ["credentialCooldownMaxMs", "Longest pause for a limited credential (ms)", "After a 429 to a caller's own key or login, that provider is skipped for that credential until the limit lifts, at most this long. 0 turns it off."]]],
  ["Streams", [
    ["stream.firstEventTimeoutMs", "Wait for the first content (ms)", "A stream with nothing to show by then fails over."],
    ["stream.idleTimeoutMs", "Longest silence once flowing (ms)", "A stream quiet for longer ends with an error event."],
    ["stream.keepAliveMs", "Ping the client after (ms)", "While the answer is not ready, the client's stream starts with pings."],
    ["stripBillingCch", "Keep prompt caching hitting", "Removes the volatile cch value from Claude Code's billing block."]]],
  ["Browser access", [
    ["allowedOrigins", "Browser origins allowed to call /v1", "Exact origins such as https://app.example.com, one per line; * only if you mean it."]]],
  ["Direct routes", [
    ["directRoutes", "Translate for callers with their own key", "Turns on /openai/<host>/…, /openai-responses/<host>/… and /gemini/<host>/…"],
    ["directHosts", "Hosts the direct routes may reach", "host or host:port, one per line."]]]
];
function settingAt(obj, path) { return path.split(".").reduce(function (o, k) { return o === undefined || o === null ? undefined : o[k]; }, obj); }
function settingInput(v, path) {
  var input;
  if (typeof v === "boolean") input = h("input", { type: "checkbox", checked: v, "data-kind": "boolean" });
  else if (typeof v === "number") input = h("input", { type: "number", value: String(v), "data-kind": "number", inputmode: "numeric" });
  else if (Array.isArray(v)) input = h("textarea", { rows: "3", value: v.join("\n"), "data-kind": "list" });
  else input = h("input", { value: String(v), "data-kind": "string" });
  input.setAttribute("data-key", path);
  return input;
}
function settingField(settings, path, label, hint) {
  var v = settingAt(settings, path);
  if (v === undefined) return null;
  var f = field(label, settingInput(v, path), path, hint);
  f.appendChild(h("code", { class: "config-name", text: "settings." + path }));
  return f;
}
function settingsFields(settings) {
  var known = {};
  var groups = SETTING_GROUPS.map(function (g) {
    return h("fieldset", { "data-group": g[0] }, h("legend", { text: g[0] }), h("div", { class: "grid" }, g[1].map(function (s) {
      known[s[0]] = true;
      return settingField(settings, s[0], s[1], s[2]);
    })));
  });
  // Whatever has no words yet is still editable, under its own name.
  var rest = [];
  (function walk(obj, prefix) {
    Object.keys(obj).forEach(function (key) {
      var path = prefix ? prefix + "." + key : key, v = obj[key];
      if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(v, path);
      else if (!known[path]) rest.push(settingField(settings, path, humanize(key), null));
    });
  })(settings, "");
  if (rest.length > 0) groups.push(h("fieldset", { "data-group": "other" }, h("legend", { text: "Other" }), h("div", { class: "grid" }, rest)));
  return groups;
}
function renderSettings() {
  var form = $("#settings-form"); form.textContent = "";
  append(form, [settingsFields(state.doc.settings || {}), h("p", { class: "form-error error", role: "alert" }),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", text: "Save settings" }))]);
}
function readSettings(form) {
  var out = {};
  form.querySelectorAll("[data-key]").forEach(function (el) {
    var parts = el.getAttribute("data-key").split("."), target = out;
    parts.slice(0, -1).forEach(function (p) { target = target[p] = target[p] || {}; });
    var kind = el.getAttribute("data-kind"), key = parts[parts.length - 1];
    if (kind === "boolean") target[key] = el.checked;
    else if (kind === "number") { if (el.value.trim() !== "") target[key] = Number(el.value); }
    else if (kind === "list") target[key] = el.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    else target[key] = el.value;
  });
  return out;
}

// ----------------------------------------------------------------------------- raw JSON editor
function setRaw() {
  var doc = Object.assign({}, state.doc); delete doc.stored; delete doc.etag;
  $("#raw-json").value = JSON.stringify(doc, null, 2);
  // The version the text was made from: a save applies only to it (If-Match).
  state.rawDoc = state.doc;
  state.rawDirty = false; clearRawIssues();
}
function clearRawIssues() { $("#raw-issues-box").hidden = true; $("#raw-issues").textContent = ""; $("#raw-json").removeAttribute("aria-invalid"); }
/** Where each path's value sits in the JSON text: path -> [start, end]. */
function locate(text) {
  var map = {}, i = 0;
  function ws() { while (i < text.length && /\s/.test(text[i])) i++; }
  function str() { var s = i; i++; while (i < text.length && text[i] !== "\"") { if (text[i] === "\\") i++; i++; } i++; return JSON.parse(text.slice(s, i)); }
  function value(path) {
    ws(); var start = i, c = text[i];
    if (c === "{") {
      i++; ws();
      if (text[i] === "}") i++;
      else for (;;) { ws(); var ks = i, k = str(), child = path ? path + "." + k : k; map[child + "#key"] = [ks, i]; ws(); i++; value(child); ws(); if (text[i++] !== ",") break; }
    } else if (c === "[") {
      i++; ws();
      if (text[i] === "]") i++;
      else for (var n = 0; ; n++) { value(path + "[" + n + "]"); ws(); if (text[i++] !== ",") break; }
    } else if (c === "\"") str();
    else while (i < text.length && /[^,\]}\s]/.test(text[i])) i++;
    map[path] = [start, i];
  }
  try { value(""); } catch (e) { /* partial map */ }
  return map;
}
function rangeOf(text, path) {
  var map = locate(text), probe = path;
  for (;;) {
    if (map[probe + "#key"]) return map[probe + "#key"];
    if (map[probe]) return map[probe];
    if (!probe) return [0, 0];
    probe = probe.replace(/(\.[^.\[]*|\[\d+\])$/, "");
  }
}
function showRawIssues(issues) {
  var text = $("#raw-json").value, list = $("#raw-issues"); list.textContent = "";
  $("#raw-issues-title").textContent = issues.length === 1 ? "The document was not saved: 1 problem." : "The document was not saved: " + issues.length + " problems.";
  issues.forEach(function (issue) {
    var range = rangeOf(text, issue.path), line = text.slice(0, range[0]).split("\n").length;
    list.appendChild(h("li", {}, h("button", { type: "button", class: "issue-path", "aria-label": "Go to " + (issue.path || "the document") + ", line " + line,
      onclick: function () { var t = $("#raw-json"); t.focus(); t.setSelectionRange(range[0], range[1]); } },
      h("code", { text: issue.path || "(document)" }), " line " + line), " " + issue.message));
  });
  $("#raw-json").setAttribute("aria-invalid", "true");
  $("#raw-issues-box").hidden = false;
}
function wireRaw() {
  $("#raw-json").addEventListener("input", function () { state.rawDirty = true; });
  $("#raw-reload").addEventListener("click", function () { refresh().then(setRaw).then(function () { toast("Reloaded"); }); });
  $("#raw-save").addEventListener("click", async function () {
    var text = $("#raw-json").value;
    try { JSON.parse(text); } catch (e) { showRawIssues([{ path: "", message: "not valid JSON: " + e.message }]); return; }
    try {
      var box = $("#raw-conflict");
      if (!box.firstChild) box.appendChild(conflictBox("the document"));
      var saved = await saveWithCheck(box.firstChild, function (version) { return call("PUT", "/config", text, version); }, state.rawDoc.etag, state.rawDoc);
      if (!saved) { setRaw(); toast("Reloaded: the document as it is now"); return; }
      state.rawDirty = false; await refresh(); toast("Document saved");
    } catch (e) {
      if (e.body && e.body.issues) showRawIssues(e.body.issues); else toast(errorMessage(e));
    }
  });
  $("#settings-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var form = ev.currentTarget;
    if (!form.querySelector(".conflict")) form.appendChild(conflictBox("the settings"));
    var values = readSettings(form), shown = state.doc;
    try {
      if (await saveWithCheck(form.querySelector(".conflict"), function (version) { return call("PUT", "/settings", values, version); }, shown.etag, shown)) {
        await refresh(); toast("Settings saved");
      }
    } catch (e) { showIssues(form, e, "settings"); }
  });
}
`
