// Roles: built-in roles are shown read-only; custom roles have a name, permissions and a data scope.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Popconfirm, Row, Select, Space, Table, Tabs, Tag, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { FormDrawer } from '../components/FormDrawer';
import { HistoryList } from '../components/HistoryList';
import { useRoles } from '../components/useRoles';
import { rowProps } from '../components/rowProps';
import { permGroupLabel, permLabel, roleName, scopeLabel } from '../components/labels';
import type { DataScope, Permission, Role } from '../types';

interface RoleForm {
  name: string;
  data_scope: DataScope;
  permissions: string[];
}

/** Permissions grouped by their group (or the prefix before the first dot), in first-seen order. */
export function groupPermissions(perms: Permission[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const p of perms) {
    const g = p.group || p.key.split('.')[0];
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(p.key);
  }
  return [...groups.entries()];
}

function usePermissions() {
  const [perms, setPerms] = useState<Permission[]>([]);
  useEffect(() => {
    api
      .get<{ items: Permission[] }>('/permissions')
      .then((r) => setPerms(r.items ?? []))
      .catch(() => setPerms([]));
  }, []);
  return perms;
}

export default function RolesPage() {
  const { t, td } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  const canWrite = can('role.write');
  const onError = useApiError();
  const { roles, loading, error, reload } = useRoles();
  const perms = usePermissions();
  const [editing, setEditing] = useState<Role | null | undefined>(undefined);

  useEffect(() => {
    if (error) onError(error);
  }, [error, onError]);

  const remove = async (r: Role) => {
    try {
      await api.del(`/roles/${r.id}`);
      message.success(t('msg.deleted'));
      await reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) message.error(t('role.deleteConflict'));
      else onError(e);
    }
  };

  const columns: TableProps<Role>['columns'] = [
    { title: t('role.name'), key: 'name', width: 160, fixed: 'left', render: (_, r) => roleName(td, r) },
    { title: t('role.type'), key: 'builtin', width: 100, render: (_, r) => (r.builtin ? <Tag color="gold">{t('role.builtin')}</Tag> : <Tag color="blue">{t('role.custom')}</Tag>) },
    { title: t('role.dataScope'), dataIndex: 'data_scope', key: 'scope', width: 150, render: (s: string) => scopeLabel(t, s) },
    { title: t('role.permissions'), key: 'perms', width: 110, render: (_, r) => t('role.permCount', { count: r.permissions?.length ?? 0 }) },
    { title: t('common.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', width: 150, render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_, r) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing(r)} data-testid={`edit-${r.id}`}>
            {canWrite && !r.builtin ? t('action.edit') : t('action.view')}
          </Button>
          {canWrite && !r.builtin ? (
            <Popconfirm title={t('role.deleteConfirm', { name: r.name })} onConfirm={() => remove(r)} okText={t('action.delete')} okButtonProps={{ danger: true }} cancelText={t('action.cancel')}>
              <Button type="link" size="small" danger data-testid={`delete-${r.id}`}>
                {t('action.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title={t('nav.roles')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="create-role">
              {t('role.create')}
            </Button>
          ) : null
        }
      />
      <Table<Role> rowKey="id" size="middle" columns={columns} dataSource={roles} loading={loading} pagination={false} scroll={{ x: 820 }} onRow={(r) => rowProps(r.id)} />
      <RoleDrawer
        open={editing !== undefined}
        role={editing ?? null}
        perms={perms}
        canWrite={canWrite}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void reload();
        }}
        onStale={() => {
          setEditing(undefined);
          void reload();
        }}
      />
    </div>
  );
}

