// The lead drawer's hand-over actions: assign (to a person, or by the
// assignment rules) and convert into a customer + contact (+ an opportunity).
import { useEffect, useState } from 'react';
import { Alert, App, Button, Checkbox, DatePicker, Form, Input, InputNumber, List, Modal, Radio, Space, Typography, type ButtonProps } from 'antd';
import { SwapOutlined, UserSwitchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { duplicatesOf } from '../leads';
import { parseMoney } from '../money';
import { UserSelect } from '../components/UserSelect';
import { CustomerSelect } from '../components/CustomerSelect';
import type { Lead, LeadMatch } from '../types';

const OPEN = ['new', 'contacted', 'qualified'];

interface AssignResult {
  outcome: 'assigned' | 'pooled' | 'unchanged';
  owner_id?: string | null;
}

/** Assign or transfer a lead: to a chosen person, or through the assignment rules; a reason is required. */
export function AssignLeadButton({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  if (!can('lead.assign') || !OPEN.includes(lead.status)) return null;
  return (
    <>
      <Button icon={<UserSwitchOutlined />} onClick={() => setOpen(true)} data-testid="lead-assign">
        {t('leadAction.assign')}
      </Button>
      <AssignLeadDialog lead={lead} open={open} onClose={() => setOpen(false)} onDone={onDone} />
    </>
  );
}

/**
 * The assign dialog: to a person or by the rules, always with a reason (kept in the lead's pool
 * history). Every change of owner goes through it; the edit form's owner field opens it in person mode.
 */
export function AssignLeadDialog({ lead, open, mode: initialMode = 'rules', onClose, onDone }: {
  lead: Lead;
  open: boolean;
  mode?: 'person' | 'rules';
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [mode, setMode] = useState<'person' | 'rules'>(initialMode);
  const [owner, setOwner] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    setMode(initialMode);
    setOwner(null);
    setReason('');
  }, [open, initialMode]);

  const submit = async () => {
    setBusy(true);
    try {
      const body = mode === 'person' ? { owner_id: owner, reason: reason.trim() } : { reason: reason.trim() };
      const r = await api.post<AssignResult>(`/leads/${lead.id}/assign`, body);
      message.success(t(`leadAction.assign.${r.outcome}` as const));
      onClose();
      onDone();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('leadAction.assign')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('leadAction.assign')}
      okButtonProps={{ disabled: !reason.trim() || (mode === 'person' && !owner), loading: busy, 'data-testid': 'lead-assign-submit' } as ButtonProps}
      destroyOnClose
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)} data-testid="lead-assign-mode">
          <Radio value="rules">
            <span data-testid="lead-assign-rules">{t('leadAction.assign.byRules')}</span>
          </Radio>
          <Radio value="person">
            <span data-testid="lead-assign-person">{t('leadAction.assign.toPerson')}</span>
          </Radio>
        </Radio.Group>
        {mode === 'person' ? <UserSelect value={owner} onChange={setOwner} excludeId={lead.owner_id ?? undefined} style={{ width: '100%' }} data-testid="lead-assign-owner" /> : null}
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={200}
          autoSize={{ minRows: 2, maxRows: 4 }}
          placeholder={t('leadAction.assign.reason')}
          aria-label={t('leadAction.assign.reason')}
          data-testid="lead-assign-reason"
        />
      </Space>
    </Modal>
  );
}

interface ConvertValues {
  name: string;
  withOpportunity: boolean;
  oppName?: string;
  amount?: number;
  close?: Dayjs;
}

interface Conversion {
  customer: { id: string; name: string };
  opportunity?: { id: string; name: string };
}

/**
 * Convert an open lead: into a new customer (named after its company by default) or an existing one,
 * a contact from the lead, and optionally the customer's first opportunity. A new customer that
 * matches existing ones is refused with them: pick one, or create anyway.
 */
