// One opportunity (商机详情): its summary with the contacts involved, and tabs to edit it with the five-dimension
// evaluation (详情), tick its stages' required tasks (任务), see the stages it went through
// (阶段历史), its follow-ups (跟进) and its change history (历史). Opened from the board and
// from the customer page.
import { useCallback, useEffect, useState } from 'react';
import { App, Button, Col, DatePicker, Descriptions, Divider, Drawer, Empty, Form, Input, List, Rate, Row, Select, Space, Spin, Tabs, Tag, Timeline, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { UserSelect } from '../components/UserSelect';
import { HistoryList } from '../components/HistoryList';
import { ActivityTimeline } from '../components/ActivityTimeline';
import { useIsMobile } from '../components/useMediaQuery';
import { CURRENCIES, currencySymbol, formatMoney, parseMoney } from '../money';
import { DIMENSIONS, FORECASTS, formValues, healthColor, oppPatch, previewHealth, type OppFormValues } from '../opportunity';
import type { Contact } from '../customers';
import type { Opportunity, OpportunityTask, Page, StageMove } from '../types';
import { ContactsSelect, useCustomerContacts } from './OpportunityDrawer';

interface Props {
  /** The opportunity to show; null = closed. */
  id: string | null;
  onClose: () => void;
  /** After a save (or a follow-up) changed the opportunity. */
  onChanged?: (o: Opportunity) => void;
  /** The tab shown first: the customer page opens on the follow-ups. */
  initialTab?: 'details' | 'tasks' | 'stages' | 'timeline' | 'history';
}

export function OpportunityDetail({ id, onClose, onChanged, initialTab = 'details' }: Props) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  const onError = useApiError();
  const [opp, setOpp] = useState<Opportunity | null>(null);

  const load = useCallback(async () => {
    if (!id) return;
    try {
      setOpp(await api.get<Opportunity>(`/opportunities/${id}`));
    } catch (e) {
      onError(e);
    }
  }, [id, onError]);

  useEffect(() => {
    // Closing keeps the last opportunity on screen while the drawer slides away.
    if (!id) return;
    setOpp(null);
    void load();
  }, [id, load]);

  const changed = (o: Opportunity) => {
    // Lists carry no contact_ids: an answer without them keeps the ones shown.
    setOpp((prev) => ({ ...o, contact_ids: o.contact_ids ?? prev?.contact_ids }));
    onChanged?.(o);
  };
  const contacts = useCustomerContacts(opp?.customer_id, opp?.contact_ids);

  return (
    <Drawer open={!!id} onClose={onClose} width={mobile ? '100%' : 760} title={opp?.name ?? ''} destroyOnClose data-testid="opp-detail">
      {!opp ? (
        <Spin />
      ) : (
        <>
          <Summary opp={opp} contacts={contacts} />
          <Tabs
            defaultActiveKey={initialTab}
            items={[
              { key: 'details', label: <span data-testid="oppd-tab-details">{t('tab.details')}</span>, children: <DetailsForm opp={opp} contacts={contacts} onSaved={changed} onStale={() => void load()} /> },
              { key: 'tasks', label: <span data-testid="oppd-tab-tasks">{t('oppd.tab.tasks')}</span>, children: <TasksTab opp={opp} /> },
              { key: 'stages', label: <span data-testid="oppd-tab-stages">{t('oppd.tab.stages')}</span>, children: <StagesTab opp={opp} /> },
              {
                key: 'timeline',
                label: <span data-testid="oppd-tab-timeline">{t('oppd.tab.timeline')}</span>,
                children: (
                  <ActivityTimeline
                    subjects={[{ type: 'opportunity', id: opp.id }]}
                    onChanged={() => void api.get<Opportunity>(`/opportunities/${opp.id}`).then(changed, onError)}
                  />
                ),
              },
              { key: 'history', label: <span data-testid="oppd-tab-history">{t('tab.history')}</span>, children: <HistoryList key={opp.version} resource="opportunities" id={opp.id} /> },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

function Summary({ opp, contacts }: { opp: Opportunity; contacts: Contact[] | null }) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  const stageColor = opp.stage_kind === 'won' ? 'green' : opp.stage_kind === 'lost' ? 'default' : 'processing';
  return (
    <Descriptions size="small" column={mobile ? 1 : 2} style={{ marginBottom: 8 }} data-testid="oppd-summary">
      <Descriptions.Item label={t('opp.customer')}>
        <Link to={`/customers/${opp.customer_id}`} data-testid="oppd-customer">
          {opp.customer_name}
        </Link>
      </Descriptions.Item>
      <Descriptions.Item label={t('oppd.stage')}>
        <Space size={4} wrap>
          <Tag color={stageColor} data-testid="oppd-stage">
            {opp.stage_name} · {opp.probability}%
          </Tag>
          {opp.stalled ? <Tag color="orange">{t('oppd.stalled')}</Tag> : null}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('opp.amount')}>
        <span data-testid="oppd-amount">{formatMoney(opp.amount.amount, opp.amount.currency)}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('oppd.weighted')}>
        <span data-testid="oppd-weighted">{formatMoney(opp.weighted_amount.amount, opp.weighted_amount.currency)}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('opp.expectedClose')}>{opp.expected_close}</Descriptions.Item>
      <Descriptions.Item label={t('opp.owner')}>{opp.owner_name || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('oppd.forecast')}>{forecastLabel(t, opp.forecast_category)}</Descriptions.Item>
      <Descriptions.Item label={t('oppd.health')}>
        <Tag color={healthColor(opp.health_score)} data-testid="oppd-health">
          {opp.health_score ?? t('oppd.noHealth')}
        </Tag>
      </Descriptions.Item>
      <Descriptions.Item label={t('opp.contacts')} span={mobile ? 1 : 2}>
        <ContactList ids={opp.contact_ids ?? []} contacts={contacts} />
      </Descriptions.Item>
    </Descriptions>
  );
}

/** The linked contacts by name with their decision role, in the order the API gives them. */
function ContactList({ ids, contacts }: { ids: string[]; contacts: Contact[] | null }) {
  const { t } = useI18n();
  if (!ids.length) return <Typography.Text type="secondary" data-testid="oppd-contacts">{t('opp.noContacts')}</Typography.Text>;
  if (contacts === null) return <Spin size="small" />;
  return (
    <Space size={[8, 4]} wrap data-testid="oppd-contacts">
      {ids.map((id) => {
        const c = contacts.find((x) => x.id === id);
        return (
          <span key={id} data-testid={`oppd-contact-${id}`}>
            {c?.name ?? '—'}
            {c?.decision_role ? (
              <Tag bordered={false} color={c.decision_role === 'decision_maker' ? 'magenta' : c.decision_role === 'blocker' ? 'red' : 'default'} style={{ marginInlineStart: 4 }}>
                {t(`contact.role.${c.decision_role}` as const)}
              </Tag>
            ) : null}
          </span>
        );
      })}
    </Space>
  );
}

type T = ReturnType<typeof useI18n>['t'];

function forecastLabel(t: T, c: string): string {
  switch (c) {
    case 'pipeline':
      return t('oppd.forecast.pipeline');
    case 'best_case':
      return t('oppd.forecast.best_case');
    case 'commit':
      return t('oppd.forecast.commit');
    case 'closed':
      return t('oppd.forecast.closed');
    case 'omitted':
      return t('oppd.forecast.omitted');
    default:
      return c;
  }
}

function dimensionLabel(t: T, d: (typeof DIMENSIONS)[number]): string {
  switch (d) {
    case 'need':
      return t('oppd.dim.need');
    case 'budget':
      return t('oppd.dim.budget');
    case 'decision_chain':
      return t('oppd.dim.decision_chain');
    case 'timeline':
      return t('oppd.dim.timeline');
    default:
      return t('oppd.dim.competitive');
  }
}

/** The edit form; the date is a Dayjs in the form and a YYYY-MM-DD string in OppFormValues. */
type FormShape = Omit<OppFormValues, 'expected_close'> & { expected_close: dayjs.Dayjs };

function DetailsForm({ opp, contacts, onSaved, onStale }: { opp: Opportunity; contacts: Contact[] | null; onSaved: (o: Opportunity) => void; onStale: () => void }) {
  const { t } = useI18n();
  const { can, me } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [form] = Form.useForm<FormShape>();
  const [saving, setSaving] = useState(false);
  const canWrite = can('deal.write');
  const currency = Form.useWatch('currency', form) ?? opp.amount.currency;
  const scores = Form.useWatch('scores', form);
  const half = mobile ? 24 : 12;

  useEffect(() => {
    const v = formValues(opp);
    form.setFieldsValue({ ...v, expected_close: dayjs(v.expected_close) });
  }, [opp, form]);

  const save = async () => {
    let v: FormShape;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body = oppPatch(opp, { ...formValues(opp), ...v, expected_close: v.expected_close.format('YYYY-MM-DD') });
    if (!body) return;
    if (Object.keys(body).length === 0) {
      message.info(t('oppd.saved'));
      return;
    }
    setSaving(true);
    try {
      const saved = await api.patch<Opportunity>(`/opportunities/${opp.id}`, body, opp.version);
      message.success(t('oppd.saved'));
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  const preview = scores ? previewHealth(scores) : opp.health_score ?? null;
  const open = opp.stage_kind === 'open';
  return (
    <Form form={form} layout="vertical" disabled={!canWrite} data-testid="oppd-form">
      <Form.Item name="name" label={t('opp.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('opp.name') }) }]}>
        <Input maxLength={100} data-testid="oppd-name" />
      </Form.Item>
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item
            name="amount"
            label={t('opp.amount')}
            dependencies={['currency']}
            rules={[
              { required: true, whitespace: true, message: t('validation.required', { field: t('opp.amount') }) },
              { validator: (_r, v: string | undefined) => (!v || !v.trim() || parseMoney(v, currency) !== null ? Promise.resolve() : Promise.reject(new Error(t('opp.amountInvalid')))) },
            ]}
          >
            <Input inputMode="decimal" prefix={currencySymbol(currency).trim()} data-testid="oppd-amount-input" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="currency" label={t('opp.currency')}>
            <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} data-testid="oppd-currency" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={half}>
          <Form.Item name="expected_close" label={t('opp.expectedClose')} rules={[{ required: true, message: t('validation.required', { field: t('opp.expectedClose') }) }]}>
            <DatePicker style={{ width: '100%' }} allowClear={false} data-testid="oppd-expected-close" />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="forecast_category" label={t('oppd.forecast')} tooltip={open ? undefined : t('oppd.closedForecast')}>
            <Select
              disabled={!open}
              options={(open ? FORECASTS : [opp.forecast_category]).map((c) => ({ value: c, label: forecastLabel(t, c) }))}
              data-testid="oppd-forecast"
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={half}>
          <Form.Item name="competitor" label={t('oppd.competitor')}>
            <Input maxLength={100} data-testid="oppd-competitor" />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="owner_id" label={t('opp.owner')}>
            <UserSelect initialLabel={opp.owner_name} allowClear={false} disabled={!canWrite || me?.data_scope === 'own'} data-testid="oppd-owner" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="contact_ids" label={t('opp.contacts')} tooltip={t('opp.contactsHelp')}>
        <ContactsSelect contacts={contacts} data-testid="oppd-contacts-input" />
      </Form.Item>
      <Form.Item name="win_loss_reason" label={t('oppd.winLossReason')}>
        <Input.TextArea maxLength={500} rows={2} data-testid="oppd-reason" />
      </Form.Item>
      <Divider style={{ margin: '8px 0 12px' }} />
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginBottom: 4 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('oppd.evaluation')}
        </Typography.Title>
        <Tag color={healthColor(preview)} data-testid="oppd-health-preview">
          {t('oppd.health')} {preview ?? '—'}
        </Tag>
      </div>
      <Typography.Paragraph type="secondary">{t('oppd.evaluationHelp')}</Typography.Paragraph>
      {DIMENSIONS.map((d) => (
        <div key={d} data-testid={`oppd-dim-${d}`}>
          <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '4px 12px', marginBottom: 4 }}>
            <Typography.Text strong>{dimensionLabel(t, d)}</Typography.Text>
            <Form.Item name={['scores', d]} noStyle>
              <Rate count={5} allowClear data-testid={`oppd-score-${d}`} />
            </Form.Item>
          </div>
          <Form.Item name={['notes', d]} style={{ marginBottom: 12 }}>
            <Input maxLength={500} placeholder={t('oppd.note')} data-testid={`oppd-note-${d}`} />
          </Form.Item>
        </div>
      ))}
      {canWrite ? (
        <Button type="primary" onClick={() => void save()} loading={saving} data-testid="oppd-save">
          {t('action.save')}
        </Button>
      ) : null}
    </Form>
  );
}

function TasksTab({ opp }: { opp: Opportunity }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const onError = useApiError();
  const [tasks, setTasks] = useState<OpportunityTask[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<Page<OpportunityTask>>(`/opportunities/${opp.id}/tasks`)
      .then((p) => setTasks(p.items ?? []))
      .catch((e) => {
        setTasks([]);
        onError(e);
      });
  }, [opp.id, opp.stage_id, onError]);

  const tick = async (task: OpportunityTask) => {
    setBusy(task.id);
    try {
      const done = await api.post<OpportunityTask>(`/opportunities/${opp.id}/tasks/${task.id}/done`);
      setTasks((prev) => (prev ?? []).map((x) => (x.id === done.id ? done : x)));
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  if (tasks === null) return <Spin />;
  if (!tasks.length) return <Empty description={t('oppd.noTasks')} />;
  return (
    <List
      size="small"
      bordered
      dataSource={tasks}
      data-testid="oppd-tasks"
      renderItem={(task) => (
        <List.Item
          data-testid={`oppd-task-${task.id}`}
          actions={[
            task.done_at ? (
              <Tag color="green" icon={<CheckOutlined />} key="done" data-testid={`oppd-task-done-${task.id}`}>
                {t('board.taskDone')}
              </Tag>
            ) : can('deal.write') ? (
              <Button key="tick" size="small" loading={busy === task.id} onClick={() => void tick(task)} data-testid={`oppd-tick-${task.id}`}>
                {t('board.tick')}
              </Button>
            ) : null,
          ]}
        >
          <span>
            <Typography.Text type="secondary">{task.stage_name} · </Typography.Text>
            {task.name}
          </span>
        </List.Item>
      )}
    />
  );
}

function StagesTab({ opp }: { opp: Opportunity }) {
  const { t } = useI18n();
  const onError = useApiError();
  const [moves, setMoves] = useState<StageMove[] | null>(null);

  useEffect(() => {
    api
      .get<Page<StageMove>>(`/opportunities/${opp.id}/stage-history`)
      .then((p) => setMoves(p.items ?? []))
      .catch((e) => {
        setMoves([]);
        onError(e);
      });
  }, [opp.id, opp.stage_id, onError]);

  if (moves === null) return <Spin />;
  if (!moves.length) return <Empty description={t('oppd.noStages')} />;
  return (
    <div data-testid="oppd-stages">
      <Timeline
        items={moves.map((m) => ({
          children: (
            <div>
              <Typography.Text strong>
                {m.from_stage_name ? t('oppd.moved', { from: m.from_stage_name, to: m.to_stage_name }) : t('oppd.created', { stage: m.to_stage_name })}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary">
                  {formatDateTime(m.at)}
                  {m.actor_name ? ` · ${m.actor_name}` : ''} · {t('oppd.amountAt', { amount: formatMoney(m.amount.amount, m.amount.currency) })}
                </Typography.Text>
              </div>
            </div>
          ),
        }))}
      />
    </div>
  );
}
