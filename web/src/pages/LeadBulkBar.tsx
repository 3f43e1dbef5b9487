// The bar over the leads table while rows are selected: assign, move to a pool or delete them
// all at once (POST /leads/bulk, all or nothing).
import { useEffect, useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Typography } from 'antd';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { UserSelect } from '../components/UserSelect';
import { bulkRequest, type BulkLeadAction } from '../webforms';
import type { Pool } from '../pools';
import type { Page } from '../types';

interface Props {
  ids: string[];
  /** The list's filters when any is set: offers acting on every lead they match, not just the loaded rows. */
  filter?: Record<string, unknown>;
  onDone: () => void;
  onClear: () => void;
}

interface BulkForm {
  owner_id?: string | null;
  pool_id?: string | null;
  reason?: string;
}

export function LeadBulkBar({ ids, filter, onDone, onClear }: Props) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [action, setAction] = useState<BulkLeadAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [allMatching, setAllMatching] = useState(false);
  // A new selection or other filters start again from the chosen rows.
  const filterKey = filter ? JSON.stringify(filter) : '';
  useEffect(() => setAllMatching(false), [ids, filterKey]);

  if (ids.length === 0) return null;
  const target = allMatching && filter ? { filter } : { ids };
  const countLabel = allMatching ? t('bulk.allMatching') : t('bulk.selected', { count: ids.length });

  const run = async (a: BulkLeadAction, values: BulkForm = {}) => {
    setBusy(true);
    try {
      const r = await api.post<{ affected: number }>('/leads/bulk', bulkRequest(a, target, values));
      message.success(t('bulk.done', { count: r.affected }));
      setAction(null);
      onDone();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="rudder-bulk-bar" data-testid="lead-bulk-bar" style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', margin: '8px 0' }}>
      <Typography.Text strong data-testid="bulk-count">{countLabel}</Typography.Text>
      {filter && !allMatching ? (
        <Button type="link" onClick={() => setAllMatching(true)} data-testid="bulk-all-matching">
          {t('bulk.selectAllMatching')}
        </Button>
      ) : null}
      <Space wrap>
        {can('lead.assign') ? (
          <>
            <Button onClick={() => setAction('assign')} data-testid="bulk-assign">
              {t('bulk.assign')}
            </Button>
            <Button onClick={() => setAction('move_to_pool')} data-testid="bulk-move">
              {t('bulk.moveToPool')}
            </Button>
          </>
        ) : null}
        <Popconfirm title={t('bulk.deleteConfirm', { count: countLabel })} onConfirm={() => run('delete')} okButtonProps={{ danger: true }} okText={t('action.delete')} cancelText={t('action.cancel')}>
          <Button danger loading={busy && action === null} data-testid="bulk-delete">
            {t('action.delete')}
          </Button>
        </Popconfirm>
        <Button type="link" onClick={onClear} data-testid="bulk-clear">
          {t('bulk.clear')}
        </Button>
      </Space>
      <BulkModal action={action} count={countLabel} busy={busy} onCancel={() => setAction(null)} onSubmit={(v) => action && run(action, v)} />
    </div>
  );
}

function BulkModal({ action, count, busy, onCancel, onSubmit }: { action: BulkLeadAction | null; count: string; busy: boolean; onCancel: () => void; onSubmit: (v: BulkForm) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<BulkForm>();
  const [pools, setPools] = useState<Pool[]>([]);

  useEffect(() => {
    if (action !== 'move_to_pool') return;
    api
      .get<Page<Pool>>('/pools', { limit: 200 })
      .then((p) => setPools((p.items ?? []).filter((x) => x.enabled && (x.kind ?? 'lead') === 'lead')))
      .catch(() => setPools([]));
  }, [action]);

  const submit = async () => {
    try {
      onSubmit(await form.validateFields());
    } catch {
      // the form shows what is missing
    }
  };
  const required = (field: string) => [{ required: true, whitespace: true, message: t('validation.required', { field }) }];

  return (
    <Modal
      open={action === 'assign' || action === 'move_to_pool'}
      title={action === 'assign' ? t('bulk.assignTitle', { count }) : t('bulk.moveTitle', { count })}
      onCancel={onCancel}
      onOk={submit}
      confirmLoading={busy}
      okText={t('action.save')}
      cancelText={t('action.cancel')}
      okButtonProps={{ 'data-testid': 'bulk-submit' } as React.ComponentProps<typeof Button>}
      destroyOnClose
    >
      <Form form={form} layout="vertical" preserve={false}>
        {action === 'assign' ? (
          <Form.Item name="owner_id" label={t('bulk.owner')} rules={required(t('bulk.owner'))}>
            <UserSelect data-testid="bulk-owner" />
          </Form.Item>
        ) : (
          <Form.Item name="pool_id" label={t('bulk.pool')} rules={required(t('bulk.pool'))}>
            <Select data-testid="bulk-pool" options={pools.map((p) => ({ value: p.id, label: `${p.name} · ${p.department_name}` }))} />
          </Form.Item>
        )}
        <Form.Item name="reason" label={t('bulk.reason')} rules={required(t('bulk.reason'))}>
          <Input maxLength={200} data-testid="bulk-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
