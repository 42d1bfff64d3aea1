/**
 * Markdown building blocks for PR comments and job summaries. Every string that comes from a
 * producer (metric names, messages, dataset names) goes through `text()` or `code()`, so it can
 * neither format, link, mention (@team), hide content in HTML comments, nor break a table.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '@': '&#64;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '#': '&#35;',
  '\\': '&#92;',
  '~': '&#126;',
  '!': '&#33;',
  ':': '&#58;',
};

/** Plain text: HTML and Markdown specials as entities, line breaks as spaces. */
export function text(s: string): string {
  return s.replace(/\r?\n|\r/g, ' ').replace(/[&<>@|`*_[\]#\\~!:]/g, (c) => ESCAPES[c]!);
}

/**
 * Inline code: rendered literally by GitHub. A backtick run inside is fenced by a longer run;
 * `|` would still split a table cell, so it becomes an entity-free look-alike.
 */
export function code(s: string): string {
  const flat = s.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '¦');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export type Align = 'left' | 'right' | 'center';

/** A GitHub-flavoured Markdown table; cells must already be escaped. */
export function table(
  headers: readonly string[],
  aligns: readonly Align[],
  rows: readonly string[][],
) {
  const rule = aligns.map((a) => (a === 'right' ? '--:' : a === 'center' ? ':-:' : '---'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}

export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** A number for people: at most 6 significant digits, no exponent below 1e21, thin zeros trimmed. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '−∞';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e6 || abs < 1e-4) return n.toExponential(3).replace('-', '−');
  const s = String(Number(n.toPrecision(6)));
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

/** A signed difference: "+0.0208", "−0.04", "0". */
export function formatDelta(d: number): string {
  const s = formatNumber(Math.abs(d));
  return d > 0 ? `+${s}` : d < 0 ? `−${s}` : '0';
}

export function formatPercent(ratio: number): string {
  return `${ratio >= 0 ? '+' : '−'}${formatNumber(Math.round(Math.abs(ratio) * 1000) / 10)}%`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${formatNumber(Math.round(seconds * 10) / 10)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatMoney(amount: number, currency: string): string {
  const symbols: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };
  const value = amount.toFixed(currency === 'JPY' ? 0 : 2);
  const symbol = symbols[currency];
  return symbol ? `${symbol}${value}` : `${value} ${currency}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
