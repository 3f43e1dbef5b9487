// The activity timeline (跟进记录) of one or more subjects — a lead; or a customer with its
// contacts and opportunities — merged into one list: what is planned (tasks, visit plans,
// soonest first, with complete / cancel), then what happened, newest first, with "load more".
// Each activity can be edited, deleted (both at its version; the API says whether the caller may)
// and its change history opened.
// Each source is one keyset-paged API list: a subject's activities, or a customer's whole
// timeline (customer_id: the customer, its contacts, its opportunities and the leads converted
// into it); the sources are merged in the API's own order (see activities.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { App, Button, Card, Empty, Input, Modal, Popconfirm, Radio, Space, Spin, Tag, Timeline, Typography } from 'antd';
import {
  CalendarOutlined,
  CheckCircleOutlined,
  CheckSquareOutlined,
  EditOutlined,
  MailOutlined,
  PhoneOutlined,
  PlusOutlined,
  TeamOutlined,
  CarOutlined,
  DeleteOutlined,
  HistoryOutlined,
} from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { LoadMore } from './LoadMore';
import { LogActivity } from './LogActivity';
import { ActivityEditor } from './ActivityEditor';
import { FormDrawer } from './FormDrawer';
import { HistoryList } from './HistoryList';
import {
  activityWhen,
  compareDue,
  compareHistory,
  completeBody,
  completionAsks,
  feedHasMore,
  isOverdue,
  newSource,
  sourcesToFetch,
  subjectKey,
  takeMerged,
  type Activity,
  type FeedSource,
  type Subject,
} from '../activities';
import type { Page } from '../types';

const PAGE = 20;

