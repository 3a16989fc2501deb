// Moving between pages, and the one-line notice a page opens with ("Saved as draft v3.").

import { h, show } from "./dom.js";

let arriving = null; // the notice for the page being opened

export function go(path, notice = null) {
  arriving = notice;
  if (window.location.hash === `#${path}`) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = `#${path}`;
}

export function arrivingNotice() {
  const notice = arriving ?? [null];
  arriving = null;
  return notice;
}

export function notify(text, kind = "info") {
  show(document.getElementById("notice"), text ? h("p", { className: `notice ${kind}` }, text) : null);
}
