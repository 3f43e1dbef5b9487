// One lead: create it, or see and edit it (tabs 详情 / 历史). While phone, email or company
// are typed, existing leads that share them are shown; a create refused as a duplicate
// can be sent again with allow_duplicate.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Col, DatePicker, Descriptions, Divider, Form, Input, InputNumber, Row, Select, Space, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { FormDrawer } from '../components/FormDrawer';
import { UserSelect } from '../components/UserSelect';
import { HistoryList } from '../components/HistoryList';
import { LeadConversionLinks } from '../components/LeadConversionLinks';
import { PoolEvents } from '../components/PoolEvents';
import { ActivityTimeline } from '../components/ActivityTimeline';
import { ReturnToPoolButton } from './LeadPoolActions';
import { AssignLeadButton, AssignLeadDialog, ConvertLeadButton } from './LeadActions';
import { leadStatusLabel } from '../components/labels';
import { useIsMobile } from '../components/useMediaQuery';
import { SuggestInput, splitList } from '../components/SuggestInput';
import { RegionSelect } from '../components/RegionSelect';
import {
  changedLeadFields,
  createLeadBody,
  duplicateQuery,
  duplicatesOf,
  leadStatusColor,
  statusChoices,
  type LeadFormValues,
} from '../leads';
import type { Lead, LeadMatch, Page } from '../types';

interface Props {
  open: boolean;
  /** The lead to show and edit; none = create. */
  lead?: Lead | null;
  onClose: () => void;
  onSaved: (lead: Lead, created: boolean) => void;
  /** Reload the lead after a 412. */
  onStale?: () => void;
}

/** The statuses whose owner may change (as the assign action allows). */
const OPEN_STATUSES = ['new', 'contacted', 'qualified'];

/** Debounce of the live duplicate check while typing. */
const DUPLICATE_CHECK_MS = 400;

export function LeadStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={leadStatusColor(status)} data-status={status}>
      {leadStatusLabel(t, status) || status}
    </Tag>
  );
}

