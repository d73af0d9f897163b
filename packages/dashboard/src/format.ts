/** Display helpers: exact decimals, comparisons, CSV, time left. */

/** A quantity as text, exactly as the API wrote it. */
export function qtyText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  return String(value);
}

/** True for a negative quantity. */
export function isNegative(value: unknown): boolean {
  return qtyText(value).startsWith('-');
}

/** Compares two decimal texts exactly (no floating point). Non-numbers sort as text, after numbers. */
export function compareValues(a: unknown, b: unknown): number {
  const x = qtyText(a);
  const y = qtyText(b);
  const dx = /^-?\d+(\.\d+)?$/.test(x);
  const dy = /^-?\d+(\.\d+)?$/.test(y);
  if (dx && dy) return compareDecimals(x, y);
  if (dx !== dy) return dx ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareDecimals(x: string, y: string): number {
  const nx = x.startsWith('-');
  const ny = y.startsWith('-');
  if (nx !== ny) return nx ? -1 : 1;
  const sign = nx ? -1 : 1;
  const [ix = '', fx = ''] = x.replace('-', '').split('.');
  const [iy = '', fy = ''] = y.replace('-', '').split('.');
  const ai = ix.replace(/^0+(?=\d)/, '');
  const bi = iy.replace(/^0+(?=\d)/, '');
  if (ai.length !== bi.length) return sign * (ai.length < bi.length ? -1 : 1);
  if (ai !== bi) return sign * (ai < bi ? -1 : 1);
  const width = Math.max(fx.length, fy.length);
  const af = fx.padEnd(width, '0');
  const bf = fy.padEnd(width, '0');
  return af === bf ? 0 : sign * (af < bf ? -1 : 1);
}

/** One CSV field (RFC 4180), with formula-looking text defused for spreadsheets. */
export function csvField(value: unknown): string {
  let text = qtyText(value);
  if (/^[=+@\t\r]/.test(text) || (/^-/.test(text) && !/^-\d/.test(text))) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** "in 4 min 10 s", "expired", or "no expiry". */
export function timeLeft(expiresAt: string | null, now: number): string {
  if (!expiresAt) return 'no expiry';
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  return m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** Saves text as a file through a temporary object URL (no inline script, no data: URL). */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
