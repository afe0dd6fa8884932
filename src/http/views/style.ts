/** One small stylesheet, inline: no CDN, no network, readable from a phone to a wide screen. */
export const STYLE = `
:root { color-scheme: light dark; --fg: #1d2430; --muted: #5f6b7a; --line: #d8dee6; --bg: #fff; --soft: #f4f6f9;
  --ok: #1f7a3d; --bad: #b42318; --warn: #9a6700; --link: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #a2acb9; --line: #38404c; --bg: #15191f;
  --soft: #1d222a; --ok: #5cc27f; --bad: #ff7b72; --warn: #e3b341; --link: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .6rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--soft); }
header .brand { font-weight: 700; margin-right: auto; color: var(--fg); text-decoration: none; }
nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
a { color: var(--link); }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .94rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
.scroll { overflow-x: auto; }
.scroll table { min-width: 44rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .8rem; background: var(--soft); }
.card b { display: block; font-size: 1.5rem; }
.muted { color: var(--muted); }
.state { font-weight: 600; }
.state-done, .state-sent, .ok { color: var(--ok); }
.state-dead, .state-rejected, .bad { color: var(--bad); }
.state-retry, .state-queued, .state-processing, .warn { color: var(--warn); }
pre { background: var(--soft); border: 1px solid var(--line); padding: .6rem; overflow-x: auto; white-space: pre-wrap;
  overflow-wrap: anywhere; font-size: .88rem; }
dl { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .15rem; }
input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: .35rem;
  background: var(--bg); color: var(--fg); }
button { cursor: pointer; background: var(--soft); }
button.primary { background: var(--link); color: #fff; border-color: var(--link); }
.signin { max-width: 26rem; display: grid; gap: .75rem; }
ol.timeline { list-style: none; padding: 0; border-left: 2px solid var(--line); margin-left: .4rem; }
ol.timeline li { padding: 0 0 .6rem .9rem; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -.45rem; top: .45rem; width: .7rem; height: .7rem;
  border-radius: 50%; background: var(--line); }
.note { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .8rem; margin: .5rem 0; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.tag { border: 1px solid var(--line); border-radius: 1rem; padding: 0 .5rem; font-size: .85rem; margin-right: .25rem; }
`;