export function LeadDrawer({ open, lead, onClose, onSaved, onStale }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  const canWrite = can('lead.write');
  const canAssign = can('lead.assign');
  const mobile = useIsMobile();
  const [form] = Form.useForm<LeadFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [matches, setMatches] = useState<LeadMatch[]>([]);
  const [checking, setChecking] = useState(false);
  /** A create was refused as a duplicate: the warning offers to create anyway. */
  const [refused, setRefused] = useState(false);
  /** The owner field's change dialog is open. */
  const [assigning, setAssigning] = useState(false);
  const onError = useApiError();
  const editing = !!lead;
  const required = (field: string) => ({ required: true, whitespace: true, message: t('validation.required', { field }) });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setMatches([]);
    setRefused(false);
    if (lead) {
      form.setFieldsValue({
        contact_name: lead.contact_name,
        company: lead.company,
        title: lead.title,
        phone: lead.phone,
        email: lead.email,
        wechat: lead.wechat,
        source: lead.source,
        region: lead.region,
        industry: lead.industry,
        score: lead.score,
        notes: lead.notes,
        next_follow_up_at: lead.next_follow_up_at ? dayjs(lead.next_follow_up_at) : null,
        status: lead.status,
        disqualify_reason: lead.disqualify_reason,
      });
    }
  }, [open, lead, form]);

  // The live duplicate check: what was typed into phone, email and company, debounced.
  const phone = Form.useWatch('phone', form);
  const email = Form.useWatch('email', form);
  const company = Form.useWatch('company', form);
  const status = Form.useWatch('status', form);
  const seq = useRef(0);
  useEffect(() => {
    if (!open || !canWrite) return;
    const my = ++seq.current;
    // Editing: ask only about values that changed; the lead itself is never its own duplicate.
    const q = duplicateQuery(
      lead
        ? {
            phone: phone !== lead.phone ? phone : '',
            email: email !== lead.email ? email : '',
            company: company !== lead.company ? company : '',
          }
        : { phone, email, company },
    );
    setRefused(false);
    if (!q) {
      setMatches([]);
      setChecking(false);
      return;
    }
    setChecking(true);
    const ctrl = new AbortController();
    const h = setTimeout(async () => {
      try {
        const page = await api.get<Page<LeadMatch>>('/leads/duplicates', q, { signal: ctrl.signal });
        if (my === seq.current) setMatches((page.items ?? []).filter((m) => m.id !== lead?.id));
      } catch {
        // a warning, not a gate: the create itself checks again
      } finally {
        if (my === seq.current) setChecking(false);
      }
    }, DUPLICATE_CHECK_MS);
    return () => {
      clearTimeout(h);
      ctrl.abort();
    };
  }, [open, canWrite, lead, phone, email, company]);

  const submit = async (allowDuplicate = false) => {
    let values: LeadFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    try {
      if (lead) {
        const body = changedLeadFields(lead, values);
        if (Object.keys(body).length === 0) {
          onClose();
          return;
        }
        const saved = await api.patch<Lead>(`/leads/${lead.id}`, body, lead.version);
        message.success(body.status ? t('lead.statusChanged', { status: leadStatusLabel(t, saved.status) }) : t('msg.saved'));
        onSaved(saved, false);
      } else {
        const saved = await api.post<Lead>('/leads', createLeadBody(values, allowDuplicate));
        message.success(t('msg.created'));
        onSaved(saved, true);
      }
    } catch (e) {
      const dup = duplicatesOf(e);
      if (dup && !lead) {
        seq.current++; // a live check still under way must not replace these
        setChecking(false);
        setMatches(dup);
        setRefused(true);
      } else {
        onError(e, form, onStale);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const choices = lead ? statusChoices(lead.status) : [];
  const disqualifying = status === 'disqualified';
  const sources = useMemo(() => splitList(t('lead.sourceOptions')), [t]);
  const industries = useMemo(() => splitList(t('lead.industryOptions')), [t]);
  const half = mobile ? 24 : 12;

  const warning =
    matches.length > 0 ? (
      <DuplicateWarning matches={matches} refused={refused} submitting={submitting} onCreateAnyway={() => void submit(true)} />
    ) : checking ? (
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 12, fontSize: 12 }}>
        {t('lead.duplicates.checking')}
      </Typography.Text>
    ) : null;

  const fields = (
    <Form form={form} layout="vertical" disabled={!canWrite} requiredMark="optional" preserve={false}>
      <Row gutter={16}>
        <Col span={half}>
          <Form.Item name="contact_name" label={t('lead.contactName')} rules={[required(t('lead.contactName'))]}>
            <Input data-testid="lead-contact-name" maxLength={60} />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="title" label={t('lead.title')}>
            <Input data-testid="lead-title" maxLength={60} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="company" label={t('lead.company')}>
            <Input data-testid="lead-company" maxLength={100} />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="phone" label={t('lead.phone')} rules={[{ pattern: /^[0-9０-９+() -]*$/, message: t('validation.phone') }]}>
            <Input data-testid="lead-phone" inputMode="tel" maxLength={30} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="email" label={t('lead.email')} rules={[{ type: 'email', message: t('validation.email') }]}>
            <Input data-testid="lead-email" inputMode="email" maxLength={254} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={24}>{warning}</Col>
        <Col span={half}>
          <Form.Item name="wechat" label={t('lead.wechat')}>
            <Input data-testid="lead-wechat" maxLength={60} />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="source" label={t('lead.source')}>
            <SuggestInput data-testid="lead-source" suggestions={sources} maxLength={40} />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="region" label={t('lead.region')}>
            <RegionSelect data-testid="lead-region" />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="industry" label={t('lead.industry')}>
            <SuggestInput data-testid="lead-industry" suggestions={industries} maxLength={40} />
          </Form.Item>
        </Col>
      </Row>
      <Divider orientation="left" plain style={{ marginTop: 0 }}>
        {t('lead.tracking')}
      </Divider>
      <Row gutter={16}>
        {editing ? (
          <Col span={half}>
            <Form.Item name="status" label={t('lead.status')} rules={[{ required: true }]} extra={lead?.status === 'converted' ? t('lead.convertedHint') : undefined} tooltip={t('lead.statusHint')}>
              <Select
                data-testid="lead-status"
                disabled={choices.length < 2}
                options={choices.map((s) => ({ value: s, label: leadStatusLabel(t, s) }))}
                labelRender={(o) => <LeadStatusTag status={String(o.value)} />}
              />
            </Form.Item>
          </Col>
        ) : null}
        {canAssign && !lead ? (
          <Col span={half}>
            <Form.Item name="owner_id" label={t('lead.owner')}>
              <UserSelect data-testid="lead-owner" allowClear={false} />
            </Form.Item>
          </Col>
        ) : null}
        {canAssign && lead ? (
          // An owner change is an assignment with a reason (kept in the pool history), never a plain edit.
          <Col span={half}>
            <Form.Item label={t('lead.owner')} required>
              <Space.Compact style={{ width: '100%' }}>
                <Input readOnly value={lead.owner_id ? lead.owner_name : t('lead.noOwner')} data-testid="lead-owner" />
                <Button disabled={!OPEN_STATUSES.includes(lead.status)} onClick={() => setAssigning(true)} data-testid="lead-owner-change">
                  {t('lead.changeOwner')}
                </Button>
              </Space.Compact>
            </Form.Item>
          </Col>
        ) : null}
        {editing && disqualifying ? (
          <Col span={24}>
            <Form.Item name="disqualify_reason" label={t('lead.disqualifyReason')} rules={[required(t('lead.disqualifyReason'))]}>
              <Input.TextArea data-testid="lead-disqualify-reason" maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('lead.disqualifyReasonHint')} />
            </Form.Item>
          </Col>
        ) : null}
        <Col span={half}>
          <Form.Item name="next_follow_up_at" label={t('lead.nextFollowUp')}>
            <DatePicker
              data-testid="lead-next-follow-up"
              showTime={mobile ? false : { format: 'HH:mm' }}
              format={mobile ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH:mm'}
              allowClear={!lead?.next_follow_up_at}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Col>
        <Col span={half}>
          <Form.Item name="score" label={t('lead.score')} rules={[{ type: 'number', min: 0, max: 100, message: t('validation.scoreRange') }]}>
            <InputNumber data-testid="lead-score" min={0} max={100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="notes" label={t('lead.notes')}>
            <Input.TextArea data-testid="lead-notes" maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );

  const summary = lead ? (
    <Descriptions size="small" column={mobile ? 1 : 2} style={{ marginBottom: 16 }} data-testid="lead-summary">
      <Descriptions.Item label={t('lead.status')}>
        <LeadStatusTag status={lead.status} />
      </Descriptions.Item>
      <Descriptions.Item label={t('lead.owner')}>{lead.owner_id ? lead.owner_name : t('lead.noOwner')}</Descriptions.Item>
      {lead.status === 'disqualified' ? (
        <Descriptions.Item label={t('lead.disqualifyReason')} span={mobile ? 1 : 2}>
          {lead.disqualify_reason}
        </Descriptions.Item>
      ) : null}
      <Descriptions.Item label={t('lead.lastFollowUp')}>{formatDateTime(lead.last_follow_up_at) || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('lead.score')}>{lead.score}</Descriptions.Item>
      <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(lead.created_at)}</Descriptions.Item>
      <Descriptions.Item label={t('common.updatedAt')}>{formatDateTime(lead.updated_at)}</Descriptions.Item>
    </Descriptions>
  ) : null;

  return (
    <FormDrawer
      open={open}
      title={lead ? t('lead.edit', { name: lead.contact_name }) : t('lead.create')}
      onClose={onClose}
      onSubmit={canWrite ? () => void submit(false) : undefined}
      submitting={submitting}
      width={640}
      testid="lead-drawer"
    >
      {/* Lead actions of later slices (claim, return to pool, assign, convert to customer) belong
          here, above the tabs, once their endpoints exist. */}
      {lead ? (
        <Space wrap style={{ marginBottom: 12 }}>
          <ConvertLeadButton lead={lead} onDone={() => onStale?.()} />
          <AssignLeadButton lead={lead} onDone={() => onStale?.()} />
          <AssignLeadDialog lead={lead} open={assigning} mode="person" onClose={() => setAssigning(false)} onDone={() => onStale?.()} />
          <ReturnToPoolButton lead={lead} onReturned={(l) => onSaved(l, false)} />
        </Space>
      ) : null}
      {lead ? (
        <Tabs
          items={[
            {
              key: 'details',
              label: <span data-testid="lead-tab-details">{t('tab.details')}</span>,
              children: (
                <>
                  {summary}
                  <LeadConversionLinks lead={lead} />
                  {fields}
                </>
              ),
              forceRender: true,
            },
            {
              key: 'activities',
              label: <span data-testid="lead-tab-activities">{t('activity.tab')}</span>,
              // A follow-up moves the lead's status and pool clock: onStale reloads it.
              children: <ActivityTimeline subjects={[{ type: 'lead', id: lead.id }]} onChanged={onStale} />,
            },
            {
              key: 'history',
              label: <span data-testid="lead-tab-history">{t('tab.history')}</span>,
              children: (
                <>
                  <PoolEvents resource="leads" id={lead.id} />
                  <HistoryList resource="leads" id={lead.id} />
                </>
              ),
            },
          ]}
        />
      ) : (
        fields
      )}
    </FormDrawer>
  );
}

