// The audit log: who changed what and when, filterable; each row expands to its changed fields.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, DatePicker, Form, Input, Select, Table, Tag, Typography, type TableProps } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { UserSelect } from '../components/UserSelect';
import { ChangeList } from '../components/ChangeList';
import { useCursorList } from '../components/useCursorList';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { actionLabel, OBJECT_TYPES, objectTypeLabel } from '../components/labels';
import type { AuditEntry } from '../types';

interface Filters {
  actor?: string | null;
  object_type?: string;
  object_id?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

interface Query {
  actor?: string;
  object_type?: string;
  object_id?: string;
  from?: string;
  to?: string;
}

/** The audit query for the chosen filters: the range runs from the first day's start to the last day's end. */
export function auditQuery(f: Filters): Query {
  const q: Query = {};
  if (f.actor) q.actor = f.actor;
  if (f.object_type) q.object_type = f.object_type;
  if (f.object_id?.trim()) q.object_id = f.object_id.trim();
  const [from, to] = f.range ?? [null, null];
  if (from) q.from = from.startOf('day').toISOString();
  if (to) q.to = to.endOf('day').toISOString();
  return q;
}

const actionColor: Record<string, string> = { create: 'green', update: 'blue', delete: 'red' };

export default function AuditPage() {
  const { t, td } = useI18n();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Filters>();
  const initial: Filters = { object_type: params.get('object_type') ?? undefined, object_id: params.get('object_id') ?? undefined };
  const [query, setQuery] = useState<Query>(() => auditQuery(initial));
  const list = useCursorList<AuditEntry>('/audit', { ...query }, onError);

  const columns: TableProps<AuditEntry>['columns'] = [
    { title: t('audit.at'), dataIndex: 'at', key: 'at', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('audit.actor'), dataIndex: 'actor_name', key: 'actor', width: 120, render: (v?: string | null) => v || <Typography.Text type="secondary">{t('audit.system')}</Typography.Text> },
    { title: t('audit.action'), dataIndex: 'action', key: 'action', width: 80, render: (a: string) => <Tag color={actionColor[a]}>{actionLabel(t, a)}</Tag> },
    { title: t('audit.objectType'), dataIndex: 'object_type', key: 'object_type', width: 100, render: (v: string) => objectTypeLabel(td, v) },
    { title: t('audit.objectId'), dataIndex: 'object_id', key: 'object_id', width: 200, render: (v: string) => <Typography.Text copyable={{ text: v }} style={{ fontFamily: 'monospace', fontSize: 12 }}>{v}</Typography.Text> },
    { title: t('audit.changes'), key: 'changes', width: 100, render: (_, e) => t('audit.changeCount', { count: e.changes?.length ?? 0 }) },
    { title: t('audit.requestId'), dataIndex: 'request_id', key: 'request_id', width: 160, ellipsis: true, render: (v?: string | null) => <span style={{ fontFamily: 'monospace', fontSize: 12 }}>{v}</span> },
  ];

  return (
    <div>
      <PageHeader title={t('nav.audit')} />
      <Form form={form} layout={mobile ? 'vertical' : 'inline'} initialValues={initial} onFinish={(f) => setQuery(auditQuery(f))} className="rudder-filters-form">
        <Form.Item name="actor" label={t('audit.actor')}>
          <UserSelect data-testid="audit-actor" style={{ minWidth: 160 }} />
        </Form.Item>
        <Form.Item name="object_type" label={t('audit.objectType')}>
          <Select
            allowClear
            data-testid="audit-object-type"
            placeholder={t('common.all')}
            style={{ minWidth: 130 }}
            options={OBJECT_TYPES.map((o) => ({ value: o, label: objectTypeLabel(td, o), title: objectTypeLabel(td, o) }))}
          />
        </Form.Item>
        <Form.Item name="object_id" label={t('audit.objectId')}>
          <Input allowClear data-testid="audit-object-id" style={{ minWidth: 160 }} />
        </Form.Item>
        <Form.Item name="range" label={t('audit.range')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} data-testid="audit-range" style={{ width: mobile ? '100%' : undefined }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search" block={mobile}>
            {t('action.search')}
          </Button>
        </Form.Item>
      </Form>
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: 960 }}
        onRow={(e) => rowProps(e.id)}
        expandable={{
          expandedRowRender: (e) => <ChangeList changes={e.changes} />,
          rowExpandable: (e) => (e.changes?.length ?? 0) > 0,
        }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </div>
  );
}
