"""CSS and browser scripts of the app (installed once per page by a load event)."""

from __future__ import annotations

import json

CSS = """
.qa-status { padding: .5em .8em; border-radius: 6px; margin: .2em 0; font-weight: 600; }
.qa-status-busy { background: #fff7e0; border: 1px solid #e0b300; color: #6b5200; }
.qa-status-err { background: #fdecec; border: 1px solid #d33; color: #8a1010; }
.qa-status-ok { display: none; }
.qa-chat { display: flex; flex-direction: column; gap: .9em; }
.qa-turn { border-bottom: 1px dashed #ccc; padding-bottom: .7em; }
.qa-q { background: #eef3fb; border-radius: 8px; padding: .45em .7em; margin-bottom: .45em;
        white-space: pre-wrap; overflow-wrap: anywhere; }
.qa-who { font-weight: 700; color: #234; }
.qa-answer { border-left: 4px solid #2b8a3e; padding: .2em .8em; }
.qa-answer.abstained { border-left-color: #d9480f; background: #fff4e6; }
.qa-answer.abstained .qa-lead { color: #a63c06; font-style: italic; }
.qa-lead { font-size: 1.08em; margin: .2em 0 .3em; }
.qa-figure { font-size: 1.15em; }
.qa-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.qa-note { color: #8a5a00; background: #fff9db; padding: .2em .5em; border-radius: 4px; }
.qa-sources-h { font-weight: 700; margin-top: .5em; }
.qa-answer ol.qa-cites { margin: .2em 0 .2em .2em; padding: 0; list-style: none !important; }
.qa-answer ol.qa-cites > li.qa-cite { list-style: none !important; }
.qa-cite { margin: .25em 0; }
.qa-cite summary { cursor: pointer; }
.qa-cite-n { font-weight: 700; color: #1c5d99; }
.qa-passage { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 3px solid #ddd;
              margin: .3em 0 .3em .2em; padding: .2em .6em; font-size: .95em; }
mark.qw { background: #fff3a3; color: inherit; padding: 0; }
mark.ans { background: #b2f2bb; color: inherit; font-weight: 700; outline: 1px solid #2b8a3e; }
.qa-goto { font-size: .88em; margin-left: .2em; }
.qa-fb { margin-top: .4em; font-size: .92em; color: #555; }
.qa-chat .qa-fb .qa-fb-btn { margin-left: .4em; padding: .1em .8em; border: 1px solid #bbb;
    border-radius: 999px; background: #fff; color: #222; cursor: pointer; font-size: .9rem;
    font-weight: 500; line-height: 1.6; }
.qa-chat .qa-fb .qa-fb-btn:hover { background: #f1f3f5; }
.qa-fb-done { color: #2b8a3e; }
.qa-error { color: #8a1010; background: #fdecec; border-radius: 6px; padding: .4em .7em; }
.qa-empty { color: #666; font-style: italic; }
.qa-hits { display: flex; flex-direction: column; gap: .8em; }
.qa-hit-h { font-weight: 600; }
.qa-score { font-weight: 400; color: #777; font-size: .88em; margin-left: .4em; }
.qa-jump { background: #e7f5ff; padding: .3em .6em; border-radius: 4px; }
.qa-doc { max-width: 60em; line-height: 1.55; }
.qa-doc h2 { margin-bottom: .1em; }
.qa-doc-sub { color: #555; margin-top: 0; }
.qa-toc { margin: .5em 0 1em; padding: .4em .6em; background: #f8f9fa; border-radius: 6px; }
.qa-toc ul { list-style: none; margin: .3em 0; padding-left: .2em; max-height: 22em; overflow-y: auto; }
.qa-toc li { margin: .1em 0; }
.qa-toc .qa-toc-1 { padding-left: 1.2em; }
.qa-toc .qa-toc-2 { padding-left: 2.4em; }
.qa-understood { color: #1c5d99; margin: .1em 0 .3em; }
.qa-parts { margin: .2em 0 .4em 1em; padding: 0; }
.qa-part-q { color: #333; }
.qa-part-cite { color: #666; font-size: .9em; }
.qa-hits-doc { margin: .6em 0 .1em; border-bottom: 1px solid #ddd; }
.qa-hidden { display: none !important; }
.qa-unit { scroll-margin-top: 70px; padding: .1em .4em; border-radius: 4px; transition: background 1s; }
.qa-unit p { margin: .35em 0; }
.qa-unit-h { font-weight: 700; }
.qa-unit.qa-current { box-shadow: inset 4px 0 0 #e8590c; background: #fff9db; }
.qa-unit.qa-flash { background: #fff3a3; }
"""

