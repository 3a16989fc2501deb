// A printable sheet of token cards: each card's QR code opens the citizens' survey with its
// one-time token (in the address's fragment, which never reaches a server). The tokens stay
// in this browser until the enumerator says the sheet is printed and handed out.

import { drafts } from "/common/keep.js";
import qrcode from "../../vendor/qrcode.mjs";
import { h, show, svg } from "../dom.js";
import { t } from "../i18n.js";
import { go } from "../navigation.js";
import { cardsKey } from "./desk.js";

export function surveyAddress(token) {
  return new URL(`/survey/#t=${token}`, window.location.origin).href;
}

export async function cardsPage(page, campaignId) {
  const cards = (await drafts.get(cardsKey(campaignId))) ?? [];
  const clear = h("input", { type: "checkbox", name: "handed-out" });
  show(
    page,
    h(
      "div",
      { className: "no-print" },
      h("p", {}, h("a", { href: "#/desk" }, `← ${t("desk.back")}`)),
      h("h1", {}, t("cards.title", { count: cards.length })),
      h("p", {}, t("cards.hint")),
      h(
        "div",
        { className: "actions" },
        h(
          "button",
          { type: "button", onClick: () => window.print(), disabled: !cards.length },
          t("cards.print"),
        ),
      ),
      cards.length
        ? h(
            "form",
            {
              className: "inline",
              id: "forget-cards",
              onSubmit: async (event) => {
                event.preventDefault();
                if (!clear.checked) return;
                await drafts.remove(cardsKey(campaignId));
                go("/desk", [t("cards.forgotten", { count: cards.length }), "ok"]);
              },
            },
            h("label", { className: "check" }, clear, ` ${t("cards.handedOut")}`),
            h("button", { type: "submit", className: "secondary" }, t("cards.forget")),
          )
        : null,
    ),
    h(
      "ol",
      { className: "token-cards", id: "cards" },
      cards.map((card, n) => tokenCard(card, n + 1)),
    ),
  );
}

function tokenCard(card, number) {
  const address = surveyAddress(card.token);
  return h(
    "li",
    { className: "token-card", dataset: { address } },
    qrSvg(address, t("cards.qrLabel", { number })),
    h(
      "div",
      {},
      h("strong", {}, t("cards.invite")),
      h("p", {}, t("cards.scan")),
      h(
        "p",
        { className: "muted" },
        `#${number}${card.subDimensionName ? ` · ${card.subDimensionName}` : ""}`,
      ),
    ),
  );
}

// The address as a QR code drawn in SVG: one path of the dark modules, a quiet zone of four.
function qrSvg(text, label) {
  const code = qrcode(0, "L"); // the fewest modules for the long token: larger, easier to scan
  code.addData(text);
  code.make();
  const size = code.getModuleCount();
  let path = "";
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      if (code.isDark(row, column)) path += `M${column + 4},${row + 4}h1v1h-1z`;
    }
  }
  const side = size + 8;
  return svg(
    "svg",
    {
      viewBox: `0 0 ${side} ${side}`,
      role: "img",
      "aria-label": label,
      className: "qr",
      "shape-rendering": "crispEdges",
    },
    svg("rect", { width: side, height: side, fill: "#fff" }),
    svg("path", { d: path, fill: "#000" }),
  );
}
