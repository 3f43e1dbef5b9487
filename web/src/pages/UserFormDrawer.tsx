// Create or edit one user; editing also shows the user's change history.
import { useEffect, useState } from 'react';
import { App, Form, Input, Select, Tabs } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { FormDrawer } from '../components/FormDrawer';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { UserSelect } from '../components/UserSelect';
import { HistoryList } from '../components/HistoryList';
import { roleName } from '../components/labels';
import type { DeptNode } from '../tree';
import type { Role, User } from '../types';

export interface UserFormValues {
  email: string;
  name: string;
  password?: string;
  phone?: string;
  department_id?: string | null;
  role_id?: string;
  manager_id?: string | null;
}

interface Props {
  open: boolean;
  /** The user to edit; none = create. */
  user?: User | null;
  tree: DeptNode[];
  roles: Role[];
  canWrite: boolean;
  onClose: () => void;
  onSaved: (u: User) => void;
  /** Reload the record after a 412. */
  onStale?: () => void;
}

/** The fields of `values` that differ from `user` (a partial PATCH body). */
export function changedUserFields(user: User, values: UserFormValues): Partial<UserFormValues> {
  const out: Partial<UserFormValues> = {};
  const norm = (v: unknown) => (v === undefined || v === '' ? null : v);
  (['email', 'name', 'phone', 'department_id', 'role_id', 'manager_id'] as const).forEach((k) => {
    if (norm(values[k]) !== norm(user[k])) (out as Record<string, unknown>)[k] = norm(values[k]);
  });
  if (values.password) out.password = values.password;
  return out;
}

export function UserFormDrawer({ open, user, tree, roles, canWrite, onClose, onSaved, onStale }: Props) {
  const { t, td } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const onError = useApiError();
  const editing = !!user;
  const required = (field: string) => ({ required: true, message: t('validation.required', { field }) });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (user) {
      form.setFieldsValue({
        email: user.email,
        name: user.name,
        phone: user.phone ?? '',
        department_id: user.department_id ?? null,
        role_id: user.role_id,
        manager_id: user.manager_id ?? null,
      });
    }
  }, [open, user, form]);

  const submit = async () => {
    let values: UserFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    try {
      let saved: User;
      if (user) {
        const body = changedUserFields(user, values);
        if (Object.keys(body).length === 0) {
          onClose();
          return;
        }
        saved = await api.patch<User>(`/users/${user.id}`, body, user.version);
        message.success(t('msg.saved'));
      } else {
        const body = { ...values, phone: values.phone || undefined, manager_id: values.manager_id || undefined };
        saved = await api.post<User>('/users', body);
        message.success(t('msg.created'));
      }
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSubmitting(false);
    }
  };

  const fields = (
    <Form form={form} layout="vertical" disabled={!canWrite} requiredMark="optional" preserve={false}>
      <Form.Item name="name" label={t('user.name')} rules={[required(t('user.name'))]}>
        <Input data-testid="user-name" maxLength={100} />
      </Form.Item>
      <Form.Item name="email" label={t('user.email')} rules={[required(t('user.email')), { type: 'email', message: t('validation.email') }]}>
        <Input data-testid="user-email" inputMode="email" autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="password"
        label={editing ? t('user.newPassword') : t('user.password')}
        extra={editing ? t('user.newPasswordHint') : undefined}
        rules={[...(editing ? [] : [required(t('user.password'))]), { min: 8, message: t('validation.passwordMin', { min: 8 }) }]}
      >
        <Input.Password data-testid="user-password" autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="phone" label={t('user.phone')}>
        <Input data-testid="user-phone" inputMode="tel" maxLength={40} />
      </Form.Item>
      <Form.Item name="department_id" label={t('user.department')} rules={[required(t('user.department'))]}>
        <DepartmentSelect tree={tree} data-testid="user-department" />
      </Form.Item>
      <Form.Item name="role_id" label={t('user.role')} rules={[required(t('user.role'))]}>
        <Select
          data-testid="user-role"
          placeholder={t('common.chooseRole')}
          options={roles.map((r) => ({ value: r.id, label: roleName(td, r), title: roleName(td, r) }))}
        />
      </Form.Item>
      <Form.Item name="manager_id" label={t('user.manager')}>
        <UserSelect data-testid="user-manager" initialLabel={user?.manager_name} excludeId={user?.id} />
      </Form.Item>
    </Form>
  );

  return (
    <FormDrawer
      open={open}
      title={editing ? t('user.edit', { name: user?.name ?? '' }) : t('user.create')}
      onClose={onClose}
      onSubmit={canWrite ? submit : undefined}
      submitting={submitting}
      testid="user-drawer"
    >
      {editing && user ? (
        <Tabs
          items={[
            { key: 'form', label: t('tab.details'), children: fields, forceRender: true },
            { key: 'history', label: t('tab.history'), children: <HistoryList resource="users" id={user.id} /> },
          ]}
        />
      ) : (
        fields
      )}
    </FormDrawer>
  );
}
