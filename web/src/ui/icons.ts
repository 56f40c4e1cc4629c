// Line icons drawn as SVG elements (no icon font, no emoji: neither is reliable on every device).
const ns = "http://www.w3.org/2000/svg";

type Shape = [tag: "path" | "circle" | "line" | "rect", attributes: Record<string, string>];

const shapes = {
  globe: [
    ["circle", { cx: "12", cy: "12", r: "9" }],
    ["path", { d: "M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" }],
  ],
  sliders: [
    ["path", { d: "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" }],
    ["circle", { cx: "16", cy: "6", r: "2" }],
    ["circle", { cx: "10", cy: "12", r: "2" }],
    ["circle", { cx: "18", cy: "18", r: "2" }],
  ],
  users: [
    ["circle", { cx: "9", cy: "8", r: "3.5" }],
    ["path", { d: "M2.5 20c.8-3.6 3.3-5.5 6.5-5.5s5.7 1.9 6.5 5.5" }],
    ["path", { d: "M16 4.8a3.5 3.5 0 0 1 0 6.4M18 14.8c1.8.7 3 2.4 3.5 5.2" }],
  ],
  key: [
    ["circle", { cx: "8", cy: "15", r: "4" }],
    ["path", { d: "M11 12l9-9M17 6l3 3M14.5 8.5l2 2" }],
  ],
  contact: [
    ["circle", { cx: "12", cy: "8", r: "4" }],
    ["path", { d: "M4 21c1-4.2 4-6.5 8-6.5s7 2.3 8 6.5" }],
  ],
  building: [
    ["rect", { x: "4", y: "3", width: "11", height: "18", rx: "1.5" }],
    ["path", { d: "M15 9h4.5a.5.5 0 0 1 .5.5V21M8 7h3M8 11h3M8 15h3M3 21h18" }],
  ],
  log: [
    ["rect", { x: "4", y: "3", width: "16", height: "18", rx: "2" }],
    ["path", { d: "M8 8h8M8 12h8M8 16h5" }],
  ],
  board: [
    ["rect", { x: "3", y: "4", width: "5", height: "16", rx: "1.5" }],
    ["rect", { x: "10", y: "4", width: "5", height: "11", rx: "1.5" }],
    ["rect", { x: "17", y: "4", width: "4", height: "7", rx: "1.5" }],
  ],
  check: [
    ["rect", { x: "3.5", y: "3.5", width: "17", height: "17", rx: "3" }],
    ["path", { d: "M8 12.5l2.8 2.8L16.5 9" }],
  ],
} satisfies Record<string, Shape[]>;

export type IconName = keyof typeof shapes;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(ns, "svg");
  for (const [attribute, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "24",
    height: "24",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "1.8",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    focusable: "false",
    class: "icon",
  })) {
    svg.setAttribute(attribute, value);
  }
  for (const [tag, attributes] of shapes[name]) {
    const element = document.createElementNS(ns, tag);
    for (const [attribute, value] of Object.entries(attributes)) element.setAttribute(attribute, value);
    svg.append(element);
  }
  return svg;
}
