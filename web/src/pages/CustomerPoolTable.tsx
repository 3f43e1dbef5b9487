// The customers of a customer pool (客户公海): no phone, email or address until claimed; members claim here.
import { Alert, Button, Table, Tag, Typography, type TableProps } from 'antd';
import { StarFilled } from '@ant-design/icons';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { LoadMore } from '../components/LoadMore';
import { useCursorList } from '../components/useCursorList';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { type Pool, type PoolCustomer } from '../pools';
import { usePoolClaim } from '../components/usePoolClaim';

interface Props {
  pool: Pool;
  /** Whether the caller is a member of the pool (may claim). */
  member: boolean;
  /** The tenant setting customer_pools_enabled. */
  settingOn: boolean;
}

export function CustomerPoolTable({ pool, member, settingOn }: Props) {
  const { t } = useI18n();
  const { can } = useAuth();
  const onError = useApiError();
  const mobile = useIsMobile();
  const canClaim = can('customer.write');
  const list = useCursorList<PoolCustomer>(`/pools/${pool.id}/customers`, {}, onError);

  const { claiming, claim: claimOne } = usePoolClaim('customers', list.reload);
  const claim = (c: PoolCustomer) => claimOne(c.id, t('pool.claimedCustomer', { name: c.name }));

  const claimButton = (c: PoolCustomer) =>
    canClaim ? (
      <Button
        type="primary"
        size="small"
        ghost
        disabled={!member || !pool.enabled || !settingOn}
        loading={claiming === c.id}
        onClick={() => void claim(c)}
        data-testid={`claim-customer-${c.id}`}
      >
        {t('pool.claim')}
      </Button>
    ) : null;

  const columns: TableProps<PoolCustomer>['columns'] = [
    {
      title: t('customer.name'),
      dataIndex: 'name',
      key: 'name',
      width: mobile ? 180 : 220,
      render: (v: string, c) => (
        <div>
          <span style={{ fontWeight: 500 }}>{v}</span>
          {c.key_customer ? <StarFilled style={{ color: '#faad14', marginLeft: 6 }} aria-label={t('customer.keyCustomer')} /> : null}
          {mobile ? <div style={{ marginTop: 4 }}>{claimButton(c)}</div> : null}
        </div>
      ),
    },
    { title: t('customer.grade'), dataIndex: 'grade', key: 'grade', width: 70, render: (g?: string | null) => (g ? <Tag>{g}</Tag> : '—') },
    { title: t('customer.region'), dataIndex: 'region', key: 'region', width: 100, ellipsis: true },
    { title: t('customer.industry'), dataIndex: 'industry', key: 'industry', width: 100, ellipsis: true },
    { title: t('customer.lastActivity'), dataIndex: 'last_activity_at', key: 'last_activity_at', width: 150, render: (v?: string | null) => formatDateTime(v) || '—' },
    { title: t('pool.pooledAt'), dataIndex: 'pooled_at', key: 'pooled_at', width: 150, render: (v?: string | null) => formatDateTime(v) || '—' },
    ...(mobile ? [] : [{ title: t('common.actions'), key: 'actions', width: 90, fixed: 'right' as const, render: (_: unknown, c: PoolCustomer) => claimButton(c) }]),
  ];

  return (
    <>
      {!settingOn ? <Alert type="warning" showIcon message={t('pool.customerPoolsOffAlert')} style={{ marginBottom: 12 }} data-testid="customer-pools-off" /> : null}
      <Table<PoolCustomer>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: mobile ? 720 : 900 }}
        onRow={(c) => rowProps(c.id)}
        locale={{ emptyText: <Typography.Text type="secondary">{t('pool.emptyCustomers')}</Typography.Text> }}
        data-testid="pool-customers"
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </>
  );
}
