// A table whose rows the reader orders by any column (click a heading; again to reverse).

import { h, show } from "./dom.js";

// columns: [{ key, title, value(row) for ordering, cell(row) for showing, numeric }]
export function sortableTable(columns, rows, { id, initial, rowProps = () => ({}) } = {}) {
  let order = { key: initial?.key ?? columns[0].key, descending: initial?.descending ?? false };
  const body = h("tbody");
  const head = h("tr");
  const table = h("table", { className: "grid sortable", id }, h("thead", {}, head), body);

  const paint = () => {
    const column = columns.find((c) => c.key === order.key);
    const sorted = [...rows].sort((x, y) => {
      const a = column.value(x);
      const b = column.value(y);
      if (a === b) return 0;
      if (a === null || a === undefined) return 1; // empty last, whichever the direction
      if (b === null || b === undefined) return -1;
      const compared =
        typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
      return order.descending ? -compared : compared;
    });
    show(
      head,
      columns.map((c) =>
        h(
          "th",
          {
            "aria-sort": c.key === order.key ? (order.descending ? "descending" : "ascending") : "none",
            className: c.numeric ? "number" : null,
          },
          h(
            "button",
            {
              type: "button",
              className: "sort",
              dataset: { key: c.key },
              onClick: () => {
                order = { key: c.key, descending: c.key === order.key ? !order.descending : false };
                paint();
              },
            },
            c.title,
          ),
        ),
      ),
    );
    show(
      body,
      sorted.map((row) =>
        h(
          "tr",
          rowProps(row),
          columns.map((c) =>
            h(
              "td",
              { className: c.numeric ? "number" : null },
              c.cell ? c.cell(row) : String(c.value(row) ?? "–"),
            ),
          ),
        ),
      ),
    );
  };
  paint();
  return {
    element: table,
    update(next) {
      rows = next;
      paint();
    },
  };
}
