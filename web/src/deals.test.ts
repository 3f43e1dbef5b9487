import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { columnTotals, formatPercent, funnelChartData, funnelRows, gateRefusal, nextDay, stageTotals } from './deals';
import type { Funnel, Opportunity } from './types';

const opp = (amount: number, weighted: number, currency = 'CNY') =>
  ({ amount: { amount, currency }, weighted_amount: { amount: weighted, currency } }) as Opportunity;

describe('columnTotals', () => {
  it('sums per currency', () => {
    expect(columnTotals([opp(100000, 10000), opp(50, 5), opp(200, 20, 'USD')])).toEqual({
      count: 3,
      amount: '¥1,000.50 + $2.00',
      weighted: '¥100.05 + $0.20',
    });
    expect(columnTotals([])).toEqual({ count: 0, amount: '—', weighted: '—' });
  });
});

describe('stageTotals', () => {
  it('formats the server totals per stage', () => {
    const cny = (amount: number) => ({ amount, currency: 'CNY' });
    expect(
      stageTotals({
        pipeline_id: 'p',
        stages: [
          { stage_id: 'a', count: 0, totals: [] },
          {
            stage_id: 'b',
            count: 120,
            totals: [
              { count: 119, amount: cny(12000050), weighted_amount: cny(1800008) },
              { count: 1, amount: { amount: 200, currency: 'USD' }, weighted_amount: { amount: 30, currency: 'USD' } },
            ],
          },
        ],
      }),
    ).toEqual({
      a: { count: 0, amount: '—', weighted: '—' },
      b: { count: 120, amount: '¥120,000.50 + $2.00', weighted: '¥18,000.08 + $0.30' },
    });
  });
});

describe('gateRefusal', () => {
  it('reads the open tasks of a 409', () => {
    const err = new ApiError(409, {
      errors: [
        { message: 'required task not done: 需求确认: 确认预算', location: 'body.stage_id', value: '需求确认: 确认预算' },
        { message: 'required task not done: 需求确认: 确认决策人', location: 'body.stage_id', value: '需求确认: 确认决策人' },
      ],
    });
    expect(gateRefusal(err)).toEqual([
      { stage: '需求确认', task: '确认预算' },
      { stage: '需求确认', task: '确认决策人' },
    ]);
  });
  it('prefers missing_tasks with their ids', () => {
    const err = new ApiError(409, {
      errors: [{ message: 'required task not done: 报价: 提交报价单', location: 'body.stage_id', value: '报价: 提交报价单' }],
      missing_tasks: [
        { stage_id: 's3', stage: '报价', task_id: 't1', task: '提交报价单' },
        { stage_id: 's4', stage: '拟定合同', task: '法务审核' },
      ],
    } as never);
    expect(gateRefusal(err)).toEqual([
      { stage: '报价', task: '提交报价单', task_id: 't1' },
      { stage: '拟定合同', task: '法务审核' },
    ]);
  });
  it('ignores other errors', () => {
    expect(gateRefusal(new ApiError(409, { detail: 'lost' }))).toBeNull();
    expect(gateRefusal(new ApiError(422, { errors: [{ message: 'x', location: 'body.loss_reason' }] }))).toBeNull();
    expect(gateRefusal(new Error('x'))).toBeNull();
  });
});

describe('funnel', () => {
  const f: Funnel = {
    pipeline_id: 'p',
    pipeline_name: '默认',
    stages: [
      { stage_id: 'b', name: '需求确认', position: 2, kind: 'open', probability: 25, count: 1, totals: [{ currency: 'CNY', count: 1, amount: 100000, weighted_amount: 25000 }], entered: 3, advanced: 1, conversion: 1 / 3 },
      { stage_id: 'a', name: '初步接洽', position: 1, kind: 'open', probability: 10, count: 2, totals: [], entered: 4, advanced: 3, conversion: 0.75 },
      { stage_id: 'w', name: '赢单', position: 3, kind: 'won', probability: 100, count: 1, totals: [{ currency: 'USD', count: 1, amount: 5000, weighted_amount: 5000 }], entered: 1, advanced: 0, conversion: null },
      { stage_id: 'l', name: '输单', position: 4, kind: 'lost', probability: 0, count: 0, totals: [], entered: 0, advanced: 0 },
    ],
  };
  it('shapes the table rows in stage order', () => {
    const rows = funnelRows(f);
    expect(rows.map((r) => r.name)).toEqual(['初步接洽', '需求确认', '赢单', '输单']);
    expect(rows[1]).toMatchObject({ count: 1, amount: '¥1,000.00', weighted: '¥250.00', conversion: '33.3%' });
    expect(rows[0]).toMatchObject({ amount: '—', conversion: '75.0%' });
    expect(rows[2]).toMatchObject({ amount: '$50.00', conversion: '—' });
    expect(funnelRows(null)).toEqual([]);
  });
  it('charts how many reached each stage, without the lost stage', () => {
    expect(funnelChartData(f)).toEqual([
      { name: '初步接洽', value: 4, stageId: 'a' },
      { name: '需求确认', value: 3, stageId: 'b' },
      { name: '赢单', value: 1, stageId: 'w' },
    ]);
  });
  it('formats ratios and days', () => {
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(undefined)).toBe('—');
    expect(nextDay('2025-12-31')).toBe('2026-01-01');
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
  });
});
