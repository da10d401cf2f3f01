/**
 * The admin page's script, the conflict part: what happens when a save finds that the configuration
 * changed since the page read it (412 to a write sent with If-Match). What the user typed is kept;
 * the page says what changed underneath and offers to reload (dropping the edit) or to overwrite
 * (sending the edit again against the version now stored).
 */
export const conflictScript = String.raw`
/** A short account of what differs between two documents (as the API shows them, keys masked). */
function describeChange(before, after) {
  var out = [];
  var names = function (d) { return (d && d.providers || []).map(function (p) { return p.name; }); };
  var a = names(before), b = names(after);
  var added = b.filter(function (n) { return a.indexOf(n) < 0; }), removed = a.filter(function (n) { return b.indexOf(n) < 0; });
  if (added.length) out.push("providers added: " + added.join(", "));
  if (removed.length) out.push("providers removed: " + removed.join(", "));
  var changed = b.filter(function (n) { return a.indexOf(n) >= 0; }).filter(function (n) {
    var p = before.providers.filter(function (x) { return x.name === n; })[0], q = after.providers.filter(function (x) { return x.name === n; })[0];
    return JSON.stringify(p) !== JSON.stringify(q);
  });
  if (changed.length) out.push("providers changed: " + changed.join(", "));
  if (!added.length && !removed.length && a.join() !== b.join()) out.push("the chain order changed");
  var tokens = function (d) { return (d && d.accessTokens || []).length; };
  if (tokens(before) !== tokens(after)) out.push("access tokens: " + tokens(before) + " \u2192 " + tokens(after));
  if (JSON.stringify(before && before.settings) !== JSON.stringify(after && after.settings)) out.push("settings changed");
  return out.length ? out : ["the document changed"];
}

/**
 * Shows the conflict in box (an element with a message slot and two buttons) and resolves with the
 * user's choice: "reload" or "overwrite".
 */
function askAboutConflict(box, before, after) {
  var list = box.querySelector(".conflict-changes"); list.textContent = "";
  describeChange(before, after).forEach(function (line) { list.appendChild(h("li", { text: line })); });
  box.hidden = false;
  box.querySelector(".conflict-overwrite").focus();
  return new Promise(function (resolve) {
    var done = function (choice) { return function () { box.hidden = true; resolve(choice); }; };
    box.querySelector(".conflict-reload").onclick = done("reload");
    box.querySelector(".conflict-overwrite").onclick = done("overwrite");
  });
}
function conflictBox(what) {
  return h("div", { class: "conflict", role: "alert", hidden: true },
    h("p", { class: "error", text: "The configuration changed since this page read it: " + what + " was not saved. What you typed is kept." }),
    h("p", { text: "Changed since then:" }), h("ul", { class: "conflict-changes" }),
    h("div", { class: "row" },
      h("button", { type: "button", class: "conflict-overwrite primary", text: "Overwrite with my version" }),
      h("button", { type: "button", class: "conflict-reload", text: "Reload (drop my changes)" })));
}

/**
 * Sends a write made from the version the page showed (If-Match). On a conflict, asks; "overwrite"
 * sends it again against the version now stored, "reload" refreshes. Resolves true when it was saved.
 */
async function saveWithCheck(box, send, version, shown) {
  try { await send(version); return true; }
  catch (e) {
    if (e.status !== 412) throw e;
    var latest = await call("GET", "/config");
    var choice = await askAboutConflict(box, shown, latest);
    if (choice === "reload") { await refresh(); return false; }
    await send(latest.etag);
    return true;
  }
}
`
