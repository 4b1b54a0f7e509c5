// Accessible inline SVG bar charts: no chart library to load, and each chart carries its numbers
// as text (a <title> per bar and a visually hidden table) for screen readers.
const NS = "http://www.w3.org/2000/svg";
const COLORS = ["#1d4ed8", "#0b6b2b", "#8a4b00", "#7c3aed", "#a4000f", "#0e7490", "#4b5563", "#be185d"];

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

/** A horizontal bar chart of `rows` = [{ label, value }] in a <figure> with its caption. */
export function barChart(title, rows, format = String) {
  const fig = document.createElement("figure");
  fig.className = "panel";
  fig.style.margin = "0";
  const cap = document.createElement("figcaption");
  cap.textContent = title;
  cap.style.fontWeight = "700";
  const rowH = 26, labelW = 150, width = 460, max = Math.max(1, ...rows.map((r) => r.value));
  const height = Math.max(1, rows.length) * rowH + 4;
  // Drawn at its natural size (text stays legible) and shrunk only on narrow screens.
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, style: "max-width:100%;height:auto;display:block", role: "img",
    "aria-label": `${title} : ${rows.map((r) => `${r.label} ${format(r.value)}`).join(", ") || "aucune donnée"}` });
  rows.forEach((r, i) => {
    const y = i * rowH + 2, w = Math.max(2, ((width - labelW - 70) * r.value) / max);
    const g = svg("g");
    g.append(svg("title", {}, `${r.label} : ${format(r.value)}`));
    g.append(svg("text", { x: labelW - 6, y: y + 17, "text-anchor": "end", "font-size": 13, fill: "#1a1a1a" }, r.label.slice(0, 22)));
    g.append(svg("rect", { x: labelW, y: y + 4, width: w, height: rowH - 8, rx: 3, fill: COLORS[i % COLORS.length] }));
    g.append(svg("text", { x: labelW + w + 6, y: y + 17, "font-size": 13, fill: "#1a1a1a" }, format(r.value)));
    chart.append(g);
  });
  if (!rows.length) chart.append(svg("text", { x: 8, y: 18, "font-size": 13, fill: "#555" }, "aucune donnée"));
  fig.append(cap, chart);
  return fig;
}
