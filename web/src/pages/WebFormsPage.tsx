// Web-to-lead forms (网页表单): list, create and edit, copy the public link, switch on/off,
// rotate the link, delete, and see the leads each form made. The actions are icon buttons
// with tooltips so the table fits a laptop screen in English too.
import { useEffect, useState } from 'react';
import { App, Button, Popconfirm, Space, Switch, Table, Tooltip, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { webFormLink, type WebForm } from '../webforms';
import { WebFormEditor } from './WebFormEditor';
import { WebFormSubmissions } from './WebFormSubmissions';
import type { Pool } from '../pools';
import type { Page } from '../types';

export default function WebFormsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [forms, setForms] = useState<WebForm[]>([]);
  const [pools, setPools] = useState<Pool[]>([]);
  const [loading, setLoading] = useState(false);
  // The dialog: closed, creating (null) or editing a form; a new key per opening gives it fresh fields.
  const [editor, setEditor] = useState<{ open: boolean; form: WebForm | null; key: number }>({ open: false, form: null, key: 0 });
  const [viewing, setViewing] = useState<{ open: boolean; form: WebForm | null }>({ open: false, form: null });

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

  const openEditor = (form: WebForm | null) => setEditor((e) => ({ open: true, form, key: e.key + 1 }));
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
  const iconButton = (title: string, icon: React.ReactNode, testid: string, onClick?: () => void, danger?: boolean) => (
    <Tooltip title={title}>
      <Button type="text" size="small" icon={icon} aria-label={title} danger={danger} onClick={onClick} data-testid={testid} />
    </Tooltip>
  );

  const columns: TableProps<WebForm>['columns'] = [
    {
      title: t('webform.name'),
      key: 'name',
      width: 170,
      ellipsis: true,
      render: (_, f) => (
        <Typography.Text strong data-testid={`webform-name-${f.id}`}>
          {f.name}
        </Typography.Text>
      ),
    },
    {
      title: t('webform.target'),
      key: 'target',
      width: 210,
      ellipsis: true,
      render: (_, f) => (f.target === 'rules' ? t('webform.targetRules', { pool: poolName(f.pool_id) }) : t('webform.targetPool', { pool: poolName(f.pool_id) })),
    },
    {
      title: t('webform.link'),
      key: 'link',
      render: (_, f) => (
        <Typography.Text copyable={{ text: webFormLink(f, window.location.origin), tooltips: [t('action.copy'), t('action.copied')] }} ellipsis={{ tooltip: f.path }} style={{ maxWidth: '100%' }} data-testid={`webform-link-${f.id}`}>
          {f.path}
        </Typography.Text>
      ),
    },
    {
      title: t('webform.submissions'),
      key: 'submissions',
      width: 110,
      align: 'right',
      render: (_, f) => (
        <Typography.Link onClick={() => setViewing({ open: true, form: f })} data-testid={`webform-count-${f.id}`}>
          {f.submissions}
        </Typography.Link>
      ),
    },
    { title: t('webform.spam'), dataIndex: 'spam_blocked', key: 'spam_blocked', width: 115, align: 'right' },
    {
      title: t('webform.enabled'),
      key: 'enabled',
      width: 64,
      render: (_, f) => <Switch size="small" checked={f.enabled} onChange={(v) => setEnabled(f, v)} data-testid={`webform-enabled-${f.id}`} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 136,
      render: (_, f) => (
        <Space size={2}>
          {iconButton(t('action.edit'), <EditOutlined />, `webform-edit-${f.id}`, () => openEditor(f))}
          {iconButton(t('webform.viewSubmissions'), <UnorderedListOutlined />, `webform-submissions-${f.id}`, () => setViewing({ open: true, form: f }))}
          <Popconfirm title={t('webform.rotateConfirm')} onConfirm={() => rotate(f)} okText={t('webform.rotate')} cancelText={t('action.cancel')}>
            {iconButton(t('webform.rotate'), <SyncOutlined />, `webform-rotate-${f.id}`)}
          </Popconfirm>
          <Popconfirm title={t('webform.deleteConfirm', { name: f.name })} onConfirm={() => remove(f)} okText={t('action.delete')} okButtonProps={{ danger: true }} cancelText={t('action.cancel')}>
            {iconButton(t('action.delete'), <DeleteOutlined />, `webform-delete-${f.id}`, undefined, true)}
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title={t('nav.webForms')}
        subtitle={t('webform.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor(null)} data-testid="create-webform">
            {t('webform.create')}
          </Button>
        }
      />
      <Table<WebForm>
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        columns={columns}
        dataSource={forms}
        loading={loading}
        pagination={false}
        scroll={mobile ? { x: 960 } : undefined}
        onRow={(r) => rowProps(r.id)}
        locale={{ emptyText: t('webform.empty') }}
      />
      <WebFormEditor
        key={editor.key}
        open={editor.open}
        form={editor.form}
        pools={pools}
        onClose={() => setEditor((e) => ({ ...e, open: false }))}
        onStale={() => void reload()}
        onSaved={(f, created) => {
          setEditor((e) => ({ ...e, open: false }));
          if (created) setForms((prev) => [...prev, f]);
          else {
            replace(f);
            message.success(t('webform.saved'));
          }
        }}
      />
      <WebFormSubmissions form={viewing.form} open={viewing.open} onClose={() => setViewing((v) => ({ ...v, open: false }))} />
    </div>
  );
}
