// Renders result rows as the console table and as the Markdown table of the README's Performance section.

const int = (n) => Math.round(n).toLocaleString('en-US');

const rate = (n) => {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M/s`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k/s`;
  return `${int(n)}/s`;
};

/** One figure as text, by unit; null is n/a. */
export const formatValue = (value, unit, bytes) => {
  if (value === null || value === undefined) return 'n/a';
  if (unit === 'bytes gzip') {
    return bytes
      ? `${int(bytes.gzip)} gz · ${int(bytes.brotli)} br · ${int(bytes.raw)} raw`
      : `${int(value)} gz`;
  }
  if (unit === 'ms') return `${value.toFixed(2)} ms`;
  if (unit.endsWith('/s')) return rate(value);
  return String(value);
};

/** The ratio column: clicktrail ÷ baseline (lower is better for bytes and ms, higher for per-second figures). */
export const formatRatio = ({ ratio }) => {
  if (ratio === null || ratio === undefined) return 'n/a';
  const digits = ratio >= 10 ? 1 : ratio >= 0.1 ? 2 : 3;
  return `${ratio.toFixed(digits)}×`;
};

const cells = (r) => [
  r.name,
  formatValue(r.value, r.unit, r.bytes),
  formatValue(r.baseline, r.unit, r.baselineBytes),
  formatRatio(r),
  r.baselineName,
];

const HEAD = ['Measure', 'clicktrail', 'baseline', 'ratio', 'baseline is'];
const GROUPS = {
  size: 'Size (bytes)',
  browser: 'Browser (Chromium, main-thread script time, median)',
  server: 'Server (Node, median)',
  outbox: 'Outbox (Node, median of 3 rounds)',
};

/** A fixed-width text table, grouped by section, for the terminal. */
export const consoleTable = (rows) => {
  const body = rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c) =>
    c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  const out = [line(HEAD), widths.map((w) => '─'.repeat(w)).join('  ')];
  let group;
  rows.forEach((r, i) => {
    if (r.group !== group) out.push(`${(group = r.group) && GROUPS[r.group]}`);
    out.push(line(body[i]));
  });
  return out.join('\n');
};

/** The same rows as a GitHub Markdown table. */
export const markdownTable = (rows) => {
  const esc = (s) => s.replace(/\|/g, '\\|');
  const out = [`| ${HEAD.join(' | ')} |`, '| --- | ---: | ---: | ---: | --- |'];
  let group;
  for (const r of rows) {
    if (r.group !== group) out.push(`| **${GROUPS[(group = r.group)]}** | | | | |`);
    out.push(`| ${cells(r).map(esc).join(' | ')} |`);
  }
  return out.join('\n');
};

/** Notes attached to rows (n/a reasons, caveats), as a list. */
export const notes = (rows) => rows.filter((r) => r.note).map((r) => `- ${r.name.trim()}: ${r.note}`);