function RoleDrawer(props: { open: boolean; role: Role | null; perms: Permission[]; canWrite: boolean; onClose: () => void; onSaved: () => void; onStale: () => void }) {
  const { open, role, perms, canWrite, onClose, onSaved, onStale } = props;
  const { t, td } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<RoleForm>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();
  const readOnly = !canWrite || !!role?.builtin;
  const groups = useMemo(() => {
    // Show permissions the role has even when /permissions does not list them.
    const known = new Set(perms.map((p) => p.key));
    const extra = (role?.permissions ?? []).filter((k) => !known.has(k)).map((k) => ({ key: k, group: k.split('.')[0] }));
    return groupPermissions([...perms, ...extra]);
  }, [perms, role]);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(role ? { name: roleName(td, role), data_scope: role.data_scope, permissions: role.permissions ?? [] } : { name: '', data_scope: 'own', permissions: [] });
  }, [open, role, form, td]);

  const submit = async () => {
    let values: RoleForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const body = { name: values.name.trim(), data_scope: values.data_scope, permissions: values.permissions ?? [] };
      if (role) {
        await api.patch<Role>(`/roles/${role.id}`, body, role.version);
        message.success(t('msg.saved'));
      } else {
        await api.post<Role>('/roles', body);
        message.success(t('msg.created'));
      }
      onSaved();
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  const formEl = (
    <Form form={form} layout="vertical" disabled={readOnly} requiredMark="optional" preserve={false}>
      {role?.builtin ? <Alert type="info" showIcon message={t('role.builtinReadOnly')} style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="name" label={t('role.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('role.name') }) }]}>
        <Input data-testid="role-name" maxLength={60} />
      </Form.Item>
      <Form.Item name="data_scope" label={t('role.dataScope')} extra={t('role.dataScopeHint')} rules={[{ required: true }]}>
        <Select
          data-testid="role-scope"
          options={(['own', 'department', 'all'] as const).map((s) => ({ value: s, label: scopeLabel(t, s), title: scopeLabel(t, s) }))}
        />
      </Form.Item>
      <Form.Item name="permissions" label={t('role.permissions')}>
        <PermissionPicker groups={groups} disabled={readOnly} />
      </Form.Item>
    </Form>
  );

  return (
    <FormDrawer
      open={open}
      width={640}
      title={role ? (readOnly ? roleName(td, role) : t('role.edit', { name: roleName(td, role) })) : t('role.create')}
      onClose={onClose}
      onSubmit={readOnly ? undefined : submit}
      submitting={saving}
      testid="role-drawer"
    >
      {role ? (
        <Tabs
          items={[
            { key: 'form', label: t('tab.details'), children: formEl, forceRender: true },
            { key: 'history', label: t('tab.history'), children: <HistoryList resource="roles" id={role.id} /> },
          ]}
        />
      ) : (
        formEl
      )}
    </FormDrawer>
  );
}

/** Permission checkboxes in one card per group; the card's title checks or clears the whole group. */
function PermissionPicker({ groups, value, onChange, disabled }: { groups: [string, string[]][]; value?: string[]; onChange?: (v: string[]) => void; disabled?: boolean }) {
  const { td } = useI18n();
  const selected = value ?? [];
  const setGroup = (keys: string[], next: string[]) => {
    const rest = selected.filter((k) => !keys.includes(k));
    onChange?.([...rest, ...next]);
  };
  return (
    <Row gutter={[12, 12]} data-testid="role-permissions">
      {groups.map(([group, keys]) => {
        const chosen = keys.filter((k) => selected.includes(k));
        return (
          <Col span={24} key={group}>
            <Card
              size="small"
              title={
                <Checkbox
                  disabled={disabled}
                  checked={chosen.length === keys.length && keys.length > 0}
                  indeterminate={chosen.length > 0 && chosen.length < keys.length}
                  onChange={(e) => setGroup(keys, e.target.checked ? keys : [])}
                  data-testid={`perm-group-${group}`}
                >
                  {permGroupLabel(td, group)}
                </Checkbox>
              }
            >
              <Checkbox.Group disabled={disabled} value={chosen} onChange={(v) => setGroup(keys, v as string[])} style={{ width: '100%' }}>
                <Row gutter={[8, 4]} style={{ width: '100%' }}>
                  {keys.map((k) => (
                    <Col xs={24} sm={12} key={k}>
                      <Checkbox value={k} data-testid={`perm-${k}`}>
                        {permLabel(td, k)}
                      </Checkbox>
                    </Col>
                  ))}
                </Row>
              </Checkbox.Group>
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}
