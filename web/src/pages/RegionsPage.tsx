// Territories: the region tree on the left, the chosen region on the right; add a
// sub-region or a top-level one, rename, move, delete. Leads, customers,
// assignment rules, web forms and scoring rules name regions: a rename carries them along, a
// delete is refused while they use the name; a rule's region reaches everything below it.
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Descriptions, Form, Input, Tree, TreeSelect, Typography } from 'antd';
import { EnvironmentOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { FormDrawer } from '../components/FormDrawer';
import { HistoryList } from '../components/HistoryList';
import { NodeActions, TreeAdmin } from '../components/TreeAdmin';
import { useRegions } from '../components/useRegions';
import { regionPatch, regionPath, regionRefusal, regionSubtree, usesText, type Region, type RegionNode } from '../regions';

type Editing = { mode: 'create'; parentId: string | null } | { mode: 'edit'; region: Region };

interface RegionForm {
  name: string;
  parent_id?: string | null;
}

type Opt = { value: string; title: string; disabled?: boolean; children: Opt[] };

function toOptions(nodes: RegionNode[], disabled?: Set<string>): Opt[] {
  return nodes.map((n) => ({ value: n.key, title: n.title, disabled: disabled?.has(n.key), children: toOptions(n.children, disabled) }));
}

export default function RegionsPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const canWrite = can('region.write');
  const onError = useApiError();
  const regions = useRegions();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  // Open at first; later the reader's own folding, with the chosen region always in view.
  const [expanded, setExpanded] = useState<string[] | null>(null);

  useEffect(() => {
    if (regions.error) onError(regions.error);
  }, [regions.error, onError]);

  // Choose the first root once loaded; drop a selection that no longer exists.
  useEffect(() => {
    if (regions.loading) return;
    if (selected && !regions.byId.has(selected)) setSelected(null);
    if (!selected && regions.tree.length) setSelected(regions.tree[0].key);
  }, [regions.tree, regions.byId, regions.loading, selected]);

  useEffect(() => {
    if (regions.loading || !regions.list.length) return;
    setExpanded((prev) => {
      const keys = new Set(prev ?? regions.list.map((r) => r.id));
      const seen = new Set<string>();
      for (let p = selected ? regions.byId.get(selected)?.parent_id : null; p && !seen.has(p); p = regions.byId.get(p)?.parent_id) {
        seen.add(p);
        keys.add(p);
      }
      return prev && keys.size === prev.length ? prev : [...keys];
    });
  }, [regions.list, regions.byId, regions.loading, selected]);

  const current = selected ? regions.byId.get(selected) : undefined;
  // A rename's audit entry counts the records that followed it (internal/region/usage.go).
  const historyLabels = useMemo(
    () => ({
      parent_id: t('region.parent'),
      leads_moved: t('region.moved.leads'),
      customers_moved: t('region.moved.customers'),
      rules_moved: t('region.moved.rules'),
      webforms_moved: t('region.moved.webforms'),
      scoring_rules_moved: t('region.moved.scoringRules'),
    }),
    [t],
  );
  const path = current ? regionPath(regions.byId, current.id) : [];
  const childCount = useMemo(() => (current ? regions.list.filter((r) => r.parent_id === current.id).length : 0), [regions.list, current]);

  const treeData = useMemo(() => {
    type Item = { key: string; title: React.ReactNode; children: Item[] };
    const conv = (nodes: RegionNode[]): Item[] =>
      nodes.map((n) => ({ key: n.key, title: <span data-testid={`region-node-${n.title}`}>{n.title}</span>, children: conv(n.children) }));
    return conv(regions.tree);
  }, [regions.tree]);

  const remove = async (r: Region) => {
    try {
      await api.del(`/regions/${r.id}`, { version: r.version });
      message.success(t('msg.deleted'));
      setSelected(r.parent_id ?? null);
      await regions.reload();
    } catch (e) {
      // The API refuses a region that still has sub-regions, or whose name records
      // still carry (with their counts): say so and what to do.
      const why = e instanceof ApiError ? regionRefusal(e.status, e.errors) : null;
      if (why) {
        const hint = why.reason === 'children' ? t('region.deleteHasChildrenHint') : t('region.deleteInUseHint', { uses: usesText(why.uses, t) });
        modal.error({ title: t('region.deleteRefused', { name: r.name }), content: <span data-testid="region-delete-refused">{hint}</span> });
      } else onError(e, undefined, () => void regions.reload());
    }
  };

  return (
    <div>
      <PageHeader
        title={t('nav.regions')}
        subtitle={t('region.subtitle')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create', parentId: null })} data-testid="create-region">
              {t('region.createTop')}
            </Button>
          ) : null
        }
      />
      <TreeAdmin
        treeTitle={t('region.tree')}
        loading={regions.loading && regions.list.length === 0}
        empty={regions.tree.length === 0}
        emptyText={t('region.empty')}
        tree={
          <Tree
            data-testid="region-tree"
            showLine
            blockNode
            expandedKeys={expanded ?? []}
            onExpand={(keys) => setExpanded(keys.map(String))}
            icon={<EnvironmentOutlined />}
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => keys.length && setSelected(String(keys[0]))}
            treeData={treeData}
          />
        }
        title={current?.name}
        chooseHint={t('region.chooseHint')}
        detailTestId="region-detail"
        actions={
          current && canWrite ? (
            <NodeActions
              addLabel={t('region.addChild')}
              onAdd={() => setEditing({ mode: 'create', parentId: current.id })}
              onEdit={() => setEditing({ mode: 'edit', region: current })}
              deleteTitle={t('region.deleteConfirm', { name: current.name })}
              deleteDescription={childCount ? t('region.deleteHasChildren', { count: childCount }) : t('region.deleteInUseNote')}
              onDelete={() => remove(current)}
              testIds={{ add: 'region-add-child', edit: 'region-edit', delete: 'region-delete', deleteOk: 'region-delete-ok' }}
            />
          ) : null
        }
        details={
          current && (
            <Descriptions column={1} size="small" labelStyle={{ width: 110 }}>
              <Descriptions.Item label={t('region.name')}>{current.name}</Descriptions.Item>
              <Descriptions.Item label={t('region.path')}>
                <span data-testid="region-path">{path.join(' / ')}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('region.children')}>{childCount}</Descriptions.Item>
              <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(current.created_at)}</Descriptions.Item>
              <Descriptions.Item label={t('common.updatedAt')}>{formatDateTime(current.updated_at)}</Descriptions.Item>
            </Descriptions>
          )
        }
        history={current && <HistoryList key={current.id + current.version} resource="regions" id={current.id} fieldLabels={historyLabels} />}
        footer={
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('region.ruleHint')}
          </Typography.Paragraph>
        }
      />
      <RegionDrawer
        editing={editing}
        tree={regions.tree}
        onClose={() => setEditing(null)}
        onSaved={async (r) => {
          setEditing(null);
          await regions.reload();
          setSelected(r.id);
        }}
        onStale={() => void regions.reload().then(() => setEditing(null))}
      />
    </div>
  );
}

