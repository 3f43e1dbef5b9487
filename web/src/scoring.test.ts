import { describe, expect, it } from 'vitest';
import { bandText, filterParams, formToModel, matrixRows, modelToForm, type CustomerMatrix, type ScoringModelInput } from './scoring';

const model: ScoringModelInput = {
  currency: 'CNY',
  rules: [
    { kind: 'field', field: 'size', operator: 'in', values: ['large'], points: 20 },
    { kind: 'field', field: 'revenue', operator: 'gte', amount: 10_000_000_000, points: 10 },
    { kind: 'behaviour', metric: 'activities_90d', thresholds: [{ min: 1, points: 5 }, { min: 3, points: 10 }] },
    { kind: 'behaviour', metric: 'won_amount', thresholds: [{ min: 10_000_000, points: 10 }] },
  ],
  grades: { a: 75, b: 50, c: 25 },
  key_customer: { min_grade: 'A', won_amount: 0 },
  matrix: { value: [10_000_000, 100_000_000], potential: [10_000_000, 100_000_000] },
};

describe('scoring model form', () => {
  it('round-trips money through major-unit text without floats', () => {
    const f = modelToForm(model);
    expect(f.rules[1].amount).toBe('¥100,000,000.00');
    expect(f.rules[2].thresholds?.[1].min).toBe('3');
    expect(f.rules[3].thresholds?.[0].min).toBe('¥100,000.00');
    expect(f.key_customer.won_amount).toBe('');
    const { body, problems } = formToModel(f);
    expect(problems).toEqual([]);
    expect(body).toEqual(model);
  });

  it('names the fields whose text is not an amount or a count', () => {
    const f = modelToForm(model);
    f.rules[1].amount = 'lots';
    f.rules[2].thresholds![0].min = '1.5';
    f.matrix.value[1] = '-3';
    const { problems } = formToModel(f);
    expect(problems.map((p) => p.name.join('.'))).toEqual(['rules.1.amount', 'rules.2.thresholds.0.min', 'matrix.value.1']);
  });
});

describe('matrix', () => {
  const m: CustomerMatrix = {
    currency: 'CNY',
    value_bounds: [100, 200],
    potential_bounds: [100, 200],
    total: 3,
    cells: [
      { value: 'high', potential: 'low', count: 2, top: [], filter: 'won_min=200&pipeline_min=0&pipeline_max=99' },
      { value: 'low', potential: 'high', count: 1, top: [], filter: 'won_min=0&won_max=99&pipeline_min=200' },
    ],
  };
  it('lays out value high on top, potential low to high', () => {
    const rows = matrixRows(m);
    expect(rows.map((r) => r.map((c) => `${c.value}/${c.potential}:${c.count}`).join(' '))).toEqual([
      'high/low:2 high/medium:0 high/high:0',
      'medium/low:0 medium/medium:0 medium/high:0',
      'low/low:0 low/medium:0 low/high:1',
    ]);
  });
  it('turns a cell filter into list parameters and bands into text', () => {
    expect(filterParams(m.cells[0].filter)).toEqual({ won_min: '200', pipeline_min: '0', pipeline_max: '99' });
    expect(bandText([100, 200], 'low', 'CNY')).toBe('< ¥1.00');
    expect(bandText([100, 200], 'medium', 'CNY')).toBe('¥1.00 – ¥2.00');
    expect(bandText([100, 200], 'high', 'CNY')).toBe('≥ ¥2.00');
  });
});
