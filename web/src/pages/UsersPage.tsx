// Users: search and filter, keyset "load more", create/edit, enable/disable, change role.
import { useMemo, useState } from 'react';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table, Tag, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { FormModal } from '../components/FormModal';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { useCursorList } from '../components/useCursorList';
import { useDepartments } from '../components/useDepartments';
import { useRoles } from '../components/useRoles';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { roleName, statusLabel } from '../components/labels';
import { UserFormDrawer } from './UserFormDrawer';
import { OffboardModal } from './OffboardModal';
import type { Role, User } from '../types';

type Sort = 'name' | '-name' | 'created_at' | '-created_at';

export default function UsersPage() {
  const { t, td } = useI18n();
  const { message } = App.useApp();
  const { can, me, reload: reloadMe } = useAuth();
  const canWrite = can('user.write');
  const mobile = useIsMobile();
  const onError = useApiError();
  const [q, setQ] = useState('');
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [roleId, setRoleId] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [sort, setSort] = useState<Sort>('name');
  const depts = useDepartments();
  const { roles } = useRoles();
  const rolesById = useMemo(() => new Map(roles.map((r) => [r.id, r])), [roles]);
  const list = useCursorList<User>('/users', { q, department_id: departmentId, role_id: roleId, status, sort }, onError);
  // The drawer's open state is kept apart from the user it shows, so the
  // closing animation keeps showing that user instead of the create form.
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [editing, setEditing] = useState<User | null>(null); // null = create
  const openDrawer = (u: User | null) => {
    setEditing(u);
    setDrawerOpen(true);
  };
  const [roleFor, setRoleFor] = useState<User | null>(null);
  const [offboarding, setOffboarding] = useState<User | null>(null);

  const afterSave = (u: User) => {
    if (editing) list.replace(u);
    else list.reload();
    setDrawerOpen(false);
    if (u.id === me?.user.id) void reloadMe();
  };

  const reloadOne = async (id: string) => {
    try {
      const fresh = await api.get<User>(`/users/${id}`);
      list.replace(fresh);
      if (editing && editing.id === id) setEditing(fresh);
      if (roleFor && roleFor.id === id) setRoleFor(fresh);
    } catch (e) {
      onError(e);
    }
  };

  const setUserStatus = async (u: User, next: 'active' | 'disabled') => {
    try {
      const saved = await api.patch<User>(`/users/${u.id}`, { status: next }, u.version);
      list.replace(saved);
      message.success(next === 'active' ? t('user.enabled') : t('user.disabledMsg'));
    } catch (e) {
      onError(e, undefined, () => void reloadOne(u.id));
    }
  };

  const roleLabel = (u: User) => {
    const r = rolesById.get(u.role_id);
    return r ? roleName(td, r) : u.role_name ?? '';
  };

  const columns: TableProps<User>['columns'] = [
    { title: t('user.name'), dataIndex: 'name', key: 'name', sorter: true, sortOrder: sort === 'name' ? 'ascend' : sort === '-name' ? 'descend' : null, width: 140, fixed: mobile ? undefined : 'left' },
    { title: t('user.email'), dataIndex: 'email', key: 'email', width: 220, ellipsis: true },
    { title: t('user.department'), dataIndex: 'department_name', key: 'department', width: 140 },
    { title: t('user.role'), key: 'role', width: 120, render: (_, u) => <Tag>{roleLabel(u)}</Tag> },
    { title: t('user.manager'), dataIndex: 'manager_name', key: 'manager', width: 120 },
    { title: t('user.phone'), dataIndex: 'phone', key: 'phone', width: 140 },
    {
      title: t('user.status'),
      dataIndex: 'status',
      key: 'status',
      width: 90,
      render: (s: string) => <Tag color={s === 'active' ? 'green' : 'default'}>{statusLabel(t, s)}</Tag>,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'created_at',
      key: 'created_at',
      width: 150,
      sorter: true,
      sortOrder: sort === 'created_at' ? 'ascend' : sort === '-created_at' ? 'descend' : null,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: canWrite ? 300 : 80,
      fixed: mobile ? undefined : 'right',
      render: (_, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => openDrawer(u)} data-testid={`edit-${u.id}`}>
            {canWrite ? t('action.edit') : t('action.view')}
          </Button>
          {canWrite ? (
            <Button type="link" size="small" onClick={() => setRoleFor(u)} data-testid={`role-${u.id}`}>
              {t('user.changeRole')}
            </Button>
          ) : null}
          {canWrite && u.id !== me?.user.id && u.status === 'active' ? (
            <Button type="link" size="small" onClick={() => setOffboarding(u)} data-testid={`offboard-${u.id}`}>
              {t('offboard.action')}
            </Button>
          ) : null}
          {canWrite && u.id !== me?.user.id ? (
            u.status === 'active' ? (
              <Popconfirm title={t('user.disableConfirm', { name: u.name })} onConfirm={() => setUserStatus(u, 'disabled')} okText={t('action.disable')} cancelText={t('action.cancel')}>
                <Button type="link" size="small" danger data-testid={`disable-${u.id}`}>
                  {t('action.disable')}
                </Button>
              </Popconfirm>
            ) : (
              <Button type="link" size="small" onClick={() => setUserStatus(u, 'active')} data-testid={`enable-${u.id}`}>
                {t('action.enable')}
              </Button>
            )
          ) : null}
        </Space>
      ),
    },
  ];

  const onTableChange: TableProps<User>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = s?.columnKey === 'created_at' ? 'created_at' : 'name';
    if (!s?.order) setSort('name');
    else setSort((s.order === 'descend' ? '-' + field : field) as Sort);
  };

  return (
    <div>
      <PageHeader
        title={t('nav.users')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => openDrawer(null)} data-testid="create-user">
              {t('user.create')}
            </Button>
          ) : null
        }
      />
      <div className="rudder-filters">
        <Input.Search allowClear placeholder={t('user.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} data-testid="users-search" className="rudder-filter-wide" />
        <DepartmentSelect tree={depts.tree} value={departmentId} onChange={setDepartmentId} placeholder={t('user.filterDepartment')} data-testid="users-filter-department" style={{ width: undefined }} />
        <Select
          allowClear
          value={roleId}
          onChange={setRoleId}
          placeholder={t('user.filterRole')}
          options={roles.map((r: Role) => ({ value: r.id, label: roleName(td, r), title: roleName(td, r) }))}
          data-testid="users-filter-role"
        />
        <Select
          allowClear
          value={status}
          onChange={setStatus}
          placeholder={t('user.filterStatus')}
          options={[
            { value: 'active', label: t('status.active') },
            { value: 'disabled', label: t('status.disabled') },
          ]}
          data-testid="users-filter-status"
        />
      </div>
      <Table<User>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: 1100 }}
        onRow={(u) => rowProps(u.id)}
        onChange={onTableChange}
        showSorterTooltip={false}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
      <UserFormDrawer
        open={drawerOpen}
        user={editing}
        tree={depts.tree}
        roles={roles}
        canWrite={canWrite}
        onClose={() => setDrawerOpen(false)}
        onSaved={afterSave}
        onStale={() => editing && void reloadOne(editing.id)}
      />
      <ChangeRoleModal
        user={roleFor}
        roles={roles}
        onClose={() => setRoleFor(null)}
        onSaved={(u) => {
          list.replace(u);
          setRoleFor(null);
          if (u.id === me?.user.id) void reloadMe();
        }}
        onStale={() => roleFor && void reloadOne(roleFor.id)}
      />
      <OffboardModal user={offboarding} onClose={() => setOffboarding(null)} onDone={(u) => void reloadOne(u.id)} />
    </div>
  );
}

function ChangeRoleModal({ user, roles, onClose, onSaved, onStale }: { user: User | null; roles: Role[]; onClose: () => void; onSaved: (u: User) => void; onStale: () => void }) {
  const { t, td } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ role_id: string }>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();

  const submit = async () => {
    if (!user) return;
    const { role_id } = await form.validateFields();
    if (role_id === user.role_id) return onClose();
    setSaving(true);
    try {
      const saved = await api.patch<User>(`/users/${user.id}`, { role_id }, user.version);
      message.success(t('msg.saved'));
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      open={!!user}
      title={t('user.changeRoleOf', { name: user?.name ?? '' })}
      onClose={onClose}
      onSubmit={submit}
      saving={saving}
    >
      <Form form={form} layout="vertical" initialValues={{ role_id: user?.role_id }} preserve={false}>
        <Form.Item name="role_id" label={t('user.role')} rules={[{ required: true, message: t('validation.required', { field: t('user.role') }) }]}>
          <Select data-testid="user-role" options={roles.map((r) => ({ value: r.id, label: roleName(td, r), title: roleName(td, r) }))} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
