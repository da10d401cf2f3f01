/**
 * The admin page's script, part two: provider cards in chain order (reorder by drag or buttons,
 * enable toggle, edit form with a model map editor, test button), with health badges and resets.
 */
export const providersScript = String.raw`
function wireProviders() {
  $("#add-provider").addEventListener("click", function () { state.adding = true; renderProviders(); $("#new-provider input").focus(); });
  $("#reset-all-health").addEventListener("click", function () {
    call("POST", "/health/reset").then(function () { return refresh(); }).then(function () { toast("All breakers reset"); }, function (e) { toast(errorMessage(e)); });
  });
}
function healthOf(name) { return ((state.health && state.health.providers) || []).filter(function (x) { return x.name === name; })[0]; }
function usesCallerKey(p) { return p.format === "anthropic" && !p.apiKey; }
function time(ms) { return new Date(ms).toLocaleTimeString(); }
function enc(name) { return encodeURIComponent(name); }

function renderProviders() {
  state.providersStale = false;
  $("#health-scope").textContent = state.health && state.health.scope === "deployment"
    ? "Health is shared by the whole deployment: every isolate reports to one Durable Object."
    : "Health is this process's own view (no shared state is bound).";
  var list = $("#provider-list"); list.textContent = "";
  var providers = state.doc.providers;
  providers.forEach(function (p, i) { list.appendChild(providerCard(p, i, providers.length)); });
  var slot = $("#new-provider"); slot.textContent = "";
  if (state.adding) slot.appendChild(h("div", { class: "card" }, h("h3", { text: "New provider" }), providerForm(null)));
}
function healthBadge(hl) {
  var s = hl ? hl.state : "closed";
  // A closed circuit whose last requests failed is not healthy yet: say so before the breaker opens.
  var failing = s === "closed" && hl && hl.consecutiveFailures > 0;
  var text = failing ? "failing (" + hl.consecutiveFailures + " in a row)" : s === "closed" ? "healthy" : s === "open" ? "resting until " + time(hl.openUntil) : "probing";
  var cls = failing ? "failing" : s;
  return h("span", { class: "badge " + cls, role: "img", "aria-label": "Circuit " + s + ": " + text, title: "circuit " + s, text: text });
}
function act(promise, done) {
  return promise.then(function () { return refresh(); }).then(function () { if (done) toast(done); }, function (e) { toast(errorMessage(e)); });
}
function move(names, from, to) {
  var order = names.slice(), item = order.splice(from, 1)[0];
  order.splice(to, 0, item);
  return act(call("POST", "/providers/reorder", { names: order }), "Chain reordered");
}
function names() { return state.doc.providers.map(function (p) { return p.name; }); }

function providerCard(p, i, n) {
  var hl = healthOf(p.name), enabled = p.enabled !== false, id = nextId("prov");
  var li = h("li", { class: "card provider" + (enabled ? "" : " disabled"), "data-name": p.name, "aria-labelledby": id });
  var handle = h("span", { class: "handle", draggable: "true", "aria-hidden": "true", title: "Drag to reorder", text: "\u283f" });
  handle.addEventListener("dragstart", function (ev) {
    ev.dataTransfer.setData("text/plain", p.name); ev.dataTransfer.effectAllowed = "move"; ev.dataTransfer.setDragImage(li, 16, 16);
  });
  li.addEventListener("dragover", function (ev) { ev.preventDefault(); li.classList.add("drop-target"); });
  li.addEventListener("dragleave", function () { li.classList.remove("drop-target"); });
  li.addEventListener("drop", function (ev) {
    ev.preventDefault(); li.classList.remove("drop-target");
    var from = names().indexOf(ev.dataTransfer.getData("text/plain"));
    if (from >= 0 && from !== i) move(names(), from, i);
  });
  var toggle = h("input", { type: "checkbox", checked: enabled, onchange: function () {
    act(call("PUT", "/providers/" + enc(p.name) + "/enabled", { enabled: toggle.checked }), p.name + (toggle.checked ? " enabled" : " disabled"));
  } });
  var head = h("div", { class: "card-head" },
    handle,
    h("span", { class: "pos", "aria-label": "Position " + (i + 1), text: String(i + 1) }),
    h("h3", { id: id, text: p.name }), h("span", { class: "tag", text: p.format }), healthBadge(hl),
    h("label", { class: "check" }, toggle, " Enabled"));
  var models = p.models ? Object.keys(p.models).map(function (k) { return k + " \u2192 " + p.models[k]; }).join(", ") : "unchanged";
  var meta = h("dl", { class: "meta" },
    h("dt", { text: "Base URL" }), h("dd", {}, p.baseUrl ? h("code", { text: p.baseUrl }) : "the " + p.format + " endpoint of region " + p.region),
    h("dt", { text: "Credential" }), h("dd", { text: credentialText(p) }),
    h("dt", { text: "Models" }), h("dd", { text: models }),
    h("dt", { text: "Health" }), h("dd", { class: "health-detail" }, healthText(hl)));
  var actions = h("div", { class: "actions" },
    h("button", { type: "button", text: "Move up", disabled: i === 0, "aria-label": "Move " + p.name + " up", onclick: function () { move(names(), i, i - 1); } }),
    h("button", { type: "button", text: "Move down", disabled: i === n - 1, "aria-label": "Move " + p.name + " down", onclick: function () { move(names(), i, i + 1); } }),
    h("button", { type: "button", text: "Edit", "aria-expanded": String(state.editing === p.name), "aria-label": "Edit " + p.name, onclick: function () {
      state.editing = state.editing === p.name ? null : p.name; renderProviders();
      var f = $("#provider-list form.editor input"); if (f) f.focus();
    } }),
    h("button", { type: "button", text: "Reset health", "aria-label": "Reset health of " + p.name, onclick: function () {
      act(call("POST", "/health/" + enc(p.name) + "/reset"), "Breaker of " + p.name + " reset");
    } }),
    h("button", { type: "button", class: "danger", text: "Delete", "aria-label": "Delete " + p.name, onclick: function () {
      if (confirm("Delete provider " + p.name + "?")) act(call("DELETE", "/providers/" + enc(p.name)), p.name + " deleted");
    } }));
  append(li, [head, meta, actions, testBox(p), state.editing === p.name ? providerForm(p) : null]);
  return li;
}
function healthText(hl) {
  var cooling = hl && hl.credentialCooldowns;
  var cools = cooling ? cooling.count + (cooling.count === 1 ? " caller's credential" : " callers' credentials") +
    " cooling down after a limit, the first back at " + new Date(cooling.soonestReset).toLocaleString() : null;
  if (!hl || hl.requests === 0) return cools || "no requests yet";
  var parts = [hl.successes + " ok, " + hl.failures + " failed of " + hl.requests];
  if (cools) parts.push(cools);
  if (hl.consecutiveFailures) parts.push(hl.consecutiveFailures + " failures in a row");
  if (hl.lastSuccessAt) parts.push("last success " + time(hl.lastSuccessAt));
  if (hl.lastError) parts.push("last error " + time(hl.lastError.at) + ": " + hl.lastError.message);
  return parts.join("; ");
}

function testBox(p) {
  var box = h("div", { class: "test-box" }), key = null;
  if (usesCallerKey(p)) {
    key = h("input", { type: "password", autocomplete: "off", class: "test-key", placeholder: "sk-ant-..." });
    box.appendChild(field("Your API key for the test (sent once, not stored)", key, "apiKey"));
  }
  var out = h("div", { class: "test-result", role: "status", "aria-live": "polite" });
  var button = h("button", { type: "button", text: "Test " + p.name, onclick: async function () {
    button.disabled = true; out.textContent = "Testing " + p.name + "\u2026";
    try {
      state.tests[p.name] = await call("POST", "/providers/" + enc(p.name) + "/test", key && key.value ? { apiKey: key.value } : {});
    } catch (e) { state.tests[p.name] = { ok: false, status: null, latencyMs: 0, error: { type: "request", message: errorMessage(e) } }; }
    button.disabled = false; renderTest(out, state.tests[p.name]);
  } });
  box.appendChild(h("div", { class: "row" }, button));
  box.appendChild(out);
  if (state.tests[p.name]) renderTest(out, state.tests[p.name]);
  return box;
}
function renderTest(out, r) {
  out.textContent = "";
  var status = r.status === null ? "no HTTP status" : "HTTP " + r.status;
  append(out, h("p", { class: r.ok ? "result-ok" : "result-bad",
    text: (r.ok ? "\u2713 Works: " : "\u2717 Failed: ") + status + " in " + r.latencyMs + " ms" + (r.model ? " (model " + r.model + ")" : "") +
      (r.error ? " \u2014 " + r.error.type + ": " + r.error.message : "") }));
  if (r.error && r.error.body) append(out, h("pre", { class: "test-body", text: r.error.body }));
}

function mapEditor(title, path, map, placeholders) {
  var rows = h("div", { class: "map-rows" }), err = nextId("err");
  var box = h("fieldset", { "data-path": path, "aria-errormessage": err, "aria-describedby": err }, h("legend", { text: title }), rows);
  function addRow(k, v) {
    var a = nextId("mk"), b = nextId("mv");
    var row = h("div", { class: "map-row" },
      h("label", { class: "sr-only", for: a, text: title + ": match" }), h("input", { id: a, class: "map-key", value: k, placeholder: placeholders[0], autocomplete: "off" }),
      h("span", { class: "arrow", "aria-hidden": "true", text: "\u2192" }),
      h("label", { class: "sr-only", for: b, text: title + ": becomes" }), h("input", { id: b, class: "map-value", value: v, placeholder: placeholders[1], autocomplete: "off" }),
      h("button", { type: "button", class: "danger", text: "\u2715", "aria-label": "Remove this row of " + title, onclick: function () { row.remove(); } }));
    rows.appendChild(row);
    return row;
  }
  Object.keys(map || {}).forEach(function (k) { addRow(k, map[k]); });
  append(box, [h("button", { type: "button", text: "Add row", "aria-label": "Add a row to " + title, onclick: function () { addRow("", "").querySelector("input").focus(); } }),
    h("p", { class: "field-error", id: err })]);
  box.fill = function (next) {
    rows.textContent = "";
    Object.keys(next || {}).forEach(function (k) { addRow(k, next[k]); });
  };
  box.read = function () {
    var out = {}, any = false;
    rows.querySelectorAll(".map-row").forEach(function (row) {
      var k = row.querySelector(".map-key").value.trim();
      if (k) { out[k] = row.querySelector(".map-value").value; any = true; }
    });
    return any ? out : undefined;
  };
  return box;
}

function credentialText(p) {
  if (p.aws) return "AWS access key " + p.aws.accessKeyId + (p.aws.sessionToken ? " with a session token" : "");
  if (p.serviceAccount) return "service account " + p.serviceAccount.client_email;
  return p.apiKey ? "stored key " + p.apiKey : "the caller's own (x-api-key / authorization)";
}

// Bedrock and Vertex fields: region, project, AWS credentials, the service-account JSON.
function cloudFields(v) {
  var aws = v.aws || {};
  var inputs = {
    region: h("input", { value: v.region || "", placeholder: "us-east-1, us-east5, global", autocomplete: "off" }),
    project: h("input", { value: v.project || "", placeholder: "my-gcp-project", autocomplete: "off" }),
    accessKeyId: h("input", { value: aws.accessKeyId || "", autocomplete: "off", placeholder: "AKIA…" }),
    secretAccessKey: h("input", { type: "password", value: aws.secretAccessKey || "", autocomplete: "off" }),
    sessionToken: h("input", { type: "password", value: aws.sessionToken || "", autocomplete: "off", placeholder: "only for temporary credentials" }),
    serviceAccount: h("textarea", { rows: 3, spellcheck: false, placeholder: "the service-account key JSON, as Google issues it", text: v.serviceAccount ? JSON.stringify(v.serviceAccount, null, 2) : "" })
  };
  var upload = h("input", { type: "file", accept: ".json,application/json" });
  upload.addEventListener("change", function () {
    var file = upload.files && upload.files[0];
    if (file) file.text().then(function (text) { inputs.serviceAccount.value = text; });
  });
  var box = only(h("fieldset", { class: "cloud" }, h("legend", { text: "Cloud" }),
    h("div", { class: "grid" }, only(field("Region (bedrock, vertex)", inputs.region, "region"), "bedrock vertex"),
      only(field("Project (vertex)", inputs.project, "project"), "vertex"),
      only(field("AWS access key id (bedrock)", inputs.accessKeyId, "aws.accessKeyId"), "bedrock"),
      only(field("AWS secret access key (bedrock)", inputs.secretAccessKey, "aws.secretAccessKey"), "bedrock"),
      only(field("AWS session token (bedrock)", inputs.sessionToken, "aws.sessionToken"), "bedrock")),
    only(field("Service account key JSON (vertex)", inputs.serviceAccount, "serviceAccount", "Leave the masked private_key to keep the stored key."), "vertex"),
    only(field("Service account key file (vertex)", upload, "serviceAccountFile", "Fills the JSON above from the file Google gave you."), "vertex")), "bedrock vertex");
  box.setRegion = function (region) { if (region) inputs.region.value = region; };
  // Writes the fields into out; throws with an issue when the JSON does not parse.
  box.apply = function (out) {
    var text = function (k) { return inputs[k].value.trim(); };
    ["region", "project"].forEach(function (k) { if (text(k)) out[k] = text(k); else delete out[k]; });
    if (text("accessKeyId") || text("secretAccessKey")) {
      out.aws = { accessKeyId: text("accessKeyId"), secretAccessKey: text("secretAccessKey") };
      if (text("sessionToken")) out.aws.sessionToken = text("sessionToken");
    } else delete out.aws;
    if (text("serviceAccount")) {
      try { out.serviceAccount = JSON.parse(text("serviceAccount")); }
      catch (e) { throw { body: { issues: [{ path: "serviceAccount", message: "is not JSON: paste the key file as Google issued it" }] } }; }
    } else delete out.serviceAccount;
  };
  return box;
}

var NUMBER_LABELS = {
  retries: "Retries on 429/5xx",
  timeoutMs: "Wait for a stream to start (ms)",
  nonStreamingTimeoutMs: "Wait for a whole answer (ms)",
  maxTokens: "Most output tokens to ask for"
};
var BASE_URL_HINTS = {
  anthropic: "https://api.anthropic.com", openai: "https://openrouter.ai/api/v1", "openai-responses": "https://api.openai.com/v1",
  gemini: "https://generativelanguage.googleapis.com", bedrock: "from the region (set it for a private endpoint)", vertex: "from the region (set it for a private endpoint)"
};

function providerForm(p) {
  // The version this form was opened on: saving applies only to it, or asks (PageConflict).
  var shown = state.doc;
  var isNew = p === null, v = p || { format: "anthropic" };
  var name = h("input", { value: v.name || "", required: true, autocomplete: "off" });
  var format = h("select", {}, ["anthropic", "openai", "openai-responses", "gemini", "bedrock", "vertex"].map(function (f) { return h("option", { value: f, text: f, selected: v.format === f }); }));
  var baseUrl = h("input", { type: "url", value: v.baseUrl || "", placeholder: "https://api.anthropic.com (bedrock, vertex: from the region)", autocomplete: "off" });
  var apiKey = h("input", { type: "password", value: v.apiKey || "", autocomplete: "off", placeholder: "none: forward the caller's key" });
  var enabled = h("input", { type: "checkbox", checked: v.enabled !== false });
  var defaults = { retries: "1", timeoutMs: "60000", nonStreamingTimeoutMs: "900000", maxTokens: "no limit" };
  var numbers = Object.keys(defaults).map(function (k) {
    return [k, h("input", { type: "number", value: v[k] === undefined ? "" : String(v[k]), inputmode: "numeric", placeholder: defaults[k] })];
  });
  var tokenField = h("select", {}, ["", "max_tokens", "max_completion_tokens"].map(function (f) {
    return h("option", { value: f, text: f || "default", selected: (v.tokenField || "") === f });
  }));
  var echo = h("input", { type: "checkbox", checked: !!(v.reasoning && v.reasoning.echo) });
  var summary = h("select", {}, ["", "auto", "concise", "detailed"].map(function (f) {
    return h("option", { value: f, text: f || "none", selected: ((v.reasoning && v.reasoning.summary) || "") === f });
  }));
  var models = mapEditor("Model map", "models", v.models, ["claude-*-haiku-*", "target-model"]);
  var headers = mapEditor("Extra headers", "headers", v.headers, ["header-name", "value or {apiKey}"]);
  var cloud = cloudFields(v);
  var form;
  var picker = isNew ? presetPicker(function (preset) {
    if (preset.format) format.value = preset.format;
    if (preset.name && (!name.value || name.getAttribute("data-preset") === name.value)) { name.value = preset.name; name.setAttribute("data-preset", preset.name); }
    baseUrl.value = preset.baseUrl || "";
    models.fill(preset.models);
    echo.checked = !!preset.echo;
    cloud.setRegion(preset.region);
    formatChanged();
  }) : null;
  form = h("form", { class: "editor", novalidate: true, "aria-label": isNew ? "New provider" : "Edit " + v.name }, picker,
    h("div", { class: "grid" }, field("Name", name, "name"), field("Format", format, "format"), field("Base URL", baseUrl, "baseUrl"),
      only(field("API key", apiKey, "apiKey", isNew ? "Bedrock: a Bedrock API key instead of the AWS key pair." : "Leave the masked value to keep the stored key."), "anthropic openai openai-responses gemini bedrock")),
    h("div", { class: "grid" }, numbers.map(function (e) { return field(NUMBER_LABELS[e[0]], e[1], e[0]); }),
      only(field("Token field (openai)", tokenField, "tokenField"), "openai")),
    h("div", { class: "row" }, field("Enabled", enabled, "enabled"), only(field("Echo reasoning (openai)", echo, "reasoning"), "openai"),
      only(field("Reasoning summary (openai-responses)", summary, "reasoning"), "openai-responses")),
    models, headers, cloud, h("p", { class: "form-error error", role: "alert" }),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", text: isNew ? "Add provider" : "Save " + v.name }),
      h("button", { type: "button", text: "Cancel", onclick: function () { state.adding = false; state.editing = null; renderProviders(); } })));
  var formatChanged = function () { showFieldsFor(form, format.value); baseUrl.placeholder = BASE_URL_HINTS[format.value] || ""; };
  format.addEventListener("change", formatChanged);
  formatChanged();
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var out = Object.assign({}, v, { name: name.value.trim(), format: format.value, baseUrl: baseUrl.value.trim(), enabled: enabled.checked });
    if (!out.baseUrl) delete out.baseUrl;
    if (apiKey.value.trim()) out.apiKey = apiKey.value.trim(); else delete out.apiKey;
    numbers.forEach(function (e) { if (e[1].value.trim() === "") delete out[e[0]]; else out[e[0]] = Number(e[1].value); });
    if (tokenField.value) out.tokenField = tokenField.value; else delete out.tokenField;
    var reasoning = {};
    if (echo.checked) reasoning.echo = true;
    if (summary.value) reasoning.summary = summary.value;
    if (Object.keys(reasoning).length) out.reasoning = reasoning; else delete out.reasoning;
    var m = models.read(), hd = headers.read();
    if (m) out.models = m; else delete out.models;
    if (hd) out.headers = hd; else delete out.headers;
    var index = isNew ? state.doc.providers.length : names().indexOf(v.name);
    try { cloud.apply(out); } catch (e) { showIssues(form, e, ""); return; }
    if (!form.querySelector(".conflict")) form.appendChild(conflictBox("this provider"));
    try {
      // Made from the version the page showed: If-Match, and a conflict is asked about.
      var send = function (version) { return isNew ? call("POST", "/providers", out, version) : call("PUT", "/providers/" + enc(v.name), out, version); };
      if (!(await saveWithCheck(form.querySelector(".conflict"), send, shown.etag, shown))) return;
      state.adding = false; state.editing = null;
      await refresh(); toast(isNew ? "Provider " + out.name + " added" : "Provider " + out.name + " saved");
    } catch (e) { showIssues(form, e, "providers[" + index + "]"); }
  });
  return form;
}
`