function RegionDrawer({ editing, tree, onClose, onSaved, onStale }: { editing: Editing | null; tree: RegionNode[]; onClose: () => void; onSaved: (r: Region) => void; onStale: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<RegionForm>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();
  const region = editing?.mode === 'edit' ? editing.region : null;
  // A region cannot move under itself or its own sub-regions.
  const options = useMemo(() => toOptions(tree, region ? regionSubtree(tree, region.id) : undefined), [tree, region]);

  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    if (editing.mode === 'edit') form.setFieldsValue({ name: editing.region.name, parent_id: editing.region.parent_id ?? null });
    else form.setFieldsValue({ name: '', parent_id: editing.parentId });
  }, [editing, form]);

  const submit = async () => {
    let values: RegionForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      let saved: Region;
      if (region) {
        const patch = regionPatch(region, values.name, values.parent_id ?? null);
        if (!patch) return onClose();
        saved = await api.patch<Region>(`/regions/${region.id}`, patch, region.version);
        message.success(t('msg.saved'));
      } else {
        saved = await api.post<Region>('/regions', { name: values.name.trim(), parent_id: values.parent_id ?? undefined });
        message.success(t('msg.created'));
      }
      onSaved(saved);
    } catch (e) {
      // Records carry a name another region also has: they cannot follow the rename.
      const why = e instanceof ApiError && region ? regionRefusal(e.status, e.errors) : null;
      if (region && why?.reason === 'ambiguous') {
        modal.error({
          title: t('region.renameRefused', { name: region.name }),
          content: <span data-testid="region-rename-refused">{t('region.renameAmbiguousHint', { name: region.name, uses: usesText(why.uses, t) })}</span>,
        });
      } else onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDrawer
      open={!!editing}
      title={region ? t('region.edit', { name: region.name }) : t('region.create')}
      onClose={onClose}
      onSubmit={submit}
      submitting={saving}
      testid="region-drawer"
    >
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        <Form.Item name="name" label={t('region.name')} extra={region ? t('region.renameHint') : undefined} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('region.name') }) }]}>
          <Input data-testid="region-name" maxLength={40} />
        </Form.Item>
        <Form.Item name="parent_id" label={t('region.parent')} extra={t('region.parentHint')}>
          <TreeSelect
            data-testid="region-parent"
            showSearch
            allowClear
            treeDefaultExpandAll
            treeNodeFilterProp="title"
            treeData={options}
            placeholder={t('region.noParent')}
            popupMatchSelectWidth={false}
            style={{ width: '100%' }}
          />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
