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
