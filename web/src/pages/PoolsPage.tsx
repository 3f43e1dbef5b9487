// Public pools (公海): pick a pool, see its leads (no contact details until claimed) and claim one.
// Managers (pool.manage) also create, edit and delete pools here, and switch customer pools on or off.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Empty, Popconfirm, Select, Space, Switch, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { useCursorList } from '../components/useCursorList';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { isCustomerPool, isMember, pickPool, type CustomerPoolSettings, type Pool, type PoolLead } from '../pools';
import type { Page } from '../types';
import { LeadStatusTag } from './LeadDrawer';
import { PoolFormDrawer } from './PoolAdmin';
import { CustomerPoolTable } from './CustomerPoolTable';
import { usePoolClaim } from '../components/usePoolClaim';

/** Rule tags wrap inside a phone's width instead of running off it. */
const WRAP: React.CSSProperties = { whiteSpace: 'normal', maxWidth: '100%' };

export default function PoolsPage() {
  const { t } = useI18n();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const canManage = can('pool.manage');
  const canClaim = can('lead.write');
  const [params, setParams] = useSearchParams();
  const [pools, setPools] = useState<Pool[] | null>(null);
  const [editing, setEditing] = useState<Pool | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  // The tenant setting customer_pools_enabled (off by default); null while loading.
  const [cpOn, setCpOn] = useState<boolean | null>(null);
  const [cpSaving, setCpSaving] = useState(false);

  const loadPools = useCallback(async () => {
    try {
      const page = await api.get<Page<Pool>>('/pools', { limit: 500 });
      setPools(page.items ?? []);
    } catch (e) {
      onError(e);
      setPools([]);
    }
  }, [onError]);
  useEffect(() => {
    void loadPools();
  }, [loadPools]);
  useEffect(() => {
    api.get<CustomerPoolSettings>('/settings/customer-pools').then(
      (s) => setCpOn(s.enabled),
      () => setCpOn(false),
    );
  }, []);

  const switchCustomerPools = async (enabled: boolean) => {
    setCpSaving(true);
    try {
      const s = await api.patch<CustomerPoolSettings>('/settings/customer-pools', { enabled });
      setCpOn(s.enabled);
      message.success(t(s.enabled ? 'pool.customerPoolsOn' : 'pool.customerPoolsOff'));
    } catch (e) {
      onError(e);
    } finally {
      setCpSaving(false);
    }
  };

  const pool = useMemo(() => (pools ? pickPool(pools, params.get('pool'), me?.user.id) : undefined), [pools, params, me]);
  const choose = (id: string) => setParams({ pool: id }, { replace: true });
  const customers = isCustomerPool(pool);
  const list = useCursorList<PoolLead>(pool && !customers ? `/pools/${pool.id}/leads` : null, {}, onError);
  const member = !!pool && isMember(pool, me?.user.id);
  const mayClaimHere = customers ? can('customer.write') : canClaim;

  const { claiming, claim: claimOne } = usePoolClaim('leads', list.reload);
  const claim = (l: PoolLead) => claimOne(l.id, t('pool.claimed', { name: l.contact_name }));

  const openForm = (p: Pool | null) => {
    setEditing(p);
    setFormOpen(true);
  };

  const afterSave = (p: Pool) => {
    setFormOpen(false);
    void loadPools().then(() => choose(p.id));
  };

  const remove = async (p: Pool) => {
    try {
      await api.del(`/pools/${p.id}`, { version: p.version });
      message.success(t('msg.deleted'));
      setParams({}, { replace: true });
      void loadPools();
    } catch (e) {
      onError(e, undefined, () => void loadPools());
    }
  };

  const claimButton = (l: PoolLead) =>
    canClaim ? (
      <Button type="primary" size="small" ghost disabled={!member || !pool?.enabled} loading={claiming === l.id} onClick={() => void claim(l)} data-testid={`claim-${l.id}`}>
        {t('pool.claim')}
      </Button>
    ) : null;

  const columns: TableProps<PoolLead>['columns'] = [
    {
      title: t('lead.contactName'),
      dataIndex: 'contact_name',
      key: 'contact_name',
      width: mobile ? 160 : 120,
      render: (v: string, l) => (
        <div>
          <span style={{ fontWeight: 500 }}>{v}</span>
          {mobile && l.company ? <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{l.company}</div> : null}
          {/* Phones: the claim button where the thumb is, not a swipe away. */}
          {mobile ? <div style={{ marginTop: 4 }}>{claimButton(l)}</div> : null}
        </div>
      ),
    },
    ...(mobile ? [] : [{ title: t('lead.company'), dataIndex: 'company', key: 'company', width: 200, ellipsis: true }]),
    { title: t('lead.region'), dataIndex: 'region', key: 'region', width: 100, ellipsis: true },
    { title: t('lead.industry'), dataIndex: 'industry', key: 'industry', width: 100, ellipsis: true },
    { title: t('lead.source'), dataIndex: 'source', key: 'source', width: 100, ellipsis: true },
    { title: t('lead.status'), dataIndex: 'status', key: 'status', width: 90, render: (s: string) => <LeadStatusTag status={s} /> },
    { title: t('pool.pooledAt'), dataIndex: 'pooled_at', key: 'pooled_at', width: 150, render: (v?: string | null) => formatDateTime(v) || '—' },
    ...(mobile ? [] : [{ title: t('common.actions'), key: 'actions', width: 90, fixed: 'right' as const, render: (_: unknown, l: PoolLead) => claimButton(l) }]),
  ];

  const days = (n: number) => (n > 0 ? t('pool.days', { n }) : t('pool.off'));
  const rules = pool ? (
    <Space size={[8, 8]} wrap style={{ marginBottom: 12 }} data-testid="pool-rules">
      <Tag color={customers ? 'purple' : undefined} data-testid="pool-kind-tag">
        {t(customers ? 'pool.kind.customer' : 'pool.kind.lead')}
      </Tag>
      <Tag>{pool.department_name}</Tag>
      {!pool.enabled ? <Tag color="red">{t('pool.disabled')}</Tag> : null}
      <Tag color="blue" style={WRAP} data-testid="pool-claim-limit-tag">
        {pool.claim_limit > 0
          ? t(customers ? 'pool.claimLimitCustomersValue' : 'pool.claimLimitValue', { n: pool.claim_limit })
          : `${t('pool.claimLimit')}: ${t('pool.noLimit')}`}
      </Tag>
      <Tag style={WRAP}>
        {t('pool.cooldownDays')}: {days(pool.reclaim_cooldown_days)}
      </Tag>
      <Tag style={WRAP}>
        {t('pool.noFollowUpDays')}: {days(pool.return_after_days_no_follow_up)}
      </Tag>
      <Tag style={WRAP}>
        {t('pool.noConversionDays')}: {days(pool.return_after_days_no_conversion)}
      </Tag>
      <Tag>{t('pool.memberCount', { n: pool.member_ids?.length ?? 0 })}</Tag>
    </Space>
  ) : null;

  const admin = canManage ? (
    <>
      <Tooltip title={t('pool.customerPoolsHint')}>
        <Space size={6}>
          <Switch checked={!!cpOn} loading={cpOn === null || cpSaving} onChange={(v) => void switchCustomerPools(v)} data-testid="customer-pools-switch" />
          {mobile ? null : <span>{t('pool.customerPools')}</span>}
        </Space>
      </Tooltip>
      {pool ? (
        <>
          <Button icon={<EditOutlined />} onClick={() => openForm(pool)} data-testid="pool-edit">
            {mobile ? null : t('action.edit')}
          </Button>
          <Popconfirm title={t('pool.deleteConfirm', { name: pool.name })} onConfirm={() => void remove(pool)} okButtonProps={{ danger: true }}>
            <Button icon={<DeleteOutlined />} danger data-testid="pool-delete">
              {mobile ? null : t('action.delete')}
            </Button>
          </Popconfirm>
        </>
      ) : null}
      <Button type="primary" icon={<PlusOutlined />} onClick={() => openForm(null)} data-testid="pool-create">
        {t('pool.create')}
      </Button>
    </>
  ) : null;

  return (
    <div>
      <PageHeader title={t('nav.pools')} extra={admin} />
      {pools && pools.length === 0 ? (
        <Empty description={t('pool.none')} data-testid="pools-empty" />
      ) : (
        <>
          <div className="rudder-filters">
            <Select
              value={pool?.id}
              onChange={choose}
              loading={!pools}
              placeholder={t('pool.choose')}
              data-testid="pool-select"
              className="rudder-filter-wide"
              options={(pools ?? []).map((p) => {
                const name = isCustomerPool(p) ? `[${t('pool.kind.customer')}] ${p.name}` : p.name;
                return { value: p.id, label: p.enabled ? name : `${name}（${t('pool.disabled')}）` };
              })}
            />
          </div>
          {rules}
          {pool && !member && mayClaimHere ? <Alert type="info" showIcon message={t('pool.notMember')} style={{ marginBottom: 12 }} data-testid="pool-not-member" /> : null}
          {customers ? (
            pool ? <CustomerPoolTable pool={pool} member={member} settingOn={!!cpOn} /> : null
          ) : (
            <>
              <Table<PoolLead>
                rowKey="id"
                size="middle"
                columns={columns}
                dataSource={list.items}
                loading={list.loading && list.items.length === 0}
                pagination={false}
                scroll={{ x: mobile ? 720 : 1000 }}
                onRow={(l) => rowProps(l.id)}
                locale={{ emptyText: <Typography.Text type="secondary">{t('pool.empty')}</Typography.Text> }}
                data-testid="pool-leads"
              />
              <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
            </>
          )}
        </>
      )}
      <PoolFormDrawer open={formOpen} pool={editing} customerPoolsOn={!!cpOn} onClose={() => setFormOpen(false)} onSaved={afterSave} onStale={() => void loadPools()} />
    </div>
  );
}
