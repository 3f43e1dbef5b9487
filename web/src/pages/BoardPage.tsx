// The pipeline board (商机看板): a column per stage with count, amount and weighted amount (the
// server's totals over the whole stage, not only the cards loaded so far),
// cards moved by drag and drop or by each card's "move to" menu. A move refused by a stage
// gate (409) explains the open required tasks, lets them be ticked and the move retried; a
// move into the lost stage asks for the reason first.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { App, Button, DatePicker, Dropdown, Empty, Input, List, Modal, Select, Space, Spin, Tag, Typography } from 'antd';
import { CheckOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { UserSelect } from '../components/UserSelect';
import { columnTotals, gateRefusal, needsLossReason, stageTotals, type ColumnTotals, type MissingTask, type PipelineTotals } from '../deals';
import { formatMoney } from '../money';
import { OpportunityDrawer } from './OpportunityDrawer';
import { OpportunityDetail } from './OpportunityDetail';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { useDepartments } from '../components/useDepartments';
import { healthColor } from '../opportunity';
import type { Opportunity, OpportunityTask, Page, Pipeline, PipelineStage } from '../types';

const COLUMN_PAGE = 50;

interface Column {
  items: Opportunity[];
  cursor: string | null;
  loading: boolean;
}

/** A move waiting for an answer: the loss reason, or the open tasks of a refused gate. */
interface PendingMove {
  opp: Opportunity;
  to: PipelineStage;
  missing?: MissingTask[];
}

export function usePipelines(onError: (e: unknown) => void) {
  const [pipelines, setPipelines] = useState<Pipeline[] | null>(null);
  useEffect(() => {
    api
      .get<Page<Pipeline>>('/pipelines')
      .then((p) => setPipelines(p.items ?? []))
      .catch((e) => {
        setPipelines([]);
        onError(e);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return pipelines;
}

export default function BoardPage() {
  const { t } = useI18n();
  const { can, me } = useAuth();
  const { message } = App.useApp();
  const canWrite = can('deal.write');
  const onError = useApiError();
  const pipelines = usePipelines(onError);
  const [pipelineId, setPipelineId] = useState<string | undefined>();
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  /** The card whose detail drawer is open. */
  const [detailId, setDetailId] = useState<string | null>(null);
  const [closeMonth, setCloseMonth] = useState<Dayjs | null>(null);
  const [columns, setColumns] = useState<Record<string, Column>>({});
  /** The server's totals per stage for the current filters; null until they arrive. */
  const [totals, setTotals] = useState<Record<string, ColumnTotals> | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [dragOver, setDragOver] = useState<string | null>(null);
  /** Cards whose move the server has not answered yet. */
  const [moving, setMoving] = useState<ReadonlySet<string>>(new Set());
  const busy = (id: string, on: boolean) =>
    setMoving((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const dragging = useRef<Opportunity | null>(null);
  const seq = useRef(0);
  const totalsSeq = useRef(0);

  useEffect(() => {
    if (pipelines && !pipelineId && pipelines.length) setPipelineId((pipelines.find((p) => p.is_default) ?? pipelines[0]).id);
  }, [pipelines, pipelineId]);
  const pipeline = pipelines?.find((p) => p.id === pipelineId);
  const stages = useMemo(() => [...(pipeline?.stages ?? [])].sort((a, b) => a.position - b.position), [pipeline]);
  const month = closeMonth ? closeMonth.format('YYYY-MM') : undefined;

  const fetchColumn = useCallback(
    (stageId: string, cursor: string | null) =>
      api.get<Page<Opportunity>>('/opportunities', {
        pipeline_id: pipelineId,
        stage_id: stageId,
        owner_id: ownerId,
        department_id: departmentId,
        close_month: month,
        limit: COLUMN_PAGE,
        cursor,
      }),
    [pipelineId, ownerId, departmentId, month],
  );

  /** Fetches the column headers' totals; an answer to older filters than the newest request is dropped. */
  const loadTotals = useCallback(async () => {
    if (!pipelineId) return;
    const my = ++totalsSeq.current;
    try {
      const t = await api.get<PipelineTotals>('/opportunities/stage-totals', {
        pipeline_id: pipelineId,
        owner_id: ownerId,
        department_id: departmentId,
        close_month: month,
      });
      if (my === totalsSeq.current) setTotals(stageTotals(t));
    } catch (e) {
      if (my === totalsSeq.current) setTotals(null);
      onError(e);
    }
  }, [pipelineId, ownerId, departmentId, month, onError]);

  const loadAll = useCallback(async () => {
    if (!stages.length) return;
    setTotals(null);
    void loadTotals();
    const my = ++seq.current;
    setColumns((prev) => Object.fromEntries(stages.map((s) => [s.id, { items: prev[s.id]?.items ?? [], cursor: null, loading: true }])));
    try {
      const pages = await Promise.all(stages.map((s) => fetchColumn(s.id, null)));
      if (my !== seq.current) return;
      setColumns(Object.fromEntries(stages.map((s, i) => [s.id, { items: pages[i].items ?? [], cursor: pages[i].next_cursor || null, loading: false }])));
    } catch (e) {
      if (my !== seq.current) return;
      setColumns((prev) => Object.fromEntries(Object.entries(prev).map(([k, c]) => [k, { ...c, loading: false }])));
      onError(e);
    }
  }, [stages, fetchColumn, onError, loadTotals]);

  useEffect(() => {
    void loadAll();
  }, [loadAll]);

  const loadMore = async (stageId: string) => {
    const col = columns[stageId];
    if (!col?.cursor || col.loading) return;
    setColumns((prev) => ({ ...prev, [stageId]: { ...prev[stageId], loading: true } }));
    try {
      const page = await fetchColumn(stageId, col.cursor);
      setColumns((prev) => ({
        ...prev,
        [stageId]: { items: [...prev[stageId].items, ...(page.items ?? [])], cursor: page.next_cursor || null, loading: false },
      }));
    } catch (e) {
      setColumns((prev) => ({ ...prev, [stageId]: { ...prev[stageId], loading: false } }));
      onError(e);
    }
  };

  /** Puts a card into a column (at the top), out of whichever column holds it. */
  const place = (o: Opportunity, stageId: string) =>
    setColumns((prev) => {
      const next: Record<string, Column> = {};
      for (const [k, c] of Object.entries(prev)) {
        const items = c.items.filter((x) => x.id !== o.id);
        next[k] = { ...c, items: k === stageId ? [o, ...items] : items };
      }
      return next;
    });

  /** Sends a move; the card moves at once and goes back where it was when refused. */
  const move = async (opp: Opportunity, to: PipelineStage, reason?: string): Promise<boolean> => {
    if (opp.stage_id === to.id) return true;
    if (needsLossReason(stages, to.id) && reason === undefined) {
      setPending({ opp, to });
      return false;
    }
    place({ ...opp, stage_id: to.id }, to.id);
    busy(opp.id, true);
    try {
      const moved = await api.post<Opportunity>(`/opportunities/${opp.id}/stage`, { stage_id: to.id, loss_reason: reason || undefined }, { version: opp.version });
      place(moved, moved.stage_id);
      void loadTotals();
      // The card may have gone to a column scrolled out of sight: bring it into view.
      requestAnimationFrame(() =>
        document.querySelector(`[data-testid="card-${moved.id}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' }),
      );
      message.success(t('board.moved', { name: moved.name, stage: to.name }));
      return true;
    } catch (e) {
      place(opp, opp.stage_id);
      const missing = gateRefusal(e);
      if (missing) {
        setPending({ opp, to, missing });
      } else if (e instanceof ApiError && e.status === 422 && e.errors.some((x) => x.location === 'body.loss_reason')) {
        setPending({ opp, to });
      } else {
        onError(e, undefined, () => void loadAll());
      }
      return false;
    } finally {
      busy(opp.id, false);
    }
  };

  const onDrop = (stage: PipelineStage) => {
    const o = dragging.current;
    dragging.current = null;
    setDragOver(null);
    if (o && canWrite) void move(o, stage);
  };

  const showOwner = me?.data_scope !== 'own';
  // A team filter for those who see more than their own opportunities (and may list departments).
  const showTeam = showOwner && can('department.read');
  const depts = useDepartments(showTeam);
  const filtered = !!(ownerId || departmentId || closeMonth);

  return (
    <div>
      <PageHeader
        title={t('nav.board')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawerOpen(true)} disabled={!pipeline} data-testid="create-opp">
              {t('opp.create')}
            </Button>
          ) : null
        }
      />
      <div className="rudder-filters" data-testid="board-filters">
        <Select
          value={pipelineId}
          onChange={setPipelineId}
          loading={!pipelines}
          options={(pipelines ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder={t('board.pipeline')}
          data-testid="board-pipeline"
        />
        <DatePicker picker="month" value={closeMonth} onChange={setCloseMonth} placeholder={t('board.closeMonth')} data-testid="board-close-month" />
        {showOwner ? <UserSelect value={ownerId} onChange={setOwnerId} placeholder={t('board.owner')} data-testid="board-owner" /> : null}
        {showTeam ? (
          <DepartmentSelect tree={depts.tree} value={departmentId} onChange={setDepartmentId} placeholder={t('board.team')} style={{ width: 200 }} data-testid="board-team" />
        ) : null}
        {filtered ? (
          <Button type="link" onClick={() => { setOwnerId(null); setDepartmentId(null); setCloseMonth(null); }} data-testid="board-clear-filters">
            {t('lead.clearFilters')}
          </Button>
        ) : null}
      </div>
      {!pipelines ? (
        <Spin />
      ) : !pipeline ? (
        <Empty description={t('board.noPipeline')} />
      ) : (
        <div className="rudder-board" data-testid="board">
          {stages.map((s) => {
            const col = columns[s.id];
            const items = col?.items ?? [];
            // Until the server's totals arrive, what is loaded (with "+" when there is more).
            const head = totals?.[s.id] ?? columnTotals(items);
            const partial = !totals?.[s.id] && !!col?.cursor;
            return (
              <section
                key={s.id}
                className={'rudder-board-column' + (dragOver === s.id ? ' rudder-board-column-over' : '')}
                data-testid={`column-${s.id}`}
                data-stage={s.name}
                aria-label={s.name}
                onDragOver={(e) => {
                  if (!dragging.current) return;
                  e.preventDefault();
                  e.dataTransfer.dropEffect = 'move';
                  if (dragOver !== s.id) setDragOver(s.id);
                }}
                onDragLeave={(e) => {
                  if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragOver((d) => (d === s.id ? null : d));
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  onDrop(s);
                }}
              >
                <header className="rudder-board-column-head" data-testid={`column-head-${s.id}`}>
                  <div className="rudder-board-column-title">
                    <span>{s.name}</span>
                    <Tag bordered={false}>{s.kind === 'open' ? `${s.probability}%` : s.kind === 'won' ? t('board.won') : t('board.lost')}</Tag>
                    <span className="rudder-board-count" data-testid={`column-count-${s.id}`}>
                      {head.count}
                      {partial ? '+' : ''}
                    </span>
                  </div>
                  <div className="rudder-board-sum">
                    <span>{t('board.amount')}</span> <span data-testid={`column-amount-${s.id}`}>{head.amount}</span>
                  </div>
                  <div className="rudder-board-sum">
                    <span>{t('board.weighted')}</span> <span data-testid={`column-weighted-${s.id}`}>{head.weighted}</span>
                  </div>
                </header>
                <div className="rudder-board-cards">
                  {items.map((o) => (
                    <article
                      key={o.id}
                      className={'rudder-board-card' + (moving.has(o.id) ? ' rudder-board-card-busy' : '')}
                      data-testid={`card-${o.id}`}
                      aria-busy={moving.has(o.id)}
                      draggable={canWrite}
                      tabIndex={0}
                      role="button"
                      // A drag never ends in a click, so a click is always "open this card".
                      onClick={() => setDetailId(o.id)}
                      onKeyDown={(e) => {
                        if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) {
                          e.preventDefault();
                          setDetailId(o.id);
                        }
                      }}
                      onDragStart={(e) => {
                        dragging.current = o;
                        e.dataTransfer.effectAllowed = 'move';
                        e.dataTransfer.setData('text/plain', o.id);
                      }}
                      onDragEnd={() => {
                        dragging.current = null;
                        setDragOver(null);
                      }}
                    >
                      <div className="rudder-board-card-top">
                        <span className="rudder-board-card-name">{o.name}</span>
                        {canWrite ? (
                          // The menu renders in a portal, but React still bubbles its clicks here: stop them.
                          <span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                            <Dropdown
                              trigger={['click']}
                              menu={{
                                items: stages.filter((x) => x.id !== o.stage_id).map((x) => ({ key: x.id, label: x.name })),
                                onClick: ({ key }) => {
                                  const to = stages.find((x) => x.id === key);
                                  if (to) void move(o, to);
                                },
                              }}
                            >
                              <Button size="small" type="text" icon={<SwapOutlined />} aria-label={t('board.moveTo')} title={t('board.moveTo')} data-testid={`card-move-${o.id}`} />
                            </Dropdown>
                          </span>
                        ) : null}
                      </div>
                      <div className="rudder-board-card-customer">{o.customer_name}</div>
                      <div className="rudder-board-card-amount" data-testid={`card-amount-${o.id}`}>{formatMoney(o.amount.amount, o.amount.currency)}</div>
                      <div className="rudder-board-card-meta">
                        <span>{o.owner_name || '—'}</span>
                        <span title={t('opp.expectedClose')}>{o.expected_close}</span>
                      </div>
                      {o.health_score != null ? (
                        <Tag color={healthColor(o.health_score)} style={{ marginTop: 6 }} data-testid={`card-health-${o.id}`}>
                          {t('board.health', { score: o.health_score })}
                        </Tag>
                      ) : null}
                      {o.stalled ? (
                        <Tag color="orange" style={{ marginTop: 6 }} data-testid={`card-stalled-${o.id}`}>
                          {t('board.stalled')}
                        </Tag>
                      ) : null}
                    </article>
                  ))}
                  {col?.loading ? <Spin size="small" style={{ display: 'block', margin: 8 }} /> : null}
                  {!col?.loading && items.length === 0 ? <div className="rudder-board-empty">{t('board.emptyColumn')}</div> : null}
                  {col?.cursor && !col.loading ? (
                    <Button type="link" block onClick={() => void loadMore(s.id)}>
                      {t('list.loadMore')}
                    </Button>
                  ) : null}
                </div>
              </section>
            );
          })}
        </div>
      )}
      <OpportunityDrawer
        open={drawerOpen}
        pipelineId={pipelineId}
        onClose={() => setDrawerOpen(false)}
        onCreated={(o) => {
          setDrawerOpen(false);
          place(o, o.stage_id);
          void loadTotals();
        }}
      />
      <OpportunityDetail
        id={detailId}
        onClose={() => setDetailId(null)}
        onChanged={(o) => {
          setColumns((prev) => Object.fromEntries(Object.entries(prev).map(([k, c]) => [k, { ...c, items: c.items.map((x) => (x.id === o.id ? o : x)) }])));
          void loadTotals(); // its amount or owner may have changed
        }}
      />
      {pending && !pending.missing ? (
        <LossReasonModal
          pending={pending}
          onCancel={() => setPending(null)}
          onSubmit={async (reason) => {
            if (await move(pending.opp, pending.to, reason)) setPending(null);
          }}
        />
      ) : null}
      {pending?.missing ? (
        <GateModal
          pending={pending}
          onCancel={() => setPending(null)}
          onRetry={async () => {
            // The opportunity may have changed meanwhile: move the newest version.
            let fresh = pending.opp;
            try {
              fresh = await api.get<Opportunity>(`/opportunities/${pending.opp.id}`);
            } catch (e) {
              onError(e);
              return;
            }
            setPending(null);
            await move(fresh, pending.to);
          }}
        />
      ) : null}
    </div>
  );
}

function LossReasonModal({ pending, onCancel, onSubmit }: { pending: PendingMove; onCancel: () => void; onSubmit: (reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const [reason, setReason] = useState(pending.opp.win_loss_reason ?? '');
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const empty = !reason.trim();
  return (
    <Modal
      open
      title={t('board.lossTitle', { name: pending.opp.name })}
      okText={t('board.lossOk')}
      cancelText={t('action.cancel')}
      onCancel={onCancel}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'loss-ok' } as React.ComponentProps<typeof Button>}
      onOk={async () => {
        setTouched(true);
        if (empty) return;
        setBusy(true);
        try {
          await onSubmit(reason.trim());
        } finally {
          setBusy(false);
        }
      }}
      data-testid="loss-modal"
    >
      <Typography.Paragraph type="secondary">{t('board.lossHelp', { stage: pending.to.name })}</Typography.Paragraph>
      <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} status={touched && empty ? 'error' : undefined} data-testid="loss-reason" />
      {touched && empty ? <Typography.Text type="danger">{t('board.lossRequired')}</Typography.Text> : null}
    </Modal>
  );
}

function GateModal({ pending, onCancel, onRetry }: { pending: PendingMove; onCancel: () => void; onRetry: () => Promise<void> }) {
  const { t } = useI18n();
  const onError = useApiError();
  const [tasks, setTasks] = useState<OpportunityTask[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const missing = pending.missing ?? [];

  useEffect(() => {
    api
      .get<Page<OpportunityTask>>(`/opportunities/${pending.opp.id}/tasks`)
      .then((p) => setTasks(p.items ?? []))
      .catch((e) => {
        setTasks([]);
        onError(e);
      });
  }, [pending.opp.id, onError]);

  // By id when the refusal names it; by stage and task name otherwise.
  const taskOf = (m: MissingTask) =>
    tasks?.find((x) => (m.task_id ? x.id === m.task_id : x.stage_name === m.stage && x.name === m.task));
  const tick = async (task: OpportunityTask) => {
    setBusy(task.id);
    try {
      const done = await api.post<OpportunityTask>(`/opportunities/${pending.opp.id}/tasks/${task.id}/done`);
      setTasks((prev) => (prev ?? []).map((x) => (x.id === done.id ? done : x)));
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };
  const allDone = tasks !== null && missing.every((m) => !!taskOf(m)?.done_at);

  return (
    <Modal
      open
      title={t('board.gateTitle', { stage: pending.to.name })}
      onCancel={onCancel}
      data-testid="gate-modal"
      footer={
        <Space>
          <Button onClick={onCancel} data-testid="gate-cancel">
            {t('action.cancel')}
          </Button>
          <Button
            type="primary"
            loading={retrying}
            disabled={!allDone}
            data-testid="gate-retry"
            onClick={async () => {
              setRetrying(true);
              try {
                await onRetry();
              } finally {
                setRetrying(false);
              }
            }}
          >
            {t('board.gateRetry')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph>{t('board.gateBody', { name: pending.opp.name, stage: pending.to.name })}</Typography.Paragraph>
      <List
        size="small"
        bordered
        loading={tasks === null}
        dataSource={missing}
        data-testid="gate-tasks"
        renderItem={(m, i) => {
          const task = taskOf(m);
          return (
            <List.Item
              data-testid={`gate-task-${i}`}
              actions={[
                task?.done_at ? (
                  <Tag color="green" icon={<CheckOutlined />} key="done">
                    {t('board.taskDone')}
                  </Tag>
                ) : task ? (
                  <Button key="tick" size="small" loading={busy === task.id} onClick={() => void tick(task)} data-testid={`gate-tick-${i}`}>
                    {t('board.tick')}
                  </Button>
                ) : (
                  <Typography.Text type="secondary" key="none">
                    {t('board.taskNotMade')}
                  </Typography.Text>
                ),
              ]}
            >
              <span>
                <Typography.Text type="secondary">{m.stage} · </Typography.Text>
                {m.task}
              </span>
            </List.Item>
          );
        }}
      />
    </Modal>
  );
}
