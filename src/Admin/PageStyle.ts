/** The admin page's stylesheet: system fonts, light and dark, one column on a phone. */
export const style = String.raw`
:root {
  --bg: #f6f7f9; --fg: #1c2024; --muted: #5b636e; --card: #fff; --line: #d5d9df; --accent: #2f5bd3;
  --accent-fg: #fff; --ok: #1b7f3b; --warn: #9a6700; --bad: #b42318; --code: #eef1f5; --focus: #ffbf47;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --fg: #e7e9ec; --muted: #a2a9b3; --card: #1e2126; --line: #363b43; --accent: #7aa2ff;
    --accent-fg: #0c1020; --ok: #56c27a; --warn: #e0b341; --bad: #ff7b72; --code: #262a31; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
main, header .inner { max-width: 980px; margin: 0 auto; padding: 0 16px; }
header { background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
header .inner { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding-top: 10px; padding-bottom: 10px; }
header h1 { font-size: 1.15rem; margin: 0; flex: 1 1 auto; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 0; padding: 0; font-size: .92rem; }
a { color: var(--accent); }
section { margin: 24px 0; scroll-margin-top: 110px; }
h2 { font-size: 1.2rem; margin: 0 0 8px; }
h3 { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
.hint, .muted { color: var(--muted); font-size: .92rem; }
.row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.spread { justify-content: space-between; }
button, .button { font: inherit; font-size: .95rem; border: 1px solid var(--line); background: var(--card); color: var(--fg);
  border-radius: 8px; padding: 7px 12px; cursor: pointer; min-height: 40px; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
button.danger { color: var(--bad); }
button:disabled { opacity: .45; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input, select, textarea { font: inherit; color: var(--fg); background: var(--card); border: 1px solid var(--line);
  border-radius: 6px; padding: 7px 9px; width: 100%; min-height: 40px; }
input[type=checkbox], input[type=radio] { width: 20px; height: 20px; min-height: 0; margin: 0; accent-color: var(--accent); }
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
[aria-invalid=true] { border-color: var(--bad); box-shadow: 0 0 0 1px var(--bad); }
label { font-weight: 600; font-size: .92rem; }
.check { display: inline-flex; gap: 8px; align-items: center; font-weight: 600; }
.field { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; }
.field-error, .error { color: var(--bad); font-size: .9rem; margin: 0; }
.field-error:empty { display: none; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 14px; }
ol.providers { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 12px; }
.provider.disabled { opacity: .7; }
.provider.drop-target { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent); }
.card-head { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
.card-head h3 { flex: 1 1 auto; }
.handle { cursor: grab; color: var(--muted); font-size: 1.2rem; user-select: none; }
.pos { display: inline-grid; place-items: center; width: 28px; height: 28px; border-radius: 50%; background: var(--code); font-weight: 700; font-size: .9rem; }
.tag { font-size: .8rem; padding: 2px 8px; border-radius: 999px; background: var(--code); }
.badge { font-size: .8rem; font-weight: 700; padding: 2px 10px; border-radius: 999px; border: 1px solid currentColor; }
.badge.closed { color: var(--ok); } .badge.open { color: var(--bad); } .badge.half-open, .badge.failing { color: var(--warn); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 10px 0; font-size: .92rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
code { background: var(--code); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: 10px 12px; border-radius: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 8px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.test-box { margin-top: 10px; display: flex; flex-direction: column; gap: 6px; }
.result-ok { color: var(--ok); font-weight: 600; } .result-bad { color: var(--bad); font-weight: 600; }
form.editor { border-top: 1px dashed var(--line); margin-top: 12px; padding-top: 12px; display: flex; flex-direction: column; gap: 12px; }
.conflict { border: 2px solid var(--bad); border-radius: 8px; padding: 10px 14px; margin-top: 10px; }
.conflict ul { margin: 4px 0 10px 18px; padding: 0; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin: 0; min-width: 0; }
legend { font-weight: 700; font-size: .92rem; padding: 0 4px; }
.map-row { display: grid; grid-template-columns: 1fr auto 1fr auto; gap: 6px; align-items: center; margin-bottom: 6px; }
.table-wrap { overflow-x: auto; }
tr.log-error td, tr.log-error th { background: color-mix(in srgb, var(--danger, #b42318) 10%, transparent); }
tr.log-failover td, tr.log-failover th { background: color-mix(in srgb, #b54708 10%, transparent); }
.usage-svg { width: 100%; height: auto; max-height: 260px; }
.usage-svg .axis { stroke: var(--line); }
.usage-svg .tick { fill: var(--muted); font-size: 11px; }
.usage-svg .series:hover { opacity: .75; }
.usage-svg .mark-failover, .mark-failover-key { fill: #d97706; background: #d97706; border-radius: 50%; }
.usage-svg .mark-error, .mark-error-key { fill: #dc2626; background: #dc2626; }
.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: .85rem; }
.legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; vertical-align: middle; }
.config-name { display: block; font-size: .75rem; color: var(--muted); margin-top: 2px; }
.usage-chart { display: grid; gap: .75rem; margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.token-new { border: 2px solid var(--warn); }
#raw-json { min-height: 360px; }
#raw-issues li { margin: 4px 0; }
.toast { position: fixed; left: 50%; bottom: 16px; transform: translateX(-50%); max-width: calc(100% - 32px);
  background: var(--fg); color: var(--bg); padding: 10px 16px; border-radius: 10px; z-index: 5; }
.toast:empty { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
#login { max-width: 420px; margin: 12vh auto 0; padding: 0 16px; }
#login form { display: flex; flex-direction: column; gap: 10px; }
[hidden] { display: none !important; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  .map-row { grid-template-columns: 1fr 1fr auto; }
  .map-row .arrow { display: none; }
  dl.meta { grid-template-columns: 1fr; } dl.meta dd { margin-bottom: 6px; }
  button { flex: 1 1 auto; }
  header { position: static; }
  section { scroll-margin-top: 8px; }
  header h1 { flex-basis: 100%; }
}
`