interface Feed {
  items: Activity[];
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * One merged, paged list of the subjects' activities. `query` and `compare` must describe the
 * same order (the API's sort and its comparator). A change of subjects or `generation` starts over.
 */
function useMergedFeed(sourceKeys: string[], query: Record<string, string>, compare: (a: Activity, b: Activity) => number, generation: number, onError: (e: unknown) => void): Feed {
  const [items, setItems] = useState<Activity[]>([]);
  const [loading, setLoading] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const sources = useRef<FeedSource<Activity>[]>([]);
  const seq = useRef(0);
  const key = JSON.stringify([sourceKeys, query]);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const load = useCallback(
    async (reset: boolean) => {
      const my = ++seq.current;
      const [keys, q] = JSON.parse(key) as [string[], Record<string, string>];
      let srcs = reset ? keys.map((k) => newSource<Activity>(k)) : sources.current;
      const got: Activity[] = [];
      setLoading(true);
      try {
        // Rounds of "fetch every source that ran dry, then take in order" until a page is full.
        for (let round = 0; round < 5 && got.length < PAGE && feedHasMore(srcs); round++) {
          const need = sourcesToFetch(srcs);
          const pages = await Promise.all(
            need.map((s) => {
              const i = s.key.indexOf(':');
              const [kind, id] = [s.key.slice(0, i), s.key.slice(i + 1)];
              const of = kind === CUSTOMER_SOURCE ? { customer_id: id } : { subject_type: kind, subject_id: id };
              return api.get<Page<Activity>>('/activities', { ...q, ...of, limit: PAGE, cursor: s.cursor });
            }),
          );
          if (my !== seq.current) return;
          srcs = srcs.map((s) => {
            const j = need.indexOf(s);
            if (j < 0) return s;
            const p = pages[j];
            return { ...s, buffer: [...s.buffer, ...(p.items ?? [])], cursor: p.next_cursor || null, done: !p.next_cursor, started: true };
          });
          const taken = takeMerged(srcs, compare, PAGE - got.length);
          srcs = taken.sources;
          got.push(...taken.items);
        }
        sources.current = srcs;
        setItems((prev) => (reset ? got : [...prev, ...got]));
        setHasMore(feedHasMore(srcs));
      } catch (e) {
        if (my === seq.current) onErrorRef.current(e);
      } finally {
        if (my === seq.current) setLoading(false);
      }
    },
    [key, compare],
  );

  useEffect(() => {
    void load(true);
  }, [load, generation]);

  return { items, loading, hasMore, loadMore: () => void load(false) };
}

const KIND_ICON: Record<string, React.ReactNode> = {
  call: <PhoneOutlined />,
  visit: <CarOutlined />,
  meeting: <TeamOutlined />,
  email: <MailOutlined />,
  note: <EditOutlined />,
  task: <CheckSquareOutlined />,
};

/** The key prefix of a source that is a customer's whole timeline (customer_id). */
const CUSTOMER_SOURCE = 'customer_id';

interface Props {
  /** The subjects activities can be logged on; the first is the page's own record. Their activities are shown, unless customerId is set. */
  subjects: Subject[];
  /** Show this customer's whole timeline (its contacts, opportunities and the leads converted into it included) as one list. */
  customerId?: string;
  /** More subjects the timeline names but nothing is logged on (the lead a customer was converted from). */
  named?: Subject[];
  /** After a follow-up was logged, edited, completed, cancelled or deleted (the subject's last activity may have moved). */
  onChanged?: () => void;
}

const PLANNED_QUERY = { status: 'planned', sort: 'due_at' };
const HISTORY_QUERY = { sort: '-occurred_at' };

export function ActivityTimeline({ subjects, customerId, named, onChanged }: Props) {
  const { t } = useI18n();
  const { can } = useAuth();
  const onError = useApiError();
  const canWrite = can('activity.write');
  const [generation, setGeneration] = useState(0);
  const [logging, setLogging] = useState(false);
  const sourceKeys = useMemo(() => (customerId ? [`${CUSTOMER_SOURCE}:${customerId}`] : subjects.map(subjectKey)), [customerId, subjects]);
  const planned = useMergedFeed(sourceKeys, PLANNED_QUERY, compareDue, generation, onError);
  const history = useMergedFeed(sourceKeys, HISTORY_QUERY, compareHistory, generation, onError);
  const labels = useMemo(() => new Map([...subjects.slice(1), ...(named ?? [])].map((s) => [subjectKey(s), s.label ?? ''])), [subjects, named]);
  // Planned activities are listed above; the history has what happened or was called off.
  const past = history.items.filter((a) => a.status !== 'planned');

  const changed = () => {
    setGeneration((g) => g + 1);
    onChanged?.();
  };

  // Beyond the contacts and opportunities the page loaded, the timeline still says what an activity is on.
  const own = subjects.length > 0 ? subjectKey(subjects[0]) : '';
  const onLabel = (a: Activity) => {
    const k = subjectKey({ type: a.subject_type, id: a.subject_id });
    if (k === own) return undefined;
    const known = labels.get(k);
    if (known !== undefined) return known;
    return a.subject_type === 'customer' ? undefined : t(`activity.on.${a.subject_type}`, { name: '…' });
  };
  const item = (a: Activity) => <ActivityItem key={a.id} a={a} on={onLabel(a)} canWrite={canWrite} onChanged={changed} />;

  return (
    <div data-testid="activity-timeline">
      {canWrite ? (
        logging ? (
          <Card size="small" title={t('activity.log')} style={{ marginBottom: 16 }}>
            <LogActivity
              subjects={subjects}
              onCancel={() => setLogging(false)}
              onLogged={() => {
                setLogging(false);
                changed();
              }}
            />
          </Card>
        ) : (
          <Button type="dashed" block icon={<PlusOutlined />} onClick={() => setLogging(true)} style={{ marginBottom: 16 }} data-testid="log-activity-open">
            {t('activity.log')}
          </Button>
        )
      ) : null}
      {planned.items.length > 0 ? (
        <div data-testid="activity-planned" style={{ marginBottom: 16 }}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            <CalendarOutlined /> {t('activity.plannedTitle', { count: planned.items.length })}
          </Typography.Title>
          <Timeline items={planned.items.map((a) => ({ color: isOverdue(a) ? 'red' : 'blue', dot: KIND_ICON[a.kind], children: item(a) }))} />
          {planned.hasMore ? <LoadMore hasMore loading={planned.loading} onClick={planned.loadMore} count={0} /> : null}
        </div>
      ) : null}
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('activity.historyTitle')}
      </Typography.Title>
      {history.loading && history.items.length === 0 ? (
        <Spin />
      ) : past.length === 0 && !history.hasMore ? (
        <Empty description={t('activity.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <div data-testid="activity-history">
          <Timeline items={past.map((a) => ({ color: a.status === 'cancelled' ? 'gray' : 'green', dot: KIND_ICON[a.kind], children: item(a) }))} />
          <LoadMore hasMore={history.hasMore} loading={history.loading} onClick={history.loadMore} count={0} />
        </div>
      )}
    </div>
  );
}

function ActivityItem({ a, on, canWrite, onChanged }: { a: Activity; on?: string; canWrite: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [open, setOpen] = useState<'edit' | 'history' | null>(null);

  // An activity deleted meanwhile, or one the caller may see but not change, answers 404 or 403:
  // say so and show the timeline as it now is.
  const failed = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      message.error(t('activity.gone'));
      onChanged();
    } else {
      onError(e, undefined, onChanged);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await api.del(`/activities/${a.id}`, { version: a.version });
      message.success(t('msg.deleted'));
      onChanged();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const patch = async (body: Record<string, unknown>, done: string) => {
    setBusy(true);
    try {
      await api.patch<Activity>(`/activities/${a.id}`, body, a.version);
      message.success(done);
      setAsking(false);
      onChanged();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const statusTag =
    a.status === 'planned' ? (
      isOverdue(a) ? (
        <Tag color="red">{t('activity.overdue')}</Tag>
      ) : (
        <Tag color="blue">{t('activity.status.planned')}</Tag>
      )
    ) : a.status === 'cancelled' ? (
      <Tag>{t('activity.status.cancelled')}</Tag>
    ) : null;

  return (
    <div data-testid={`activity-${a.id}`} data-kind={a.kind} data-status={a.status}>
      <Space size={4} wrap>
        <Tag>{t(`activity.kind.${a.kind}` as const)}</Tag>
        <Typography.Text strong>{a.title}</Typography.Text>
        {statusTag}
        {a.kind === 'visit' && a.commitment_won === true ? (
          <Tag color="green" icon={<CheckCircleOutlined />}>
            {t('activity.commitmentWonTag')}
          </Tag>
        ) : null}
        {a.kind === 'visit' && a.commitment_won === false ? <Tag color="orange">{t('activity.commitmentLostTag')}</Tag> : null}
        {on ? <Tag color="purple">{on}</Tag> : null}
      </Space>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {a.status === 'planned' && a.due_at ? t('activity.dueOn', { at: formatDateTime(a.due_at) }) : formatDateTime(activityWhen(a))}
          {a.owner_name ? ` · ${a.owner_name}` : ''}
        </Typography.Text>
      </div>
      {a.kind === 'visit' ? <VisitFields a={a} /> : null}
      {a.body ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{a.body}</Typography.Paragraph> : null}
      <Space size={4} wrap style={{ marginTop: 4 }}>
        {canWrite && a.status === 'planned' ? (
          <>
            <Button
              size="small"
              type="primary"
              ghost
              loading={busy && !asking}
              data-testid={`activity-complete-${a.id}`}
              onClick={() => (completionAsks(a) ? setAsking(true) : void patch(completeBody(a), t('activity.completed')))}
            >
              {t('activity.complete')}
            </Button>
            <Popconfirm title={t('activity.cancelConfirm')} onConfirm={() => patch({ status: 'cancelled' }, t('activity.cancelledMsg'))} okText={t('activity.cancelPlan')} cancelText={t('action.close')}>
              <Button size="small" type="text" data-testid={`activity-cancel-${a.id}`}>
                {t('activity.cancelPlan')}
              </Button>
            </Popconfirm>
          </>
        ) : null}
        {canWrite ? (
          <>
            <Button size="small" type="text" icon={<EditOutlined />} data-testid={`activity-edit-${a.id}`} onClick={() => setOpen('edit')}>
              {t('action.edit')}
            </Button>
            <Popconfirm
              title={t(a.remind_at ? 'activity.deleteConfirmReminder' : 'activity.deleteConfirm', { title: a.title })}
              onConfirm={() => remove()}
              okText={t('action.delete')}
              okButtonProps={{ danger: true, 'data-testid': 'activity-delete-ok' } as React.ComponentProps<typeof Button>}
              cancelText={t('action.cancel')}
            >
              <Button size="small" type="text" danger icon={<DeleteOutlined />} data-testid={`activity-delete-${a.id}`}>
                {t('action.delete')}
              </Button>
            </Popconfirm>
          </>
        ) : null}
        <Button size="small" type="text" icon={<HistoryOutlined />} data-testid={`activity-history-${a.id}`} onClick={() => setOpen('history')}>
          {t('tab.history')}
        </Button>
      </Space>
      {open === 'edit' ? <ActivityEditor a={a} onClose={() => setOpen(null)} onChanged={onChanged} /> : null}
      {open === 'history' ? (
        <FormDrawer open title={t('activity.historyOf', { title: a.title })} onClose={() => setOpen(null)} testid="activity-history-drawer">
          <HistoryList resource="activities" id={a.id} fieldLabels={activityFieldLabels(t)} />
        </FormDrawer>
      ) : null}
      {asking ? <CompleteVisitModal a={a} busy={busy} onCancel={() => setAsking(false)} onOk={(won, outcome) => void patch(completeBody(a, won, outcome), t('activity.completed'))} /> : null}
    </div>
  );
}

/** An activity's fields by the names the timeline and editor give them (the shared field labels name a contact's title "job title"). */
function activityFieldLabels(t: ReturnType<typeof useI18n>['t']): Record<string, string> {
  return {
    title: t('activity.title'),
    body: t('activity.body'),
    kind: t('activity.kind'),
    occurred_at: t('activity.occurredAt'),
    due_at: t('activity.dueAt'),
    remind_at: t('activity.remindAt'),
    goal: t('activity.goal'),
    commitment: t('activity.commitment'),
    preparation: t('activity.preparation'),
    outcome: t('activity.outcome'),
    commitment_won: t('activity.commitmentWon'),
    owner_id: t('activity.owner'),
    done_at: t('activity.doneAt'),
    subject_type: t('activity.subject'),
  };
}

function VisitFields({ a }: { a: Activity }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    [t('activity.goal'), a.goal],
    [t('activity.commitment'), a.commitment],
    [t('activity.preparation'), a.preparation],
    [t('activity.outcome'), a.outcome],
  ];
  const shown = rows.filter(([, v]) => v && v.trim());
  if (!shown.length) return null;
  return (
    <div style={{ marginTop: 4 }} data-testid={`visit-${a.id}`}>
      {shown.map(([label, v]) => (
        <div key={label} style={{ fontSize: 13 }}>
          <Typography.Text type="secondary">{label}：</Typography.Text>
          <span style={{ whiteSpace: 'pre-wrap' }}>{v}</span>
        </div>
      ))}
    </div>
  );
}

/** Completing a visit plan: was the advance commitment won? (the API requires the answer) */
function CompleteVisitModal({ a, busy, onCancel, onOk }: { a: Activity; busy: boolean; onCancel: () => void; onOk: (won: boolean, outcome: string) => void }) {
  const { t } = useI18n();
  const [won, setWon] = useState<'yes' | 'no' | null>(null);
  const [outcome, setOutcome] = useState(a.outcome ?? '');
  return (
    <Modal
      open
      title={t('activity.completeVisit', { title: a.title })}
      onCancel={onCancel}
      okText={t('activity.complete')}
      cancelText={t('action.cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: won === null, 'data-testid': 'complete-visit-ok' } as React.ComponentProps<typeof Button>}
      onOk={() => won && onOk(won === 'yes', outcome)}
    >
      <Typography.Paragraph>
        <Typography.Text type="secondary">{t('activity.commitment')}：</Typography.Text>
        {a.commitment}
      </Typography.Paragraph>
      <Typography.Paragraph style={{ marginBottom: 4 }}>{t('activity.commitmentWon')}</Typography.Paragraph>
      <Radio.Group value={won} onChange={(e) => setWon(e.target.value)} style={{ marginBottom: 12 }}>
        <Radio value="yes">
          <span data-testid="complete-won-yes">{t('activity.won')}</span>
        </Radio>
        <Radio value="no">
          <span data-testid="complete-won-no">{t('activity.notWon')}</span>
        </Radio>
      </Radio.Group>
      <Input.TextArea value={outcome} onChange={(e) => setOutcome(e.target.value)} maxLength={2000} rows={3} placeholder={t('activity.outcome')} data-testid="complete-outcome" />
    </Modal>
  );
}
