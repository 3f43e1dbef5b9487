// My API tokens: create (the secret is shown once), list, revoke.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Table, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { FormModal } from '../components/FormModal';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { rowProps } from '../components/rowProps';
import type { ApiToken, CreatedToken, Page } from '../types';

interface TokenForm {
  name: string;
  expires_in_days: number | 0;
}

export default function TokensPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const reload = async () => {
    setLoading(true);
    try {
      const page = await api.get<Page<ApiToken>>('/tokens', { limit: 200 });
      setTokens(page.items ?? []);
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void reload();
  }, []);

  const revoke = async (tok: ApiToken) => {
    try {
      await api.del(`/tokens/${tok.id}`);
      message.success(t('token.revoked'));
      setTokens((prev) => prev.filter((x) => x.id !== tok.id));
    } catch (e) {
      onError(e);
    }
  };

  const expired = (v?: string | null) => !!v && new Date(v).getTime() < Date.now();
  const columns: TableProps<ApiToken>['columns'] = [
    { title: t('token.name'), dataIndex: 'name', key: 'name', width: 160, fixed: 'left' },
    { title: t('token.prefix'), dataIndex: 'prefix', key: 'prefix', width: 130, render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
    { title: t('common.createdAt'), dataIndex: 'created_at', key: 'created_at', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('token.lastUsed'), dataIndex: 'last_used_at', key: 'last_used_at', width: 150, render: (v?: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">{t('token.neverUsed')}</Typography.Text>) },
    {
      title: t('token.expires'),
      dataIndex: 'expires_at',
      key: 'expires_at',
      width: 150,
      render: (v?: string | null) =>
        v ? <Typography.Text type={expired(v) ? 'danger' : undefined}>{formatDateTime(v)}{expired(v) ? ` (${t('token.expired')})` : ''}</Typography.Text> : <Typography.Text type="secondary">{t('token.noExpiry')}</Typography.Text>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, tok) => (
        <Popconfirm title={t('token.revokeConfirm', { name: tok.name })} description={t('token.revokeHint')} onConfirm={() => revoke(tok)} okText={t('token.revoke')} okButtonProps={{ danger: true }} cancelText={t('action.cancel')}>
          <Button type="link" size="small" danger data-testid={`revoke-${tok.id}`}>
            {t('token.revoke')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title={t('nav.tokens')}
        subtitle={t('token.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-token">
            {t('token.create')}
          </Button>
        }
      />
      <Table<ApiToken> rowKey="id" size="middle" columns={columns} dataSource={tokens} loading={loading} pagination={false} scroll={{ x: 800 }} onRow={(r) => rowProps(r.id)} />
      <CreateTokenModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(tok) => {
          setCreating(false);
          setCreated(tok);
          void reload();
        }}
      />
      <Modal
        open={!!created}
        title={t('token.createdTitle')}
        onCancel={() => setCreated(null)}
        closable={false}
        maskClosable={false}
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="token-done">
            {t('token.done')}
          </Button>
        }
      >
        <Alert type="warning" showIcon message={t('token.showOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable={{ text: created?.token ?? '', tooltips: [t('action.copy'), t('action.copied')] }} code data-testid="token-value" className="rudder-token-value">
          {created?.token}
        </Typography.Paragraph>
      </Modal>
    </div>
  );
}

function CreateTokenModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (t: CreatedToken) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<TokenForm>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();

  const submit = async () => {
    let values: TokenForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const tok = await api.post<CreatedToken>('/tokens', { name: values.name.trim(), expires_in_days: values.expires_in_days || undefined });
      onCreated(tok);
    } catch (e) {
      onError(e, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      open={open}
      title={t('token.create')}
      onClose={onClose}
      onSubmit={submit}
      saving={saving}
      okText={t('token.createSubmit')}
    >
      <Form form={form} layout="vertical" initialValues={{ name: '', expires_in_days: 90 }} preserve={false} onFinish={submit}>
        <Form.Item name="name" label={t('token.name')} extra={t('token.nameHint')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('token.name') }) }]}>
          <Input data-testid="token-name" maxLength={80} />
        </Form.Item>
        <Form.Item name="expires_in_days" label={t('token.expiresIn')}>
          <Select
            data-testid="token-expiry"
            options={[
              { value: 30, label: t('token.days', { days: 30 }) },
              { value: 90, label: t('token.days', { days: 90 }) },
              { value: 365, label: t('token.days', { days: 365 }) },
              { value: 0, label: t('token.noExpiry') },
            ]}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
