import { describe, expect, it } from 'vitest';
import { formValues, minorToInput, oppPatch, previewHealth } from './opportunity';
import type { Opportunity } from './types';

const base = {
  id: 'o1',
  name: '数据中台',
  amount: { amount: 12345000, currency: 'CNY' },
  expected_close: '2030-06-30',
  forecast_category: 'pipeline',
  win_loss_reason: '',
  competitor: '',
  owner_id: 'u1',
  need_score: 3,
  need_note: '明确',
  budget_score: null,
} as unknown as Opportunity;

describe('minorToInput', () => {
  it('writes major units without grouping', () => {
    expect(minorToInput(12345000, 'CNY')).toBe('123450.00');
    expect(minorToInput(7, 'CNY')).toBe('0.07');
    expect(minorToInput(500, 'JPY')).toBe('500');
  });
});

describe('oppPatch', () => {
  it('is empty when nothing changed', () => {
    expect(oppPatch(base, formValues(base))).toEqual({});
  });
  it('sends only what changed, clears removed scores', () => {
    const v = formValues(base);
    v.amount = '200,000.5';
    v.competitor = ' 友商A ';
    v.scores = { need: 0, budget: 4, decision_chain: 4, timeline: 0, competitive: 0 };
    v.notes.need = '明确';
    v.notes.budget = '已批';
    expect(oppPatch(base, v)).toEqual({
      amount: { amount: 20000050, currency: 'CNY' },
      competitor: '友商A',
      budget_score: 4,
      budget_note: '已批',
      decision_chain_score: 4,
      clear_scores: ['need'],
    });
  });
  it('sends the whole contact list only when the set changed', () => {
    const withContacts = { ...base, contact_ids: ['c2', 'c1'] } as Opportunity;
    expect(oppPatch(withContacts, { ...formValues(withContacts), contact_ids: ['c1', 'c2'] })).toEqual({});
    expect(oppPatch(withContacts, { ...formValues(withContacts), contact_ids: ['c3', 'c1'] })).toEqual({ contact_ids: ['c1', 'c3'] });
    expect(oppPatch(withContacts, { ...formValues(withContacts), contact_ids: [] })).toEqual({ contact_ids: [] });
    expect(formValues(base).contact_ids).toEqual([]);
  });
  it('refuses a bad amount', () => {
    expect(oppPatch(base, { ...formValues(base), amount: '1.234' })).toBeNull();
  });
});

describe('previewHealth', () => {
  it('matches the API: (mean − 1) × 25, half up', () => {
    expect(previewHealth({ need: 4, budget: 4, decision_chain: 4, timeline: 4, competitive: 4 })).toBe(75);
    expect(previewHealth({ need: 0, budget: 0, decision_chain: 0, timeline: 0, competitive: 0 })).toBeNull();
    expect(previewHealth({ need: 5, budget: 4, decision_chain: 0, timeline: 0, competitive: 0 })).toBe(88);
    expect(previewHealth({ need: 1, budget: 2, decision_chain: 2, timeline: 0, competitive: 0 })).toBe(17);
  });
});