/** The possible duplicates: what I may see of each, and after a refused create the way to create anyway. */
function DuplicateWarning({ matches, refused, submitting, onCreateAnyway }: { matches: LeadMatch[]; refused: boolean; submitting: boolean; onCreateAnyway: () => void }) {
  const { t } = useI18n();
  const on = (m: LeadMatch) =>
    t('lead.duplicates.matchedOn', { fields: m.matched_on.map((f) => t(`lead.matched.${f}` as const)).join(t('lead.duplicates.sep')) });
  return (
    <Alert
      type={refused ? 'error' : 'warning'}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="lead-duplicates"
      message={refused ? t('lead.duplicates.refused') : t('lead.duplicates.title', { count: matches.length })}
      description={
        <div>
          <ul className="rudder-duplicates">
            {matches.map((m) => (
              <li key={m.id} data-testid={`duplicate-${m.id}`}>
                {m.visible ? (
                  <Space size={4} wrap>
                    {m.kind === 'customer' ? <Tag color="gold">{t('lead.duplicates.customer')}</Tag> : null}
                    {m.contact_name ? <Typography.Text strong>{m.contact_name}</Typography.Text> : null}
                    {m.company ? <Typography.Text>{m.company}</Typography.Text> : null}
                    {m.status && m.kind !== 'customer' ? <LeadStatusTag status={m.status} /> : null}
                    <Typography.Text type="secondary">{t('lead.duplicates.owner', { name: m.owner_name || t('lead.noOwner') })}</Typography.Text>
                    <Typography.Text type="secondary">· {on(m)}</Typography.Text>
                  </Space>
                ) : (
                  <Space size={4} wrap>
                    {m.kind === 'customer' ? <Tag color="gold">{t('lead.duplicates.customer')}</Tag> : null}
                    <Typography.Text>{t('lead.duplicates.hidden')}</Typography.Text>
                    <Typography.Text type="secondary">· {on(m)}</Typography.Text>
                  </Space>
                )}
              </li>
            ))}
          </ul>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('lead.duplicates.hint')}
          </Typography.Text>
          {refused ? (
            <div style={{ marginTop: 8 }}>
              <Button danger size="small" loading={submitting} onClick={onCreateAnyway} data-testid="lead-allow-duplicate">
                {t('lead.allowDuplicate')}
              </Button>
            </div>
          ) : null}
        </div>
      }
    />
  );
}