export function ConvertLeadButton({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const onError = useApiError();
  const [form] = Form.useForm<ConvertValues>();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<'new' | 'existing'>('new');
  const [existing, setExisting] = useState<string | null>(null);
  const [matches, setMatches] = useState<LeadMatch[] | null>(null);
  const [busy, setBusy] = useState(false);
  if (!can('customer.write') || !can('lead.write') || !OPEN.includes(lead.status)) return null;

  const start = () => {
    form.setFieldsValue({ name: lead.company || lead.contact_name, withOpportunity: false, oppName: '', amount: undefined, close: dayjs().add(3, 'month') });
    setTarget('new');
    setExisting(null);
    setMatches(null);
    setOpen(true);
  };

  const submit = async (allowDuplicate: boolean, customerId?: string) => {
    const v = await form.validateFields();
    const body: Record<string, unknown> = {};
    const chosen = customerId ?? (target === 'existing' ? existing : null);
    if (chosen) body.customer_id = chosen;
    else body.customer = { name: v.name.trim(), ...(allowDuplicate ? { allow_duplicate: true } : {}) };
    if (v.withOpportunity) {
      body.opportunity = {
        name: v.oppName?.trim() || undefined,
        amount: { amount: parseMoney(String(v.amount ?? '')) ?? 0, currency: 'CNY' },
        expected_close: (v.close ?? dayjs()).format('YYYY-MM-DD'),
      };
    }
    setBusy(true);
    try {
      const r = await api.post<Conversion>(`/leads/${lead.id}/convert`, body);
      message.success(t('leadAction.convert.done', { name: r.customer.name }));
      setOpen(false);
      onDone();
      navigate(`/customers/${r.customer.id}`);
    } catch (e) {
      const dup = duplicatesOf(e);
      if (dup && !chosen) setMatches(dup);
      else onError(e, e instanceof ApiError ? form : undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button type="primary" icon={<SwapOutlined />} onClick={start} data-testid="lead-convert">
        {t('leadAction.convert')}
      </Button>
      <Modal
        open={open}
        title={t('leadAction.convert')}
        onCancel={() => setOpen(false)}
        onOk={() => void submit(false)}
        okText={t('leadAction.convert')}
        okButtonProps={{ loading: busy, disabled: target === 'existing' && !existing, 'data-testid': 'lead-convert-submit' } as ButtonProps}
        destroyOnClose
        forceRender
      >
        <Form form={form} layout="vertical" preserve>
          <Radio.Group value={target} onChange={(e) => setTarget(e.target.value)} style={{ marginBottom: 12 }}>
            <Radio value="new">
              <span data-testid="lead-convert-new">{t('leadAction.convert.newCustomer')}</span>
            </Radio>
            <Radio value="existing">
              <span data-testid="lead-convert-existing">{t('leadAction.convert.existingCustomer')}</span>
            </Radio>
          </Radio.Group>
          {target === 'new' ? (
            <Form.Item name="name" label={t('leadAction.convert.customerName')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={100} data-testid="lead-convert-name" />
            </Form.Item>
          ) : (
            <Form.Item label={t('leadAction.convert.customer')} required>
              <CustomerSelect value={existing} onChange={setExisting} data-testid="lead-convert-customer" />
            </Form.Item>
          )}
          {matches ? (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              data-testid="lead-convert-duplicates"
              message={t('leadAction.convert.duplicates', { count: matches.length })}
              description={
                <>
                  <List
                    size="small"
                    dataSource={matches}
                    renderItem={(m) => (
                      <List.Item
                        actions={m.visible ? [<Button key="use" size="small" onClick={() => void submit(false, m.id)} data-testid="lead-convert-use">{t('leadAction.convert.useThis')}</Button>] : []}
                      >
                        {m.visible ? `${m.company} · ${m.owner_name ?? ''}` : t('lead.duplicates.hidden')}
                      </List.Item>
                    )}
                  />
                  <Button size="small" danger onClick={() => void submit(true)} data-testid="lead-convert-anyway">
                    {t('leadAction.convert.anyway')}
                  </Button>
                </>
              }
            />
          ) : null}
          <Typography.Text type="secondary">{t('leadAction.convert.contactHint', { name: lead.contact_name })}</Typography.Text>
          <Form.Item name="withOpportunity" valuePropName="checked" style={{ marginTop: 12, marginBottom: 8 }}>
            <Checkbox>
              <span data-testid="lead-convert-with-opp">{t('leadAction.convert.withOpportunity')}</span>
            </Checkbox>
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.withOpportunity !== b.withOpportunity}>
            {({ getFieldValue }) =>
              getFieldValue('withOpportunity') ? (
                <>
                  <Form.Item name="oppName" label={t('leadAction.convert.oppName')}>
                    <Input maxLength={100} placeholder={t('leadAction.convert.oppNameHint')} data-testid="lead-convert-opp-name" />
                  </Form.Item>
                  <Form.Item name="amount" label={t('leadAction.convert.amount')} rules={[{ required: true }]}>
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} addonAfter="元" data-testid="lead-convert-amount" />
                  </Form.Item>
                  <Form.Item name="close" label={t('leadAction.convert.close')} rules={[{ required: true }]}>
                    <DatePicker style={{ width: '100%' }} data-testid="lead-convert-close" />
                  </Form.Item>
                </>
              ) : null
            }
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
