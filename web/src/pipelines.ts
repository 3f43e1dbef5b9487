// Sales pipelines (销售流程): the pure helpers of the admin page — the editor's values, the
// request built from them, and the server's refusals turned into what the page shows.
import type { Pipeline, StageKind } from './types';

/** One stage as the editor holds it; id is set for a stage the pipeline already has. */
export interface StageValues {
  id?: string;
  name: string;
  kind: StageKind;
  /** Default win probability in percent, 0–100 (the API's unit too). */
  probability: number | null;
  rot_days: number | null;
  required_tasks: string[];
}

export interface PipelineValues {
  name: string;
  is_default: boolean;
  stages: StageValues[];
}

/** One stage of a create or update request (PipelineStageInput). */
export interface StageInput {
  id?: string;
  name: string;
  probability: number;
  kind: StageKind;
  rot_days: number;
  required_tasks: string[];
}

export interface PipelineBody {
  name: string;
  is_default: boolean;
  stages: StageInput[];
}

export type PipelinePatchBody = Partial<{ name: string; is_default: boolean; stages: StageInput[] }>;

/**
 * The kind the stage at index i of n must have. The server takes the open stages first, then
 * exactly one won and one lost stage, so a stage's kind follows from where it stands.
 */
export function kindAt(i: number, n: number): StageKind {
  if (i === n - 2) return 'won';
  if (i === n - 1) return 'lost';
  return 'open';
}

/** A new open stage: no tasks, stalled after two weeks without activity. */
export function newStage(): StageValues {
  return { name: '', kind: 'open', probability: 10, rot_days: 14, required_tasks: [] };
}

/** The editor's starting values: the pipeline's, or a new one's (one open stage, then won and lost). */
export function pipelineValues(p: Pipeline | null | undefined, names: { won: string; lost: string }): PipelineValues {
  if (!p) {
    return {
      name: '',
      is_default: false,
      stages: [
        newStage(),
        { name: names.won, kind: 'won', probability: 100, rot_days: 0, required_tasks: [] },
        { name: names.lost, kind: 'lost', probability: 0, rot_days: 0, required_tasks: [] },
      ],
    };
  }
  const stages = [...p.stages].sort((a, b) => a.position - b.position);
  return {
    name: p.name,
    is_default: p.is_default,
    stages: stages.map((s) => ({ id: s.id, name: s.name, kind: s.kind, probability: s.probability, rot_days: s.rot_days, required_tasks: [...(s.required_tasks ?? [])] })),
  };
}

/** Adds a new open stage after the last open one (before won and lost). */
export function addStage(stages: StageValues[]): StageValues[] {
  const at = Math.max(0, stages.length - 2);
  return [...stages.slice(0, at), newStage(), ...stages.slice(at)];
}

/** Whether open stage i can move by delta (±1) and stay among the open stages. */
export function canMoveStage(i: number, delta: number, n: number): boolean {
  const to = i + delta;
  return kindAt(i, n) === 'open' && to >= 0 && to < n - 2;
}

/** Moves open stage i by delta among the open stages; the list unchanged when it cannot. */
export function moveStage(stages: StageValues[], i: number, delta: number): StageValues[] {
  if (!canMoveStage(i, delta, stages.length)) return stages;
  const out = [...stages];
  [out[i], out[i + delta]] = [out[i + delta], out[i]];
  return out;
}

/** Whether stage i can be removed: an open stage, and not the only one. */
export function canRemoveStage(i: number, n: number): boolean {
  return kindAt(i, n) === 'open' && n > 3;
}

export function removeStage(stages: StageValues[], i: number): StageValues[] {
  return canRemoveStage(i, stages.length) ? stages.filter((_, j) => j !== i) : stages;
}

/** The stages as the API takes them: names and tasks trimmed, kinds by position, empty numbers 0. */
export function stageInputs(stages: StageValues[]): StageInput[] {
  const n = stages.length;
  return stages.map((s, i) => {
    const kind = kindAt(i, n);
    const out: StageInput = {
      name: (s.name ?? '').trim(),
      probability: s.probability ?? 0,
      kind,
      rot_days: s.rot_days ?? 0,
      // Only open stages have required tasks; a task typed twice is sent once.
      required_tasks: kind === 'open' ? [...new Set((s.required_tasks ?? []).map((t) => t.trim()).filter(Boolean))] : [],
    };
    if (s.id) out.id = s.id;
    return out;
  });
}

export function createPipelineBody(v: PipelineValues): PipelineBody {
  return { name: v.name.trim(), is_default: !!v.is_default, stages: stageInputs(v.stages).map(({ id: _id, ...s }) => s) };
}

/** Only what changed: the name, becoming the default, and the stage list when any stage differs. */
export function pipelinePatch(p: Pipeline, v: PipelineValues): PipelinePatchBody {
  const out: PipelinePatchBody = {};
  const name = v.name.trim();
  if (name !== p.name) out.name = name;
  if (v.is_default && !p.is_default) out.is_default = true;
  const stages = stageInputs(v.stages);
  if (JSON.stringify(stages) !== JSON.stringify(stageInputs(pipelineValues(p, { won: '', lost: '' }).stages))) out.stages = stages;
  return out;
}

/**
 * The form field a problem location belongs to: a refused required task
 * (body.stages[1].required_tasks[0]) is shown on its stage's task list, the one field for them.
 */
export function stageFieldLocation(location?: string): string | undefined {
  return location?.replace(/(\.required_tasks)\[\d+\]$/, '$1');
}

/** The duplicate stage names of a stage list (trimmed), for checking before the server does. */
export function duplicateStageNames(stages: Pick<StageValues, 'name'>[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const s of stages) {
    const n = (s.name ?? '').trim();
    if (!n) continue;
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return dup;
}

/** What a 409 without a field means, from the server's detail; null when it is none of these. */
export type PipelineConflict = { reason: 'stageInUse'; stage: string } | { reason: 'inUse'; count: number } | { reason: 'isDefault' };

export function pipelineConflict(detail: string): PipelineConflict | null {
  let m: RegExpMatchArray | null;
  if ((m = detail.match(/^stage (.+) is used by opportunities/))) return { reason: 'stageInUse', stage: m[1] };
  if ((m = detail.match(/^(\d+) opportunities use this pipeline/))) return { reason: 'inUse', count: Number(m[1]) };
  if (/default pipeline cannot be deleted/.test(detail)) return { reason: 'isDefault' };
  return null;
}
