// Duplicate leads (查重合并): clusters of open leads that share a phone, email or company, newest
// first. In each cluster one lead is picked to survive and the others ticked to merge into it; the
// merge keeps every history (the merged leads stay readable, linked from the survivor's history).
import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, Empty, Popconfirm, Radio, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { MergeCellsOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { useCursorList } from '../components/useCursorList';
import { LeadStatusTag } from './LeadDrawer';
import type { Lead } from '../types';

export interface ClusterLead {
  id: string;
  contact_name: string;
  company: string;
  phone: string;
  email: string;
  status: string;
  owner_id?: string | null;
  owner_name: string;
  created_at: string;
  version: number;
}

export interface DuplicateCluster {
  id: string;
  leads: ClusterLead[];
  matches: { on: 'phone' | 'email' | 'company'; key: string; lead_ids: string[] }[];
}

export default function DuplicatesPage() {
  const { t } = useI18n();
  const onError = useApiError();
  const list = useCursorList<DuplicateCluster>('/leads/duplicate-clusters', {}, onError, 20);
  return (
    <div>
      <PageHeader
        title={t('dup.title')}
        subtitle={t('dup.subtitle')}
        extra={
          <Link to="/leads">
            <Button>{t('dup.backToLeads')}</Button>
          </Link>
        }
      />
      {list.items.length === 0 && !list.loading ? (
        <Empty description={t('dup.empty')} />
      ) : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {list.items.map((c) => (
            <ClusterCard key={c.id} cluster={c} onMerged={list.reload} />
          ))}
        </Space>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </div>
  );
}

function ClusterCard({ cluster, onMerged }: { cluster: DuplicateCluster; onMerged: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  // The oldest lead survives by default: it has the longest history.
  const oldest = cluster.leads[cluster.leads.length - 1]?.id ?? '';
  const [survivor, setSurvivor] = useState(oldest);
  const [merging, setMerging] = useState(false);
  const [picked, setPicked] = useState<string[]>(cluster.leads.map((l) => l.id));
  useEffect(() => {
    setSurvivor(oldest);
    setPicked(cluster.leads.map((l) => l.id));
  }, [cluster, oldest]);
  const from = picked.filter((id) => id !== survivor);
  const target = cluster.leads.find((l) => l.id === survivor);

  const merge = async () => {
    if (!target || from.length === 0) return;
    setMerging(true);
    try {
      await api.post<Lead>(`/leads/${target.id}/merge`, { from_ids: from }, { version: target.version });
      message.success(t('dup.merged', { count: from.length, name: target.contact_name }));
      onMerged();
    } catch (e) {
      onError(e, undefined, onMerged);
    } finally {
      setMerging(false);
    }
  };

  const columns: TableProps<ClusterLead>['columns'] = [
    {
      title: t('dup.survivor'),
      key: 'survivor',
      width: 64,
      render: (_, l) => (
        <Radio checked={l.id === survivor} onChange={() => setSurvivor(l.id)} data-testid={`survivor-${l.id}`} />
      ),
    },
    {
      title: t('dup.include'),
      key: 'include',
      width: 64,
      render: (_, l) => (
        <Checkbox
          checked={l.id === survivor || picked.includes(l.id)}
          disabled={l.id === survivor}
          onChange={(e) => setPicked((p) => (e.target.checked ? [...p, l.id] : p.filter((x) => x !== l.id)))}
        />
      ),
    },
    { title: t('lead.contactName'), dataIndex: 'contact_name' },
    { title: t('lead.company'), dataIndex: 'company', responsive: ['md'] },
    { title: t('lead.phone'), dataIndex: 'phone' },
    { title: t('lead.email'), dataIndex: 'email', responsive: ['lg'] },
    { title: t('lead.owner'), dataIndex: 'owner_name', responsive: ['md'] },
    { title: t('lead.status'), dataIndex: 'status', render: (s: string) => <LeadStatusTag status={s} /> },
    { title: t('dup.createdAt'), dataIndex: 'created_at', responsive: ['lg'], render: (v: string) => formatDateTime(v) },
  ];

  return (
    <Card
      size="small"
      data-testid={`cluster-${cluster.id}`}
      title={
        <Space wrap size={4}>
          {cluster.matches.map((m) => (
            <Tag key={m.on + m.key} color="orange">
              {t(`dup.on.${m.on}`)}: {m.key} ×{m.lead_ids.length}
            </Tag>
          ))}
        </Space>
      }
      extra={
        can('lead.write') ? (
          <Popconfirm
            title={t('dup.mergeConfirm', { count: from.length, name: target?.contact_name ?? '' })}
            onConfirm={merge}
            disabled={from.length === 0}
          >
            <Button type="primary" icon={<MergeCellsOutlined />} loading={merging} disabled={from.length === 0} data-testid="merge">
              {t('dup.merge')}
            </Button>
          </Popconfirm>
        ) : null
      }
    >
      <Table<ClusterLead> rowKey="id" size="small" pagination={false} columns={columns} dataSource={cluster.leads} scroll={{ x: true }} />
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
        {t('dup.keepsHistory')}
      </Typography.Text>
    </Card>
  );
}
