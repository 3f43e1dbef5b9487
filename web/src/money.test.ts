import { describe, expect, it } from 'vitest';
import { formatMoney, formatMoneyList, MAX_AMOUNT, parseMoney, sumByCurrency } from './money';

describe('formatMoney', () => {
  it('formats minor units with two decimals and separators', () => {
    expect(formatMoney(123450, 'CNY')).toBe('¥1,234.50');
    expect(formatMoney(0, 'CNY')).toBe('¥0.00');
    expect(formatMoney(7, 'CNY')).toBe('¥0.07');
    expect(formatMoney(99, 'USD')).toBe('$0.99');
    expect(formatMoney(100000000, 'CNY')).toBe('¥1,000,000.00');
    expect(formatMoney(MAX_AMOUNT, 'CNY')).toBe('¥10,000,000,000,000.00');
    expect(formatMoney(-150, 'EUR')).toBe('-€1.50');
  });
  it('knows currencies without minor digits and unknown codes', () => {
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney(1234, 'CHF')).toBe('CHF 12.34');
  });
  it('never adds across currencies', () => {
    expect(formatMoneyList([{ amount: 100, currency: 'CNY' }, { amount: 250, currency: 'USD' }])).toBe('¥1.00 + $2.50');
    expect(formatMoneyList([])).toBe('—');
    expect(sumByCurrency([{ amount: 1, currency: 'CNY' }, { amount: 2, currency: 'USD' }, { amount: 3, currency: 'CNY' }])).toEqual([
      { currency: 'CNY', amount: 4 },
      { currency: 'USD', amount: 2 },
    ]);
  });
});

describe('parseMoney', () => {
  it('converts yuan to fen by string, exactly', () => {
    expect(parseMoney('1234.5')).toBe(123450);
    expect(parseMoney('0.07')).toBe(7);
    expect(parseMoney('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 as a float
    expect(parseMoney('1.005'.slice(0, 4))).toBe(100);
    expect(parseMoney('12,345.67')).toBe(1234567);
    expect(parseMoney('¥ 88')).toBe(8800);
    expect(parseMoney('.5')).toBe(50);
    expect(parseMoney('5.')).toBe(500);
    expect(parseMoney('000012')).toBe(1200);
    expect(parseMoney('10000000000000')).toBe(MAX_AMOUNT);
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', ' ', '.', 'abc', '1.234', '-5', '1e3', '1.2.3', '10000000000000.01', '99999999999999999']) {
      expect(parseMoney(bad), bad).toBeNull();
    }
  });
  it('follows the currency digits', () => {
    expect(parseMoney('1500', 'JPY')).toBe(1500);
    expect(parseMoney('15.5', 'JPY')).toBeNull();
  });
});
