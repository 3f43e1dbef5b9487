// Pure helpers of the opportunity detail drawer: the edit form's values from an opportunity,
// and the PATCH body of what the form changed (scores cleared go to clear_scores, contacts as
// the whole new list).
import { minorDigits, parseMoney } from './money';
import type { Opportunity } from './types';

export const DIMENSIONS = ['need', 'budget', 'decision_chain', 'timeline', 'competitive'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const FORECASTS = ['pipeline', 'best_case', 'commit', 'omitted'] as const;

export interface OppFormValues {
  name: string;
  amount: string;
  currency: string;
  /** YYYY-MM-DD */
  expected_close: string;
  forecast_category: string;
  competitor: string;
  win_loss_reason: string;
  owner_id: string | null;
  /** The customer's contacts involved, in any order. */
  contact_ids: string[];
  /** 0 = no score (antd Rate's empty value), else 1–5. */
  scores: Record<Dimension, number>;
  notes: Record<Dimension, string>;
}

/** Minor units as what a person types in major units, without grouping: 123450 CNY → "1234.50". */
export function minorToInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  return digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
}

type Scored = Record<`${Dimension}_score`, number | null | undefined> & Record<`${Dimension}_note`, string | undefined>;

export function formValues(o: Opportunity): OppFormValues {
  const e = o as Opportunity & Partial<Scored>;
  const scores = {} as Record<Dimension, number>;
  const notes = {} as Record<Dimension, string>;
  for (const d of DIMENSIONS) {
    scores[d] = e[`${d}_score`] ?? 0;
    notes[d] = e[`${d}_note`] ?? '';
  }
  return {
    name: o.name,
    amount: minorToInput(o.amount.amount, o.amount.currency),
    currency: o.amount.currency,
    expected_close: o.expected_close,
    forecast_category: o.forecast_category,
    competitor: o.competitor ?? '',
    win_loss_reason: o.win_loss_reason ?? '',
    owner_id: o.owner_id ?? null,
    contact_ids: o.contact_ids ?? [],
    scores,
    notes,
  };
}

/**
 * The PATCH body of the fields that differ from the opportunity, or null when the amount
 * is not a valid amount. Only changed fields are sent: the API refuses forecast_category
 * on a closed opportunity even when unchanged.
 */
export function oppPatch(o: Opportunity, v: OppFormValues): Record<string, unknown> | null {
  const was = formValues(o);
  const body: Record<string, unknown> = {};
  if (v.name.trim() !== was.name) body.name = v.name.trim();
  const amount = parseMoney(v.amount, v.currency);
  if (amount === null) return null;
  if (amount !== o.amount.amount || v.currency !== o.amount.currency) body.amount = { amount, currency: v.currency };
  if (v.expected_close !== was.expected_close) body.expected_close = v.expected_close;
  if (v.forecast_category !== was.forecast_category) body.forecast_category = v.forecast_category;
  if (v.competitor.trim() !== was.competitor) body.competitor = v.competitor.trim();
  if (v.win_loss_reason.trim() !== was.win_loss_reason) body.win_loss_reason = v.win_loss_reason.trim();
  if (v.owner_id && v.owner_id !== was.owner_id) body.owner_id = v.owner_id;
  // The API takes the whole new list; order does not matter.
  const contacts = [...new Set(v.contact_ids ?? [])].sort();
  if (contacts.join() !== [...was.contact_ids].sort().join()) body.contact_ids = contacts;
  const clear: Dimension[] = [];
  for (const d of DIMENSIONS) {
    const score = v.scores[d] ?? 0;
    if (score !== was.scores[d]) {
      if (score) body[`${d}_score`] = score;
      else clear.push(d);
    }
    const note = (v.notes[d] ?? '').trim();
    if (note !== was.notes[d]) body[`${d}_note`] = note;
  }
  if (clear.length) body.clear_scores = clear;
  return body;
}

/** The health score the API will compute from the scores given: (mean − 1) × 25, half up. */
export function previewHealth(scores: Record<Dimension, number>): number | null {
  const given = DIMENSIONS.map((d) => scores[d]).filter((s) => s > 0);
  if (!given.length) return null;
  const sum = given.reduce((a, b) => a + b, 0);
  // (sum/n − 1) × 25 = (sum − n) × 25 / n, rounded half up in integers.
  return Math.floor(((sum - given.length) * 25 * 2 + given.length) / (2 * given.length));
}

/** The colour of a health score's tag. */
export function healthColor(score: number | null | undefined): string {
  if (score === null || score === undefined) return 'default';
  return score >= 70 ? 'green' : score >= 40 ? 'gold' : 'red';
}
