// Assignment rules (分配规则): tried top to bottom, the first enabled rule whose
// conditions a lead meets gives it to the next rep of the rule's team (round-robin,
// skipping reps at the cap). Create and edit in a drawer, move up/down, switch
// on/off, delete.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { App, Button, Form, Input, InputNumber, Popconfirm, Space, Switch, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { FormDrawer } from '../components/FormDrawer';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { RegionSelect } from '../components/RegionSelect';
import { SuggestInput, splitList } from '../components/SuggestInput';
import { useDepartments } from '../components/useDepartments';
import { useIsMobile } from '../components/useMediaQuery';
import { rowProps } from '../components/rowProps';
import { moveRule, ruleBody, rulePatch, type AssignmentRule, type RuleForm } from '../assignment';
import type { DeptNode } from '../tree';
import type { Page } from '../types';

export default function AssignmentRulesPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const depts = useDepartments();
  const [rules, setRules] = useState<AssignmentRule[]>([]);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState(false);
  // The drawer: closed, creating (null) or editing a rule; a new key per opening gives it fresh fields.
  const [editor, setEditor] = useState<{ open: boolean; rule: AssignmentRule | null; key: number }>({ open: false, rule: null, key: 0 });

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setRules((await api.get<Page<AssignmentRule>>('/assignment-rules')).items ?? []);
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  }, [onError]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      await work();
      if (done) message.success(done);
    } catch (e) {
      onError(e, undefined, () => void reload());
    } finally {
      setBusy(false);
      await reload();
    }
  };
  // One PATCH per rule whose position changes, each at its version.
  const move = (index: number, dir: -1 | 1) =>
    run(async () => {
      for (const c of moveRule(rules, index, dir)) await api.patch(`/assignment-rules/${c.id}`, { position: c.position }, c.version);
    });
  const setEnabled = (r: AssignmentRule, enabled: boolean) => run(() => api.patch(`/assignment-rules/${r.id}`, { enabled }, r.version));
  const remove = (r: AssignmentRule) => run(() => api.del(`/assignment-rules/${r.id}`, { version: r.version }), t('msg.deleted'));

  const teamName = (id: string) => depts.byId.get(id)?.name ?? '—';
  const iconButton = (title: string, icon: React.ReactNode, testid: string, onClick?: () => void, disabled?: boolean, danger?: boolean) => (
    <Tooltip title={title}>
      <Button type="text" size="small" icon={icon} aria-label={title} danger={danger} disabled={disabled || busy} onClick={onClick} data-testid={testid} />
    </Tooltip>
  );

  const columns: TableProps<AssignmentRule>['columns'] = [
    {
      title: t('rule.order'),
      key: 'order',
      width: 96,
      render: (_, r, i) => (
        <Space size={0}>
          <Typography.Text style={{ minWidth: 22, display: 'inline-block' }} data-testid={`rule-order-${r.id}`}>
            {i + 1}
          </Typography.Text>
          {iconButton(t('rule.moveUp'), <ArrowUpOutlined />, `rule-up-${r.id}`, () => move(i, -1), i === 0)}
          {iconButton(t('rule.moveDown'), <ArrowDownOutlined />, `rule-down-${r.id}`, () => move(i, 1), i === rules.length - 1)}
        </Space>
      ),
    },
    {
      title: t('rule.name'),
      key: 'name',
      width: 160,
      ellipsis: true,
      render: (_, r) => (
        <Typography.Text strong data-testid={`rule-name-${r.id}`}>
          {r.name}
        </Typography.Text>
      ),
    },
    { title: t('rule.conditions'), key: 'conditions', render: (_, r) => <Conditions rule={r} /> },
    {
      title: t('rule.team'),
      key: 'team',
      width: 140,
      ellipsis: true,
      render: (_, r) => <span data-testid={`rule-team-${r.id}`}>{teamName(r.department_id)}</span>,
    },
    {
      title: t('rule.cap'),
      key: 'cap',
      width: 110,
      align: 'right',
      render: (_, r) => (r.per_rep_cap > 0 ? r.per_rep_cap : <Typography.Text type="secondary">{t('rule.noCap')}</Typography.Text>),
    },
    {
      title: t('rule.enabled'),
      key: 'enabled',
      width: 88,
      render: (_, r) => <Switch size="small" checked={r.enabled} disabled={busy} onChange={(v) => setEnabled(r, v)} data-testid={`rule-enabled-${r.id}`} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 84,
      render: (_, r) => (
        <Space size={2}>
          {iconButton(t('action.edit'), <EditOutlined />, `rule-edit-${r.id}`, () => setEditor((e) => ({ open: true, rule: r, key: e.key + 1 })))}
          <Popconfirm title={t('rule.deleteConfirm', { name: r.name })} onConfirm={() => remove(r)} okText={t('action.delete')} okButtonProps={{ danger: true }} cancelText={t('action.cancel')}>
            {iconButton(t('action.delete'), <DeleteOutlined />, `rule-delete-${r.id}`, undefined, false, true)}
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title={t('nav.assignmentRules')}
        subtitle={t('rule.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditor((e) => ({ open: true, rule: null, key: e.key + 1 }))} data-testid="create-rule">
            {t('rule.create')}
          </Button>
        }
      />
      <Table<AssignmentRule>
        data-testid="rule-table"
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        columns={columns}
        dataSource={rules}
        loading={loading}
        pagination={false}
        scroll={mobile ? { x: 860 } : undefined}
        onRow={(r) => rowProps(r.id)}
        locale={{ emptyText: t('rule.empty') }}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('rule.fallbackHint')}
      </Typography.Paragraph>
      <RuleDrawer
        key={editor.key}
        open={editor.open}
        rule={editor.rule}
        tree={depts.tree}
        onClose={() => setEditor((e) => ({ ...e, open: false }))}
        onStale={() => void reload().then(() => setEditor((e) => ({ ...e, open: false })))}
        onSaved={() => {
          setEditor((e) => ({ ...e, open: false }));
          void reload();
        }}
      />
    </div>
  );
}

/** A rule's conditions as tags; none means every lead. */
function Conditions({ rule }: { rule: AssignmentRule }) {
  const { t } = useI18n();
  const c = rule.conditions ?? {};
  const parts = [
    c.source ? { key: 'source', label: t('lead.source'), value: c.source } : null,
    c.region ? { key: 'region', label: t('lead.region'), value: c.region } : null,
    c.industry ? { key: 'industry', label: t('lead.industry'), value: c.industry } : null,
  ].filter((p): p is { key: string; label: string; value: string } => !!p);
  if (!parts.length) return <Typography.Text type="secondary">{t('rule.anyLead')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap data-testid={`rule-conditions-${rule.id}`}>
      {parts.map((p) => (
        <Tag key={p.key} style={{ marginInlineEnd: 0 }}>
          {p.label}: {p.value}
        </Tag>
      ))}
    </Space>
  );
}

function RuleDrawer({ open, rule, tree, onClose, onSaved, onStale }: { open: boolean; rule: AssignmentRule | null; tree: DeptNode[]; onClose: () => void; onSaved: () => void; onStale: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<RuleForm>();
  const [saving, setSaving] = useState(false);
  const sources = useMemo(() => splitList(t('lead.sourceOptions')), [t]);
  const industries = useMemo(() => splitList(t('lead.industryOptions')), [t]);
  const initial: RuleForm = rule
    ? { name: rule.name, ...rule.conditions, department_id: rule.department_id, per_rep_cap: rule.per_rep_cap, enabled: rule.enabled }
    : { name: '', per_rep_cap: 0, enabled: true };

  const submit = async () => {
    let values: RuleForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      if (rule) {
        const patch = rulePatch(rule, values);
        if (!patch) return onClose();
        await api.patch(`/assignment-rules/${rule.id}`, patch, rule.version);
        message.success(t('msg.saved'));
      } else {
        await api.post('/assignment-rules', ruleBody(values));
        message.success(t('msg.created'));
      }
      onSaved();
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDrawer open={open} title={rule ? t('rule.edit', { name: rule.name }) : t('rule.create')} onClose={onClose} onSubmit={submit} submitting={saving} testid="rule-drawer">
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={initial}>
        <Form.Item name="name" label={t('rule.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('rule.name') }) }]}>
          <Input maxLength={80} data-testid="rule-name" />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('rule.conditionsHint')}</Typography.Paragraph>
        <Form.Item name="source" label={t('lead.source')}>
          <SuggestInput suggestions={sources} maxLength={40} allowClear placeholder={t('rule.any')} data-testid="rule-source" />
        </Form.Item>
        <Form.Item name="region" label={t('lead.region')} extra={t('rule.regionHint')}>
          <RegionSelect placeholder={t('rule.any')} data-testid="rule-region" />
        </Form.Item>
        <Form.Item name="industry" label={t('lead.industry')}>
          <SuggestInput suggestions={industries} maxLength={40} allowClear placeholder={t('rule.any')} data-testid="rule-industry" />
        </Form.Item>
        <Form.Item name="department_id" label={t('rule.team')} extra={t('rule.teamHint')} rules={[{ required: true, message: t('validation.required', { field: t('rule.team') }) }]}>
          <DepartmentSelect tree={tree} data-testid="rule-team" />
        </Form.Item>
        <Form.Item name="per_rep_cap" label={t('rule.cap')} extra={t('rule.capHint')}>
          <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} data-testid="rule-cap" />
        </Form.Item>
        <Form.Item name="enabled" label={t('rule.enabled')} valuePropName="checked">
          <Switch data-testid="rule-enabled" />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
