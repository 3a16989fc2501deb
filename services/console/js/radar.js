// A radar chart in SVG: one axis per dimension, a ring per scale point, the scores joined.

import { svg } from "./dom.js";
import { t } from "./i18n.js";

export function radarChart(points, { scale = 4, size = 300 } = {}) {
  const width = size + 200; // room for the labels either side
  const centre = size / 2;
  const middle = width / 2;
  const radius = size / 2 - 40;
  const angle = (i) => (Math.PI * 2 * i) / points.length - Math.PI / 2;
  const at = (i, value) => [
    middle + Math.cos(angle(i)) * radius * (value / scale),
    centre + Math.sin(angle(i)) * radius * (value / scale),
  ];
  const polygon = (values) =>
    values
      .map((v, i) =>
        at(i, v)
          .map((n) => n.toFixed(1))
          .join(","),
      )
      .join(" ");
  const described = points
    .map((p) => `${p.label} ${p.value === null ? "not scored" : p.value.toFixed(2)}`)
    .join(", ");
  return svg(
    "svg",
    {
      viewBox: `0 0 ${width} ${size}`,
      width,
      height: size,
      role: "img",
      "aria-label": t("radar.label", { described }),
      className: "radar",
    },
    Array.from({ length: scale }, (_, ring) =>
      svg("polygon", { className: "ring", points: polygon(points.map(() => ring + 1)) }),
    ),
    points.map((_, i) =>
      svg("line", { className: "axis", x1: middle, y1: centre, x2: at(i, scale)[0], y2: at(i, scale)[1] }),
    ),
    svg("polygon", { className: "scores", points: polygon(points.map((p) => p.value ?? 0)) }),
    points.map((p, i) => {
      const [x, y] = at(i, scale * 1.12);
      const anchor = Math.abs(x - middle) < 4 ? "middle" : x > middle ? "start" : "end";
      return svg(
        "text",
        { x, y, "text-anchor": anchor, "dominant-baseline": "middle", className: "label" },
        `${p.label} ${p.value === null ? "–" : p.value.toFixed(2)}`,
      );
    }),
    points.map((p, i) =>
      p.value === null
        ? null
        : svg(
            "circle",
            { cx: at(i, p.value)[0], cy: at(i, p.value)[1], r: 3.5, className: "dot" },
            svg("title", {}, `${p.label}: ${p.value.toFixed(2)}`),
          ),
    ),
  );
}
