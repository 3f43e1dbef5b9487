// The customer scoring model (客户评分模型) and the value × potential matrix: API types, and the
// conversion between the model and its settings form (money typed in major units, sent in minor
// units; form field names mirror the API so a 422's locations land on the right fields).
import { formatMoney, parseMoney } from './money';

export type RuleKind = 'field' | 'behaviour';
export type RuleField = 'industry' | 'size' | 'region' | 'revenue';
export type Metric = 'activities_90d' | 'open_pipeline' | 'won_amount';
export type Band = 'low' | 'medium' | 'high';

export const RULE_FIELDS: RuleField[] = ['industry', 'size', 'region', 'revenue'];
export const METRICS: Metric[] = ['activities_90d', 'open_pipeline', 'won_amount'];
export const BANDS: Band[] = ['low', 'medium', 'high'];
export const SIZES = ['micro', 'small', 'medium', 'large', 'enterprise'];

export interface ScoringThreshold {
  min: number;
  points: number;
}

export interface ScoringRule {
  kind: RuleKind;
  field?: RuleField;
  operator?: 'in' | 'gte';
  values?: string[];
  amount?: number;
  points?: number;
  metric?: Metric;
  thresholds?: ScoringThreshold[];
}

export interface ScoringModelInput {
  currency: string;
  rules: ScoringRule[];
  grades: { a: number; b: number; c: number };
  key_customer: { min_grade: '' | 'A' | 'B' | 'C'; won_amount: number };
  matrix: { value: number[]; potential: number[] };
}

export interface ScoringModel extends ScoringModelInput {
  max_points: number;
  default: boolean;
  updated_by: string;
  updated_at: string | null;
  version: number;
}

export interface MatrixCustomer {
  id: string;
  name: string;
  grade: string | null;
  score: number;
  won_amount: number;
  open_pipeline: number;
}

export interface MatrixCell {
  value: Band;
  potential: Band;
  count: number;
  top: MatrixCustomer[];
  filter: string;
}

export interface CustomerMatrix {
  currency: string;
  value_bounds: number[];
  potential_bounds: number[];
  total: number;
  cells: MatrixCell[];
}

/** Whether a metric counts money (minor units) rather than activities. */
export function isMoneyMetric(m?: Metric): boolean {
  return m === 'open_pipeline' || m === 'won_amount';
}

/** The form's shape: the API's, with money as typed text. */
export interface RuleForm {
  kind: RuleKind;
  field?: RuleField;
  values?: string[];
  amount?: string;
  points?: number;
  metric?: Metric;
  thresholds?: { min: string; points: number }[];
}

export interface ModelForm {
  currency: string;
  rules: RuleForm[];
  grades: { a: number; b: number; c: number };
  key_customer: { min_grade: '' | 'A' | 'B' | 'C'; won_amount: string };
  matrix: { value: string[]; potential: string[] };
}

const money = (minor: number | undefined, currency: string) => (minor ? formatMoney(minor, currency) : '');

/** The form values of a model. */
export function modelToForm(m: ScoringModelInput): ModelForm {
  const cur = m.currency;
  return {
    currency: cur,
    rules: m.rules.map((r) =>
      r.kind === 'field'
        ? { kind: 'field', field: r.field, values: r.values ?? [], amount: money(r.amount, cur), points: r.points }
        : {
            kind: 'behaviour',
            metric: r.metric,
            thresholds: (r.thresholds ?? []).map((t) => ({
              min: isMoneyMetric(r.metric) ? money(t.min, cur) : String(t.min),
              points: t.points,
            })),
          },
    ),
    grades: { ...m.grades },
    key_customer: { min_grade: m.key_customer.min_grade, won_amount: money(m.key_customer.won_amount, cur) },
    matrix: { value: m.matrix.value.map((v) => money(v, cur)), potential: m.matrix.potential.map((v) => money(v, cur)) },
  };
}

/** A form field the conversion refused, named like the form (and the API). */
export interface FormProblem {
  name: (string | number)[];
  key: 'scoring.badAmount' | 'scoring.badCount';
}

/** The API body of the form's values, or the fields whose text is not an amount. */
export function formToModel(f: ModelForm): { body: ScoringModelInput; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const cur = f.currency;
  const amount = (text: string | undefined, name: (string | number)[], empty = 0): number => {
    if (!text || !text.trim()) return empty;
    const v = parseMoney(text, cur);
    if (v === null) {
      problems.push({ name, key: 'scoring.badAmount' });
      return 0;
    }
    return v;
  };
  const rules: ScoringRule[] = (f.rules ?? []).map((r, i) => {
    if (r.kind === 'field') {
      if (r.field === 'revenue') {
        return { kind: 'field', field: 'revenue', operator: 'gte', amount: amount(r.amount, ['rules', i, 'amount']), points: r.points ?? 0 };
      }
      return { kind: 'field', field: r.field, operator: 'in', values: r.values ?? [], points: r.points ?? 0 };
    }
    return {
      kind: 'behaviour',
      metric: r.metric,
      thresholds: (r.thresholds ?? []).map((t, j) => {
        const name = ['rules', i, 'thresholds', j, 'min'];
        let min: number;
        if (isMoneyMetric(r.metric)) min = amount(t.min, name);
        else {
          min = /^\d+$/.test((t.min ?? '').trim()) ? Number(t.min.trim()) : -1;
          if (min < 0) problems.push({ name, key: 'scoring.badCount' });
        }
        return { min, points: t.points ?? 0 };
      }),
    };
  });
  const bounds = (list: string[] | undefined, name: string) =>
    [0, 1].map((k) => amount(list?.[k], ['matrix', name, k]));
  return {
    body: {
      currency: cur,
      rules,
      grades: { a: f.grades?.a ?? 0, b: f.grades?.b ?? 0, c: f.grades?.c ?? 0 },
      key_customer: {
        min_grade: f.key_customer?.min_grade ?? '',
        won_amount: amount(f.key_customer?.won_amount, ['key_customer', 'won_amount']),
      },
      matrix: { value: bounds(f.matrix?.value, 'value'), potential: bounds(f.matrix?.potential, 'potential') },
    },
    problems,
  };
}

/** The cells of a matrix as rows, value high first (top), each with potential low → high. */
export function matrixRows(m: CustomerMatrix | null): MatrixCell[][] {
  if (!m) return [];
  return [...BANDS].reverse().map((v) =>
    BANDS.map(
      (p) => m.cells.find((c) => c.value === v && c.potential === p) ?? { value: v, potential: p, count: 0, top: [], filter: '' },
    ),
  );
}

/** The query of a cell's drill-down filter ("won_min=0&won_max=9") as list parameters. */
export function filterParams(filter: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(filter)) out[k] = v;
  return out;
}

/** A band's range as text: "< ¥100,000.00", "¥100,000.00 – ¥1,000,000.00", "≥ ¥1,000,000.00". */
export function bandText(bounds: number[], band: Band, currency: string): string {
  const [lo, hi] = bounds;
  if (band === 'low') return '< ' + formatMoney(lo, currency);
  if (band === 'medium') return formatMoney(lo, currency) + ' – ' + formatMoney(hi, currency);
  return '≥ ' + formatMoney(hi, currency);
}
