// Web-to-lead forms (网页表单): list, create, copy the public link, switch on/off, rotate the link.
import { useEffect, useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Switch, Table, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { rowProps } from '../components/rowProps';
import { webFormLink, type WebForm, type WebFormTarget } from '../webforms';
import type { Pool } from '../pools';
import type { Page } from '../types';

interface WebFormValues {
  name: string;
  target: WebFormTarget;
  pool_id: string;
  default_source?: string;
  rate_limit_per_hour?: number;
}

export default function WebFormsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [forms, setForms] = useState<WebForm[]>([]);
  const [pools, setPools] = useState<Pool[]>([]);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);

  const reload = async () => {
    setLoading(true);
    try {
      const [f, p] = await Promise.all([api.get<Page<WebForm>>('/web-forms', { limit: 200 }), api.get<Page<Pool>>('/pools', { limit: 200 })]);
      setForms(f.items ?? []);
      setPools((p.items ?? []).filter((x) => (x.kind ?? 'lead') === 'lead'));
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void reload();
  }, []);

  const replace = (f: WebForm) => setForms((prev) => prev.map((x) => (x.id === f.id ? f : x)));
  const setEnabled = async (f: WebForm, enabled: boolean) => {
    try {
      replace(await api.patch<WebForm>(`/web-forms/${f.id}`, { enabled }, f.version));
    } catch (e) {
      onError(e, undefined, () => void reload());
    }
  };
  const rotate = async (f: WebForm) => {
    try {
      replace(await api.post<WebForm>(`/web-forms/${f.id}/rotate-token`, undefined, { version: f.version }));
      message.success(t('webform.rotated'));
    } catch (e) {
      onError(e, undefined, () => void reload());
    }
  };
  const remove = async (f: WebForm) => {
    try {
      await api.del(`/web-forms/${f.id}`, { version: f.version });
      setForms((prev) => prev.filter((x) => x.id !== f.id));
      message.success(t('webform.deleted'));
    } catch (e) {
      onError(e, undefined, () => void reload());
    }
  };
  const poolName = (id: string) => pools.find((p) => p.id === id)?.name ?? '—';

  const columns: TableProps<WebForm>['columns'] = [
    { title: t('webform.name'), dataIndex: 'name', key: 'name', width: 160, fixed: 'left' },
    {
      title: t('webform.target'),
      key: 'target',
      width: 200,
      render: (_, f) => (f.target === 'rules' ? t('webform.targetRules', { pool: poolName(f.pool_id) }) : t('webform.targetPool', { pool: poolName(f.pool_id) })),
    },
    {
      title: t('webform.link'),
      key: 'link',
      width: 260,
      render: (_, f) => (
        <Typography.Text copyable={{ text: webFormLink(f, window.location.origin), tooltips: [t('action.copy'), t('action.copied')] }} ellipsis style={{ maxWidth: 240 }} data-testid={`webform-link-${f.id}`}>
          {f.path}
        </Typography.Text>
      ),
    },
    { title: t('webform.submissions'), dataIndex: 'submissions', key: 'submissions', width: 90, align: 'right' },
    { title: t('webform.spam'), dataIndex: 'spam_blocked', key: 'spam_blocked', width: 90, align: 'right' },
    {
      title: t('webform.enabled'),
      key: 'enabled',
      width: 80,
      render: (_, f) => <Switch checked={f.enabled} onChange={(v) => setEnabled(f, v)} data-testid={`webform-enabled-${f.id}`} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 160,
      render: (_, f) => (
        <>
          <Popconfirm title={t('webform.rotateConfirm')} onConfirm={() => rotate(f)} okText={t('webform.rotate')} cancelText={t('action.cancel')}>
            <Button type="link" size="small" data-testid={`webform-rotate-${f.id}`}>
              {t('webform.rotate')}
            </Button>
          </Popconfirm>
          <Popconfirm title={t('webform.deleteConfirm', { name: f.name })} onConfirm={() => remove(f)} okText={t('action.delete')} okButtonProps={{ danger: true }} cancelText={t('action.cancel')}>
            <Button type="link" size="small" danger data-testid={`webform-delete-${f.id}`}>
              {t('action.delete')}
            </Button>
          </Popconfirm>
        </>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title={t('nav.webForms')}
        subtitle={t('webform.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-webform">
            {t('webform.create')}
          </Button>
        }
      />
      <Table<WebForm> rowKey="id" size="middle" columns={columns} dataSource={forms} loading={loading} pagination={false} scroll={{ x: 1040 }} onRow={(r) => rowProps(r.id)} locale={{ emptyText: t('webform.empty') }} />
      <CreateWebFormModal
        open={creating}
        pools={pools.filter((p) => p.enabled)}
        onClose={() => setCreating(false)}
        onCreated={(f) => {
          setCreating(false);
          setForms((prev) => [...prev, f]);
        }}
      />
    </div>
  );
}

function CreateWebFormModal({ open, pools, onClose, onCreated }: { open: boolean; pools: Pool[]; onClose: () => void; onCreated: (f: WebForm) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<WebFormValues>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();

  const submit = async () => {
    let v: WebFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      onCreated(await api.post<WebForm>('/web-forms', { ...v, name: v.name.trim(), default_source: v.default_source?.trim() || undefined }));
    } catch (e) {
      onError(e, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('webform.create')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={saving}
      okText={t('action.save')}
      cancelText={t('action.cancel')}
      okButtonProps={{ 'data-testid': 'form-submit' } as React.ComponentProps<typeof Button>}
      destroyOnClose
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={{ target: 'rules', rate_limit_per_hour: 100 }}>
        <Form.Item name="name" label={t('webform.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('webform.name') }) }]}>
          <Input maxLength={80} data-testid="webform-name" />
        </Form.Item>
        <Form.Item name="target" label={t('webform.target')}>
          <Radio.Group data-testid="webform-target">
            <Radio value="rules">{t('webform.byRules')}</Radio>
            <Radio value="pool">{t('webform.intoPool')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="pool_id" label={t('webform.pool')} extra={t('webform.poolHint')} rules={[{ required: true, message: t('validation.required', { field: t('webform.pool') }) }]}>
          <Select data-testid="webform-pool" options={pools.map((p) => ({ value: p.id, label: `${p.name} · ${p.department_name}` }))} />
        </Form.Item>
        <Form.Item name="default_source" label={t('webform.source')} extra={t('webform.sourceHint')}>
          <Input maxLength={40} data-testid="webform-source" />
        </Form.Item>
        <Form.Item name="rate_limit_per_hour" label={t('webform.rateLimit')}>
          <InputNumber min={1} max={100000} style={{ width: '100%' }} data-testid="webform-rate" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
