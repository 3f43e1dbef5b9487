import { describe, expect, it } from 'vitest';
import {
  addStage,
  canMoveStage,
  canRemoveStage,
  createPipelineBody,
  duplicateStageNames,
  kindAt,
  moveStage,
  pipelineConflict,
  pipelinePatch,
  pipelineValues,
  removeStage,
  stageFieldLocation,
  stageInputs,
  type StageValues,
} from './pipelines';
import type { Pipeline } from './types';

const names = { won: '赢单', lost: '输单' };

const pipeline: Pipeline = {
  id: 'p1',
  name: '渠道销售',
  is_default: false,
  version: 3,
  // Out of order on purpose: the editor follows position, not the array.
  stages: [
    { id: 's3', position: 3, name: '赢单', probability: 100, kind: 'won', rot_days: 0, required_tasks: [] },
    { id: 's1', position: 1, name: '接洽', probability: 10, kind: 'open', rot_days: 14, required_tasks: [] },
    { id: 's2', position: 2, name: '报价', probability: 50, kind: 'open', rot_days: 7, required_tasks: ['提交报价单'] },
    { id: 's4', position: 4, name: '输单', probability: 0, kind: 'lost', rot_days: 0, required_tasks: [] },
  ],
};

const stage = (name: string, kind: StageValues['kind'] = 'open'): StageValues => ({ name, kind, probability: 10, rot_days: 14, required_tasks: [] });

describe('kindAt', () => {
  it('puts the open stages first, then won, then lost', () => {
    expect([0, 1, 2, 3, 4].map((i) => kindAt(i, 5))).toEqual(['open', 'open', 'open', 'won', 'lost']);
  });
});

describe('pipelineValues', () => {
  it('starts a new pipeline with an open, a won and a lost stage', () => {
    const v = pipelineValues(null, names);
    expect(v.name).toBe('');
    expect(v.stages.map((s) => [s.name, s.kind, s.probability])).toEqual([
      ['', 'open', 10],
      ['赢单', 'won', 100],
      ['输单', 'lost', 0],
    ]);
  });
  it('takes a pipeline stages in position order with their ids', () => {
    expect(pipelineValues(pipeline, names).stages.map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4']);
  });
});

describe('stage list edits', () => {
  const list = [stage('a'), stage('b'), stage('c'), stage('won', 'won'), stage('lost', 'lost')];
  it('adds a stage before won and lost', () => {
    expect(addStage(list).map((s) => s.name)).toEqual(['a', 'b', 'c', '', 'won', 'lost']);
  });
  it('moves open stages among themselves only', () => {
    expect(moveStage(list, 0, 1).map((s) => s.name)).toEqual(['b', 'a', 'c', 'won', 'lost']);
    expect(moveStage(list, 2, -1).map((s) => s.name)).toEqual(['a', 'c', 'b', 'won', 'lost']);
    expect(canMoveStage(0, -1, 5)).toBe(false);
    expect(canMoveStage(2, 1, 5)).toBe(false); // would pass the won stage
    expect(canMoveStage(3, -1, 5)).toBe(false); // won stays
    expect(moveStage(list, 2, 1)).toBe(list);
  });
  it('removes an open stage but keeps at least one, and never won or lost', () => {
    expect(removeStage(list, 1).map((s) => s.name)).toEqual(['a', 'c', 'won', 'lost']);
    expect(canRemoveStage(3, 5)).toBe(false);
    expect(canRemoveStage(0, 3)).toBe(false);
    const one = [stage('a'), stage('won', 'won'), stage('lost', 'lost')];
    expect(removeStage(one, 0)).toBe(one);
  });
});

describe('stageInputs', () => {
  it('trims, sets kinds by position, drops tasks of closed stages and fills empty numbers', () => {
    const got = stageInputs([
      { name: ' 接洽 ', kind: 'won', probability: null, rot_days: null, required_tasks: [' 确认预算 ', '', '确认预算'] },
      { id: 'w', name: '赢单', kind: 'won', probability: 100, rot_days: 0, required_tasks: ['x'] },
      { name: '输单', kind: 'lost', probability: 0, rot_days: 3, required_tasks: [] },
    ]);
    expect(got).toEqual([
      { name: '接洽', probability: 0, kind: 'open', rot_days: 0, required_tasks: ['确认预算'] },
      { id: 'w', name: '赢单', probability: 100, kind: 'won', rot_days: 0, required_tasks: [] },
      { name: '输单', probability: 0, kind: 'lost', rot_days: 3, required_tasks: [] },
    ]);
  });
});

describe('createPipelineBody', () => {
  it('sends no stage ids', () => {
    const v = pipelineValues(pipeline, names);
    const body = createPipelineBody({ ...v, name: ' 新流程 ' });
    expect(body.name).toBe('新流程');
    expect(body.is_default).toBe(false);
    expect(body.stages.every((s) => !('id' in s))).toBe(true);
    expect(body.stages.map((s) => s.name)).toEqual(['接洽', '报价', '赢单', '输单']);
  });
});

describe('pipelinePatch', () => {
  it('is empty when nothing changed', () => {
    expect(pipelinePatch(pipeline, pipelineValues(pipeline, names))).toEqual({});
  });
  it('sends the name alone when only it changed', () => {
    expect(pipelinePatch(pipeline, { ...pipelineValues(pipeline, names), name: '直销' })).toEqual({ name: '直销' });
  });
  it('sends the whole stage list, ids kept, when one stage changed', () => {
    const v = pipelineValues(pipeline, names);
    v.stages[1].probability = 60;
    const patch = pipelinePatch(pipeline, v);
    expect(Object.keys(patch)).toEqual(['stages']);
    expect(patch.stages?.map((s) => [s.id, s.probability])).toEqual([
      ['s1', 10],
      ['s2', 60],
      ['s3', 100],
      ['s4', 0],
    ]);
  });
  it('sends a new stage without id and becoming the default', () => {
    const v = pipelineValues(pipeline, names);
    v.stages = addStage(v.stages);
    v.stages[2].name = '谈判';
    v.is_default = true;
    const patch = pipelinePatch(pipeline, v);
    expect(patch.is_default).toBe(true);
    expect(patch.stages?.map((s) => s.id ?? s.name)).toEqual(['s1', 's2', '谈判', 's3', 's4']);
  });
});

describe('errors', () => {
  it('puts a refused task on its stage task list', () => {
    expect(stageFieldLocation('body.stages[1].required_tasks[0]')).toBe('body.stages[1].required_tasks');
    expect(stageFieldLocation('body.stages[1].name')).toBe('body.stages[1].name');
  });
  it('finds duplicate stage names', () => {
    expect([...duplicateStageNames([{ name: 'a' }, { name: ' a ' }, { name: '' }, { name: '' }, { name: 'b' }])]).toEqual(['a']);
  });
  it('reads the refusals of a used stage, a used pipeline and the default', () => {
    expect(pipelineConflict('stage 报价 is used by opportunities or their history; it cannot be removed')).toEqual({ reason: 'stageInUse', stage: '报价' });
    expect(pipelineConflict('3 opportunities use this pipeline')).toEqual({ reason: 'inUse', count: 3 });
    expect(pipelineConflict('the default pipeline cannot be deleted; make another the default first')).toEqual({ reason: 'isDefault' });
    expect(pipelineConflict('something else')).toBeNull();
  });
});
