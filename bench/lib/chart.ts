/**
 * Line charts on log-log axes as SVG, rendered to PNG with resvg (a Rust renderer shipped as an npm
 * binary: no browser, no cairo, no system packages). Labels use whatever sans-serif font the system has
 * (DejaVu Sans on Debian's fonts-dejavu-core); without any font the lines still draw, the labels do not.
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const PANEL_W = 480;
const PANEL_H = 400;
const M = { left: 70, right: 20, top: 40, bottom: 80 };
const FONT = `font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"`;

const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(max) - Math.log10(min);
  const steps = decades < 1.2 ? [1, 2, 5] : decades < 3 ? [1, 3] : [1];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function label(v: number): string {
  if (v >= 1000) return `${+(v / 1000).toFixed(1)}k`;
  if (v >= 1) return `${+v.toFixed(1)}`;
  return `${+v.toPrecision(2)}`;
}

function panelSvg(panel: Panel, ox: number): string {
  const all = panel.series.flatMap((s) => s.points).filter((p) => p.x > 0 && p.y > 0);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...all.map((p) => p.x))));
  const xMax = Math.max(...all.map((p) => p.x)) * 1.15;
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...all.map((p) => p.y))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...all.map((p) => p.y))));
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const sx = (x: number) => ox + M.left + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * w;
  const sy = (y: number) => M.top + h - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * h;
  const out: string[] = [];
  out.push(
    `<text x="${ox + M.left + w / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${escapeXml(panel.title)}</text>`,
  );
  out.push(`<rect x="${ox + M.left}" y="${M.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  for (const t of logTicks(xMin, xMax)) {
    out.push(`<line x1="${sx(t)}" y1="${M.top}" x2="${sx(t)}" y2="${M.top + h}" stroke="#ddd"/>`);
    out.push(`<text x="${sx(t)}" y="${M.top + h + 18}" text-anchor="middle" font-size="12" ${FONT}>${label(t)}</text>`);
  }
  for (const t of logTicks(yMin, yMax)) {
    out.push(`<line x1="${ox + M.left}" y1="${sy(t)}" x2="${ox + M.left + w}" y2="${sy(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${ox + M.left - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="12" ${FONT}>${label(t)}</text>`);
  }
  out.push(
    `<text x="${ox + M.left + w / 2}" y="${M.top + h + 40}" text-anchor="middle" font-size="13" ${FONT}>${escapeXml(panel.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${ox + 18} ${M.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="13" ${FONT}>${escapeXml(panel.yLabel)}</text>`,
  );
  panel.series.forEach((s, i) => {
    const pts = s.points.filter((p) => p.x > 0 && p.y > 0);
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 5"' : ''}/>`);
    if (!s.dashed) for (const p of pts) out.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="4" fill="${s.color}"/>`);
    const ly = M.top + h + 58 + Math.floor(i / 2) * 16;
    const lx = ox + M.left + (i % 2) * (w / 2);
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 5"' : ''}/>`,
    );
    out.push(`<text x="${lx + 27}" y="${ly}" font-size="12" ${FONT}>${escapeXml(s.name)}</text>`);
  });
  return out.join('\n');
}

export function chartSvg(panels: Panel[], caption?: string): string {
  const width = PANEL_W * panels.length;
  const height = PANEL_H + (caption ? 24 : 0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...panels.map((p, i) => panelSvg(p, i * PANEL_W)),
    caption ? `<text x="12" y="${height - 8}" font-size="12" fill="#555" ${FONT}>${escapeXml(caption)}</text>` : '',
    '</svg>',
  ].join('\n');
}

/** Writes the chart as PNG, and the same chart as SVG beside it. */
export function writeChartPng(file: string, panels: Panel[], caption?: string): void {
  const svg = chartSvg(panels, caption);
  writeFileSync(file.replace(/\.png$/, '.svg'), svg);
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'width', value: 1600 } })
    .render()
    .asPng();
  writeFileSync(file, png);
}