# Runs once per page: adds the CSS and makes every ``a[data-anchor]`` (citations in chat and
# search, the table of contents) open the Văn bản tab and scroll to the unit. Hidden tabs are
# not in the DOM until selected, so the script clicks the tab and waits for the anchor.
_LOAD_JS = """
() => {
  if (window.__qaInstalled) { return; }
  window.__qaInstalled = true;
  const style = document.createElement('style');
  style.id = 'qa-style';
  style.textContent = __CSS__;
  document.head.appendChild(style);
  const visible = (el) => el && el.getClientRects().length > 0;
  const tabButton = (label) => Array.from(document.querySelectorAll('button[role="tab"]'))
      .find((b) => b.textContent.trim() === label);
  window.qaGoto = (id, docId) => {
    const here = document.getElementById(id);
    // Another document: ask the server to show it in the Văn bản tab (see DOC_REQUEST_JS).
    if (!here && docId && window.qaRequestDocument) { window.qaRequestDocument(docId); }
    if (!visible(here)) {
      const tab = tabButton(__DOC_TAB__);
      if (tab) { tab.click(); }
    }
    let tries = 0;
    const inView = (el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; };
    const land = () => {
      const el = document.getElementById(id);
      if (visible(el)) {
        el.scrollIntoView({block: 'start'});
        // The rest of a long document may still be rendering and push the unit away: look again.
        [300, 1000, 2500].forEach((ms) => setTimeout(() => {
          const now = document.getElementById(id);
          if (visible(now) && !inView(now)) { now.scrollIntoView({block: 'start'}); }
        }, ms));
        document.querySelectorAll('.qa-current').forEach((x) => x.classList.remove('qa-current'));
        el.classList.add('qa-current', 'qa-flash');
        setTimeout(() => el.classList.remove('qa-flash'), 4000);
        if (history.replaceState) { history.replaceState(null, '', '#' + id); }
      } else if (tries++ < 600) {  // 30 s: a large document loaded for the first time on a slow server
        setTimeout(land, 50);
      }
    };
    land();
  };
  document.addEventListener('click', (ev) => {
    const a = ev.target && ev.target.closest ? ev.target.closest('a[data-anchor]') : null;
    if (!a) { return; }
    ev.preventDefault();
    window.qaGoto(a.getAttribute('data-anchor'), a.getAttribute('data-doc'));
  }, true);
}
"""

# Per chat component: the Đúng / Sai buttons under each answer send the turn and verdict.
CHAT_JS = """
element.addEventListener('click', (ev) => {
  const b = ev.target && ev.target.closest ? ev.target.closest('button.qa-fb-btn') : null;
  if (!b || !element.contains(b)) { return; }
  b.disabled = true;
  trigger('click', {turn: Number(b.getAttribute('data-turn')), verdict: b.getAttribute('data-verdict')});
});
"""


# On a hidden element outside the tabs: lets the page script ask the server for a document.
DOC_REQUEST_JS = """
window.qaRequestDocument = (docId) => trigger('click', {doc: docId});
"""


def load_js(doc_tab_label: str) -> str:
    """Return the page script, with the CSS and the Văn bản tab's label filled in."""
    return _LOAD_JS.replace("__CSS__", json.dumps(CSS)).replace("__DOC_TAB__", json.dumps(doc_tab_label))
