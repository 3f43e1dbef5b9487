// Departments: the tree on the left, the chosen department on the right; create child, rename, move, set manager, delete.
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Descriptions, Form, Input, Tree, Typography } from 'antd';
import { ApartmentOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { FormDrawer } from '../components/FormDrawer';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { UserSelect } from '../components/UserSelect';
import { HistoryList } from '../components/HistoryList';
import { NodeActions, TreeAdmin } from '../components/TreeAdmin';
import { useDepartments } from '../components/useDepartments';
import { subtreeIds, type DeptNode } from '../tree';
import type { Department } from '../types';

interface DeptForm {
  name: string;
  parent_id?: string | null;
  manager_id?: string | null;
}

type Editing = { mode: 'create'; parentId: string | null } | { mode: 'edit'; dept: Department };

export default function DepartmentsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  const canWrite = can('department.write');
  const onError = useApiError();
  const depts = useDepartments();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);

  useEffect(() => {
    if (depts.error) onError(depts.error);
  }, [depts.error, onError]);

  // Choose the first root once loaded; drop a selection that no longer exists.
  useEffect(() => {
    if (selected && !depts.byId.has(selected)) setSelected(null);
    if (!selected && depts.tree.length) setSelected(depts.tree[0].key);
  }, [depts.tree, depts.byId, selected]);

  const current = selected ? depts.byId.get(selected) : undefined;
  const parentName = current?.parent_id ? depts.byId.get(current.parent_id)?.name : undefined;
  const childCount = useMemo(() => (current ? depts.list.filter((d) => d.parent_id === current.id).length : 0), [depts.list, current]);

  const treeData = useMemo(() => {
    type TreeItem = { key: string; title: React.ReactNode; children: TreeItem[] };
    const conv = (nodes: DeptNode[]): TreeItem[] =>
      nodes.map((n) => ({
        key: n.key,
        title: (
          <span data-testid={`row-${n.key}`} data-row-key={n.key}>
            {n.title}
          </span>
        ),
        children: conv(n.children),
      }));
    return conv(depts.tree);
  }, [depts.tree]);

  const remove = async (d: Department) => {
    try {
      await api.del(`/departments/${d.id}`);
      message.success(t('msg.deleted'));
      setSelected(d.parent_id ?? null);
      await depts.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) message.error(t('department.deleteConflict'));
      else onError(e);
    }
  };

  return (
    <div>
      <PageHeader
        title={t('nav.departments')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create', parentId: selected })} data-testid="create-department">
              {t('department.create')}
            </Button>
          ) : null
        }
      />
      <TreeAdmin
        treeTitle={t('department.tree')}
        loading={depts.loading && depts.list.length === 0}
        empty={depts.tree.length === 0}
        emptyText={t('department.empty')}
        tree={
          <Tree
            data-testid="department-tree"
            showLine
            blockNode
            defaultExpandAll
            icon={<ApartmentOutlined />}
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => keys.length && setSelected(String(keys[0]))}
            treeData={treeData}
          />
        }
        title={current?.name}
        chooseHint={t('department.chooseHint')}
        detailTestId="department-detail"
        actions={
          current && canWrite ? (
            <NodeActions
              addLabel={t('department.addChild')}
              onAdd={() => setEditing({ mode: 'create', parentId: current.id })}
              onEdit={() => setEditing({ mode: 'edit', dept: current })}
              deleteTitle={t('department.deleteConfirm', { name: current.name })}
              deleteDescription={childCount ? t('department.deleteHasChildren') : undefined}
              onDelete={() => remove(current)}
              testIds={{ add: `add-child-${current.id}`, edit: `edit-${current.id}`, delete: `delete-${current.id}` }}
            />
          ) : null
        }
        details={
          current && (
            <Descriptions column={1} size="small" labelStyle={{ width: 110 }}>
              <Descriptions.Item label={t('department.name')}>{current.name}</Descriptions.Item>
              <Descriptions.Item label={t('department.parent')}>{parentName ?? <Typography.Text type="secondary">{t('department.noParent')}</Typography.Text>}</Descriptions.Item>
              <Descriptions.Item label={t('department.manager')}>{current.manager_name || <Typography.Text type="secondary">{t('common.none')}</Typography.Text>}</Descriptions.Item>
              <Descriptions.Item label={t('department.children')}>{childCount}</Descriptions.Item>
              <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(current.created_at)}</Descriptions.Item>
              <Descriptions.Item label={t('common.updatedAt')}>{formatDateTime(current.updated_at)}</Descriptions.Item>
            </Descriptions>
          )
        }
        history={current && <HistoryList key={current.id + current.version} resource="departments" id={current.id} />}
      />
      <DepartmentDrawer
        editing={editing}
        tree={depts.tree}
        onClose={() => setEditing(null)}
        onSaved={async (d) => {
          setEditing(null);
          await depts.reload();
          setSelected(d.id);
        }}
        onStale={() => void depts.reload().then(() => setEditing(null))}
      />
    </div>
  );
}

function DepartmentDrawer({ editing, tree, onClose, onSaved, onStale }: { editing: Editing | null; tree: DeptNode[]; onClose: () => void; onSaved: (d: Department) => void; onStale: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<DeptForm>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();
  const dept = editing?.mode === 'edit' ? editing.dept : null;
  // A department cannot move under itself or one of its descendants.
  const disabledIds = useMemo(() => (dept ? subtreeIds(tree, dept.id) : undefined), [tree, dept]);

  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    if (editing.mode === 'edit') {
      form.setFieldsValue({ name: editing.dept.name, parent_id: editing.dept.parent_id ?? null, manager_id: editing.dept.manager_id ?? null });
    } else {
      form.setFieldsValue({ name: '', parent_id: editing.parentId, manager_id: null });
    }
  }, [editing, form]);

  const submit = async () => {
    let values: DeptForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      let saved: Department;
      const body = { name: values.name.trim(), parent_id: values.parent_id ?? null, manager_id: values.manager_id ?? null };
      if (dept) {
        const patch: Partial<DeptForm> = {};
        if (body.name !== dept.name) patch.name = body.name;
        if (body.parent_id !== (dept.parent_id ?? null)) patch.parent_id = body.parent_id;
        if (body.manager_id !== (dept.manager_id ?? null)) patch.manager_id = body.manager_id;
        if (Object.keys(patch).length === 0) return onClose();
        saved = await api.patch<Department>(`/departments/${dept.id}`, patch, dept.version);
        message.success(t('msg.saved'));
      } else {
        saved = await api.post<Department>('/departments', { ...body, manager_id: body.manager_id ?? undefined });
        message.success(t('msg.created'));
      }
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDrawer
      open={!!editing}
      title={dept ? t('department.edit', { name: dept.name }) : t('department.create')}
      onClose={onClose}
      onSubmit={submit}
      submitting={saving}
      testid="department-drawer"
    >
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        <Form.Item name="name" label={t('department.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('department.name') }) }]}>
          <Input data-testid="department-name" maxLength={100} />
        </Form.Item>
        <Form.Item name="parent_id" label={t('department.parent')} extra={t('department.parentHint')}>
          <DepartmentSelect tree={tree} disabledIds={disabledIds} placeholder={t('department.noParent')} data-testid="department-parent" />
        </Form.Item>
        <Form.Item name="manager_id" label={t('department.manager')}>
          <UserSelect data-testid="department-manager" initialLabel={dept?.manager_name} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
