// Assignment rules: the order they are tried in, and the bodies the API takes.

export interface RuleConditions {
  source?: string;
  region?: string;
  industry?: string;
}

export interface AssignmentRule {
  id: string;
  position: number;
  name: string;
  conditions: RuleConditions;
  department_id: string;
  per_rep_cap: number;
  enabled: boolean;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RuleForm {
  name: string;
  source?: string;
  region?: string;
  industry?: string;
  department_id?: string | null;
  per_rep_cap?: number | null;
  enabled?: boolean;
}

/** The create body of a form: blank conditions are left out (they match any lead). */
export function ruleBody(f: RuleForm) {
  const conditions: RuleConditions = {};
  for (const k of ['source', 'region', 'industry'] as const) {
    const v = (f[k] ?? '').trim();
    if (v) conditions[k] = v;
  }
  return { name: f.name.trim(), conditions, department_id: f.department_id ?? '', per_rep_cap: f.per_rep_cap ?? 0, enabled: f.enabled ?? true };
}

/** The PATCH body that turns `old` into the form, or null when nothing changed. */
export function rulePatch(old: AssignmentRule, f: RuleForm): Record<string, unknown> | null {
  const next = ruleBody(f);
  const patch: Record<string, unknown> = {};
  if (next.name !== old.name) patch.name = next.name;
  const same = (['source', 'region', 'industry'] as const).every((k) => (next.conditions[k] ?? '') === (old.conditions[k] ?? ''));
  if (!same) patch.conditions = next.conditions;
  if (next.department_id !== old.department_id) patch.department_id = next.department_id;
  if (next.per_rep_cap !== old.per_rep_cap) patch.per_rep_cap = next.per_rep_cap;
  if (next.enabled !== old.enabled) patch.enabled = next.enabled;
  return Object.keys(patch).length ? patch : null;
}

export interface PositionChange {
  id: string;
  version: number;
  position: number;
}

/**
 * The position changes that move rules[index] one place up (-1) or down (+1) in the
 * order the API lists them (position, then id). Distinct positions are swapped (two
 * changes); equal ones — rules created at one position — cannot express the swap, so
 * the whole list is renumbered 0, 1, 2… in its new order (only the changed rules).
 */
export function moveRule(rules: AssignmentRule[], index: number, dir: -1 | 1): PositionChange[] {
  const other = index + dir;
  if (index < 0 || index >= rules.length || other < 0 || other >= rules.length) return [];
  const a = rules[index];
  const b = rules[other];
  const strictly = rules.every((r, i) => i === 0 || rules[i - 1].position < r.position);
  if (strictly) {
    return [
      { id: a.id, version: a.version, position: b.position },
      { id: b.id, version: b.version, position: a.position },
    ];
  }
  const order = rules.slice();
  order[index] = b;
  order[other] = a;
  return order.flatMap((r, i) => (r.position === i ? [] : [{ id: r.id, version: r.version, position: i }]));
}
