// Pure helpers of the pipeline board and the funnel: column totals, gate refusals, funnel rows.
import { ApiError } from './api';
import { formatMoneyList, sumByCurrency } from './money';
import type { Funnel, Opportunity, PipelineStage } from './types';

export interface ColumnTotals {
  count: number;
  amount: string;
  weighted: string;
}

/** Count, amount and weighted amount (per currency, never added across) of a column's cards. */
export function columnTotals(cards: Opportunity[]): ColumnTotals {
  return {
    count: cards.length,
    amount: formatMoneyList(sumByCurrency(cards.map((c) => c.amount))),
    weighted: formatMoneyList(sumByCurrency(cards.map((c) => c.weighted_amount))),
  };
}

/** GET /opportunities/stage-totals: what each stage of a pipeline holds, over all its opportunities. */
export interface PipelineTotals {
  pipeline_id: string;
  stages: {
    stage_id: string;
    count: number;
    totals: { count: number; amount: { amount: number; currency: string }; weighted_amount: { amount: number; currency: string } }[];
  }[];
}

/** The column headers of the server's stage totals, by stage id (exact, however few cards are loaded). */
export function stageTotals(t: PipelineTotals): Record<string, ColumnTotals> {
  return Object.fromEntries(
    t.stages.map((s) => [
      s.stage_id,
      {
        count: s.count,
        amount: formatMoneyList(s.totals.map((x) => x.amount)),
        weighted: formatMoneyList(s.totals.map((x) => x.weighted_amount)),
      },
    ]),
  );
}

/** One open required task named by a refused move: "需求确认: 确认预算", with its ids when the server gives them. */
export interface MissingTask {
  stage: string;
  task: string;
  /** The task to tick; absent for a stage skipped over (it has no task yet) and from older servers. */
  task_id?: string;
}

/** The open required tasks of a 409 gate refusal; null when the error is something else. */
export function gateRefusal(err: unknown): MissingTask[] | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const listed = err.body?.missing_tasks;
  if (Array.isArray(listed) && listed.length) {
    return listed.map((m: { stage?: string; task?: string; task_id?: string }) => ({
      stage: m.stage ?? '',
      task: m.task ?? '',
      ...(m.task_id ? { task_id: m.task_id } : {}),
    }));
  }
  const missing: MissingTask[] = [];
  for (const e of err.errors) {
    const v = typeof e.value === 'string' ? e.value : '';
    const i = v.indexOf(': ');
    if (e.location !== 'body.stage_id' || i < 0) continue;
    missing.push({ stage: v.slice(0, i), task: v.slice(i + 2) });
  }
  return missing.length ? missing : null;
}

/** Whether moving from one stage to another asks for a reason first (into the lost stage). */
export function needsLossReason(stages: PipelineStage[], toStageId: string): boolean {
  return stages.find((s) => s.id === toStageId)?.kind === 'lost';
}

/** "YYYY-MM-DD" of the day after a day (the API's exclusive `to`). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return t.toISOString().slice(0, 10);
}

export interface FunnelRow {
  stageId: string;
  name: string;
  kind: string;
  probability: number;
  count: number;
  amount: string;
  weighted: string;
  entered: number;
  advanced: number;
  /** "42.5%", or "—" where there is none (won, lost, nobody entered). */
  conversion: string;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return (Math.round(ratio * 1000) / 10).toFixed(1) + '%';
}

/** The funnel's table rows, in stage order. */
export function funnelRows(f: Funnel | null): FunnelRow[] {
  if (!f) return [];
  return [...f.stages]
    .sort((a, b) => a.position - b.position)
    .map((s) => ({
      stageId: s.stage_id,
      name: s.name,
      kind: s.kind,
      probability: s.probability,
      count: s.count,
      amount: formatMoneyList(s.totals.map((x) => ({ amount: x.amount, currency: x.currency }))),
      weighted: formatMoneyList(s.totals.map((x) => ({ amount: x.weighted_amount, currency: x.currency }))),
      entered: s.entered,
      advanced: s.advanced,
      conversion: formatPercent(s.conversion),
    }));
}

/**
 * The chart's data: the open stages and the won stage in order (the lost stage is no funnel
 * step), each as wide as the opportunities that ever reached it, so the shape narrows as deals
 * drop out; what is in each stage now is in the tooltip and the table.
 */
export function funnelChartData(f: Funnel | null): { name: string; value: number; stageId: string }[] {
  return funnelRows(f)
    .filter((r) => r.kind !== 'lost')
    .map((r) => ({ name: r.name, value: r.entered, stageId: r.stageId }));
}
