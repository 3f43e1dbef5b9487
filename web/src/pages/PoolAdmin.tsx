// The pools admin pieces (pool.manage): create or edit a pool's rules and members, delete an empty one.
import { useEffect, useMemo, useRef, useState } from 'react';
import { App, Col, Form, Input, InputNumber, Row, Select, Spin, Switch } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { FormDrawer } from '../components/FormDrawer';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { useDepartments } from '../components/useDepartments';
import { useIsMobile } from '../components/useMediaQuery';
import { changedPoolFields, createPoolBody, poolFormValues, type Pool, type PoolFormValues } from '../pools';
import type { Page, User } from '../types';

interface UserMultiSelectProps {
  value?: string[];
  onChange?: (v: string[]) => void;
  'data-testid'?: string;
}

/** Several active users, searched as the person types; names of chosen users stay known. */
export function UserMultiSelect({ value, onChange, ...rest }: UserMultiSelectProps) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [known, setKnown] = useState<Map<string, string>>(new Map());
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const my = ++seq.current;
    const h = setTimeout(async () => {
      setLoading(true);
      try {
        // Without a search, a page large enough to hold the chosen members' names.
        const page = await api.get<Page<User>>('/users', { q, limit: q ? 20 : 200, status: 'active', sort: 'name' });
        if (my !== seq.current) return;
        const items = page.items ?? [];
        setUsers(items);
        setKnown((k) => {
          const next = new Map(k);
          for (const u of items) next.set(u.id, u.name);
          return next;
        });
      } catch {
        if (my === seq.current) setUsers([]);
      } finally {
        if (my === seq.current) setLoading(false);
      }
    }, q ? 250 : 0);
    return () => clearTimeout(h);
  }, [q]);

  const options = useMemo(() => {
    const shown = new Set(users.map((u) => u.id));
    const chosen = (value ?? []).filter((id) => !shown.has(id)).map((id) => ({ value: id, label: known.get(id) ?? id.slice(0, 8) }));
    return [...users.map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` })), ...chosen];
  }, [users, value, known]);

  return (
    <Select
      mode="multiple"
      data-testid={rest['data-testid']}
      value={value ?? []}
      onChange={(v) => onChange?.(v)}
      showSearch
      filterOption={false}
      onSearch={setQ}
      onBlur={() => setQ('')}
      options={options}
      optionLabelProp="label"
      labelRender={(o) => known.get(String(o.value)) ?? o.label}
      placeholder={t('common.searchUser')}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      style={{ width: '100%' }}
    />
  );
}

interface FormProps {
  open: boolean;
  /** The pool to edit; none = create. */
  pool: Pool | null;
  /** The tenant setting customer_pools_enabled: a customer pool can be made only while on. */
  customerPoolsOn?: boolean;
  onClose: () => void;
  onSaved: (p: Pool) => void;
  onStale: () => void;
}

export function PoolFormDrawer({ open, pool, customerPoolsOn, onClose, onSaved, onStale }: FormProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [form] = Form.useForm<PoolFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const depts = useDepartments(open && !pool);
  const half = mobile ? 24 : 12;

  useEffect(() => {
    if (open) form.setFieldsValue(poolFormValues(pool));
  }, [open, pool, form]);

  const submit = async () => {
    let v: PoolFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    try {
      let saved: Pool;
      if (pool) {
        const body = changedPoolFields(pool, { ...poolFormValues(pool), ...v });
        if (Object.keys(body).length === 0) return onClose();
        saved = await api.patch<Pool>(`/pools/${pool.id}`, body, pool.version);
        message.success(t('msg.saved'));
      } else {
        saved = await api.post<Pool>('/pools', createPoolBody({ ...poolFormValues(null), ...v }));
        message.success(t('msg.created'));
      }
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSubmitting(false);
    }
  };

  const days = (name: keyof PoolFormValues, label: string, testid: string) => (
    <Col span={half}>
      <Form.Item name={name} label={label} extra={t('pool.zeroOff')}>
        <InputNumber min={0} max={3650} precision={0} style={{ width: '100%' }} data-testid={testid} />
      </Form.Item>
    </Col>
  );

  return (
    <FormDrawer open={open} title={pool ? t('pool.edit', { name: pool.name }) : t('pool.create')} onClose={onClose} onSubmit={() => void submit()} submitting={submitting} testid="pool-form">
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name="name" label={t('pool.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('pool.name') }) }]}>
              <Input maxLength={80} data-testid="pool-name" />
            </Form.Item>
          </Col>
          <Col span={24}>
            {pool ? (
              <Form.Item label={t('pool.kind')}>
                <Input value={t(pool.kind === 'customer' ? 'pool.kind.customer' : 'pool.kind.lead')} disabled />
              </Form.Item>
            ) : (
              <Form.Item name="kind" label={t('pool.kind')} extra={customerPoolsOn ? undefined : t('pool.customerPoolsHint')}>
                <Select
                  data-testid="pool-kind"
                  options={[
                    { value: 'lead', label: t('pool.kind.lead') },
                    { value: 'customer', label: customerPoolsOn ? t('pool.kind.customer') : t('pool.kindCustomerOff'), disabled: !customerPoolsOn },
                  ]}
                />
              </Form.Item>
            )}
          </Col>
          <Col span={24}>
            {pool ? (
              <Form.Item label={t('pool.department')}>
                <Input value={pool.department_name} disabled />
              </Form.Item>
            ) : (
              <Form.Item name="department_id" label={t('pool.department')} rules={[{ required: true, message: t('validation.required', { field: t('pool.department') }) }]}>
                <DepartmentSelect tree={depts.tree} data-testid="pool-department" />
              </Form.Item>
            )}
          </Col>
          <Col span={24}>
            <Form.Item name="member_ids" label={t('pool.members')} extra={t('pool.membersHint')}>
              <UserMultiSelect data-testid="pool-members" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="claim_limit" label={t('pool.claimLimit')} extra={t('pool.zeroOff')}>
              <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} data-testid="pool-claim-limit" />
            </Form.Item>
          </Col>
          {days('reclaim_cooldown_days', t('pool.cooldownDays'), 'pool-cooldown')}
          {days('return_after_days_no_follow_up', t('pool.noFollowUpDays'), 'pool-no-follow-up')}
          {days('return_after_days_no_conversion', t('pool.noConversionDays'), 'pool-no-conversion')}
          <Col span={24}>
            <Form.Item name="enabled" label={t('pool.enabled')} valuePropName="checked">
              <Switch data-testid="pool-enabled" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormDrawer>
  );
}
