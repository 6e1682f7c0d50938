const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const currencyFormats = new Map<string, Intl.NumberFormat>();
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatRate(value: number): string {
  return value >= 100 ? integer.format(value) : oneDecimal.format(value);
}

export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${oneDecimal.format((part / whole) * 100)} %` : '–';
}

export function formatTime(epochMs: number | undefined): string {
  return epochMs === undefined ? '–' : timeFormat.format(epochMs);
}

/** An amount in its currency when the code is one Intl knows, else the number and the code as given. */
export function formatAmount(amount: number | undefined, currency: string): string {
  if (amount === undefined) return currency || '–';
  const format = currencyFormat(currency);
  return format ? format.format(amount) : `${amount.toFixed(2)} ${currency}`.trim();
}

export function formatMs(value: number | null): string {
  if (value === null) return '–';
  return value >= 1000 ? `${oneDecimal.format(value / 1000)} s` : `${integer.format(value)} ms`;
}

function currencyFormat(code: string): Intl.NumberFormat | undefined {
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  let format = currencyFormats.get(code);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency: code, currencyDisplay: 'code' });
    } catch {
      return undefined;
    }
    if (currencyFormats.size < 200) currencyFormats.set(code, format);
  }
  return format;
}

/** A fraction as a percentage: 0.0234 → "2.3 %". */
export function formatShare(fraction: number): string {
  return `${oneDecimal.format(fraction * 100)} %`;
}

/** Precision measured from feedback, or a dash before any verdict. */
export function formatPrecision(precision: number | null): string {
  return precision === null ? '–' : `${integer.format(precision * 100)} %`;
}

/**
 * A value a rule read, as an analyst reads it: numbers rounded to what matters, strings
 * quoted (so an empty one shows), anything else as JSON. Always plain text.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'missing';
  return JSON.stringify(value);
}
