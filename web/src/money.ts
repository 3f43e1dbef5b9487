// Money in minor units (分 for CNY): exact integer ↔ text, never float arithmetic on amounts.

/** The largest amount the API accepts (10¹⁵ minor units); still an exact JS number. */
export const MAX_AMOUNT = 1_000_000_000_000_000;

const SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: 'HK$' };

/** Currencies offered when creating an opportunity, the default first. */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD'];

export const DEFAULT_CURRENCY = 'CNY';

/** Digits after the decimal point of a currency's major unit (JPY and KRW have none). */
export function minorDigits(currency: string): number {
  return currency === 'JPY' || currency === 'KRW' ? 0 : 2;
}

export function currencySymbol(currency: string): string {
  return SYMBOLS[currency] ?? currency + ' ';
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * "¥1,234.50" from 123450 CNY minor units: the digits of the integer are split as text,
 * so no amount is ever divided as a float.
 */
export function formatMoney(minor: number, currency: string): string {
  if (!Number.isFinite(minor)) return '—';
  const digits = minorDigits(currency);
  const neg = minor < 0;
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const intPart = digits ? s.slice(0, -digits) : s;
  const frac = digits ? '.' + s.slice(-digits) : '';
  return (neg ? '-' : '') + currencySymbol(currency) + group(intPart) + frac;
}

/** Several currencies' amounts, never added together: "¥1,000.00 + $20.00"; "—" when none. */
export function formatMoneyList(list: { amount: number; currency: string }[]): string {
  const nonEmpty = list.filter((m) => m.amount !== 0);
  if (nonEmpty.length === 0) return list.length ? formatMoney(0, list[0].currency) : '—';
  return nonEmpty.map((m) => formatMoney(m.amount, m.currency)).join(' + ');
}

/** Sums amounts per currency (integers, exact below 2⁵³), currencies in first-seen order. */
export function sumByCurrency(list: { amount: number; currency: string }[]): { amount: number; currency: string }[] {
  const sums = new Map<string, number>();
  for (const m of list) sums.set(m.currency, (sums.get(m.currency) ?? 0) + m.amount);
  return [...sums].map(([currency, amount]) => ({ currency, amount }));
}

/**
 * Parses what a person typed in major units ("1,234.5", "¥ 88", "0.07") into minor units,
 * by string: "1234.5" → 123450. null when it is not a non-negative amount with at most
 * the currency's decimals, or is above MAX_AMOUNT.
 */
export function parseMoney(text: string, currency = DEFAULT_CURRENCY): number | null {
  const digits = minorDigits(currency);
  const s = text.trim().replace(/^[¥$€£]|^[A-Z]{3}/, '').replace(/[,\s，]/g, '');
  const m = digits ? s.match(/^(\d*)(?:\.(\d*))?$/) : s.match(/^(\d+)$/);
  if (!m) return null;
  const intPart = m[1] ?? '';
  const frac = m[2] ?? '';
  if (intPart === '' && frac === '') return null;
  if (frac.length > digits) return null;
  const all = (intPart + frac.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
  if (all.length > 16) return null;
  const n = Number(all);
  return Number.isSafeInteger(n) && n <= MAX_AMOUNT ? n : null;
}
