// Leads (线索): search and filters, column sorts mapped to the API's keyset sorts, "load more",
// and a drawer per lead (details and history) that also creates new ones.
import { useEffect, useMemo, useState } from 'react';
import { Button, DatePicker, Input, Select, Table, Tag, type TableProps } from 'antd';
import { FilterOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { ExportButton } from '../components/ExportButton';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { UserSelect } from '../components/UserSelect';
import { useCursorList } from '../components/useCursorList';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { leadStatusLabel } from '../components/labels';
import { DEFAULT_LEAD_SORT, LEAD_STATUSES, dayRangeQuery, lastFollowUpQuery, sortFromTable, sortOrderOf, type LeadSort } from '../leads';
import { LeadDrawer, LeadStatusTag } from './LeadDrawer';
import { LeadBulkBar } from './LeadBulkBar';
import { SuggestInput, splitList } from '../components/SuggestInput';
import { RegionSelect } from '../components/RegionSelect';
import type { Pool } from '../pools';
import type { Lead, Page } from '../types';

/** A value that follows `value` once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/** The tenant's enabled lead pools the caller may list, for the pool filter (none: no filter). */
function useLeadPools(): Pool[] {
  const [pools, setPools] = useState<Pool[]>([]);
  useEffect(() => {
    api
      .get<Page<Pool>>('/pools', { limit: 200 })
      .then((p) => setPools((p.items ?? []).filter((x) => (x.kind ?? 'lead') === 'lead')))
      .catch(() => setPools([]));
  }, []);
  return pools;
}

export default function LeadsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const canWrite = can('lead.write');
  const canAssign = can('lead.assign');
  const mobile = useIsMobile();
  const onError = useApiError();

  const [q, setQ] = useState('');
  const [qInput, setQInput] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [source, setSource] = useState('');
  const [region, setRegion] = useState('');
  const [industry, setIndustry] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [created, setCreated] = useState<[Dayjs | null, Dayjs | null]>([null, null]);
  const [lastFollowUp, setLastFollowUp] = useState<[Dayjs | null, Dayjs | null]>([null, null]);
  const [poolId, setPoolId] = useState<string | undefined>();
  const pools = useLeadPools();
  const [sort, setSort] = useState<LeadSort>(DEFAULT_LEAD_SORT);
  const [moreFilters, setMoreFilters] = useState(false);
  const typed = useDebounced({ source: source.trim(), region: region.trim(), industry: industry.trim() }, 400);

  const params = {
    q,
    status,
    source: typed.source,
    region: typed.region,
    industry: typed.industry,
    owner_id: ownerId,
    pool_id: poolId,
    ...dayRangeQuery(created[0], created[1]),
    ...lastFollowUpQuery(lastFollowUp[0], lastFollowUp[1]),
    sort,
  };
  const list = useCursorList<Lead>('/leads', params, onError);
  const [selected, setSelected] = useState<string[]>([]);
  const filtered = !!(q || status || typed.source || typed.region || typed.industry || ownerId || poolId || created[0] || created[1] || lastFollowUp[0] || lastFollowUp[1]);

  // The drawer's open state is kept apart from the lead it shows, so the
  // closing animation keeps showing that lead instead of the create form.
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [current, setCurrent] = useState<Lead | null>(null); // null = create
  const openDrawer = (l: Lead | null) => {
    setCurrent(l);
    setDrawerOpen(true);
  };

  const afterSave = (l: Lead, created: boolean) => {
    if (created) list.reload();
    else list.replace(l);
    setDrawerOpen(false);
  };

  const reloadOne = async (id: string) => {
    try {
      const fresh = await api.get<Lead>(`/leads/${id}`);
      list.replace(fresh);
      setCurrent((c) => (c && c.id === id ? fresh : c));
    } catch (e) {
      onError(e);
    }
  };

  const sources = useMemo(() => splitList(t('lead.sourceOptions')), [t]);
  const industries = useMemo(() => splitList(t('lead.industryOptions')), [t]);

  const columns: TableProps<Lead>['columns'] = [
    {
      title: t('lead.contactName'),
      dataIndex: 'contact_name',
      key: 'contact_name',
      width: mobile ? 170 : 120,
      fixed: mobile ? undefined : 'left',
      render: (v: string, l) =>
        mobile ? (
          // Phones: who, where and how far in the first column, the rest a swipe away.
          <div>
            <div style={{ fontWeight: 500 }}>
              {v} <LeadStatusTag status={l.status} />
            </div>
            {l.company ? <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{l.company}</div> : null}
          </div>
        ) : (
          <span style={{ fontWeight: 500 }}>{v}</span>
        ),
    },
    ...(mobile
      ? []
      : [
          { title: t('lead.company'), dataIndex: 'company', key: 'company', width: 200, ellipsis: true },
          { title: t('lead.phone'), dataIndex: 'phone', key: 'phone', width: 140 },
          { title: t('lead.status'), dataIndex: 'status', key: 'status', width: 90, render: (s: string) => <LeadStatusTag status={s} /> },
        ]),
    ...(mobile ? [{ title: t('lead.phone'), dataIndex: 'phone', key: 'phone', width: 130 }] : []),
    {
      title: t('lead.owner'),
      key: 'owner',
      width: 100,
      render: (_, l) => (l.owner_id ? l.owner_name : <Tag>{t('lead.noOwner')}</Tag>),
    },
    { title: t('lead.source'), dataIndex: 'source', key: 'source', width: 100, ellipsis: true },
    { title: t('lead.region'), dataIndex: 'region', key: 'region', width: 100, ellipsis: true },
    {
      title: t('lead.lastFollowUp'),
      dataIndex: 'last_follow_up_at',
      key: 'last_follow_up_at',
      width: 150,
      sorter: true,
      sortOrder: sortOrderOf(sort, 'last_follow_up_at'),
      render: (v?: string | null) => formatDateTime(v) || '—',
    },
    { title: t('lead.score'), dataIndex: 'score', key: 'score', width: 80, align: 'right', sorter: true, sortOrder: sortOrderOf(sort, 'score') },
    {
      title: t('common.createdAt'),
      dataIndex: 'created_at',
      key: 'created_at',
      width: 150,
      sorter: true,
      sortOrder: sortOrderOf(sort, 'created_at'),
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      fixed: mobile ? undefined : 'right',
      render: (_, l) => (
        <Button
          type="link"
          size="small"
          data-testid={`edit-${l.id}`}
          onClick={(e) => {
            e.stopPropagation();
            openDrawer(l);
          }}
        >
          {canWrite ? t('action.edit') : t('action.view')}
        </Button>
      ),
    },
  ];

  const onTableChange: TableProps<Lead>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    setSort(sortFromTable(s?.columnKey, s?.order));
  };

  const clearFilters = () => {
    setQ('');
    setQInput('');
    setStatus(undefined);
    setSource('');
    setRegion('');
    setIndustry('');
    setOwnerId(null);
    setCreated([null, null]);
    setLastFollowUp([null, null]);
    setPoolId(undefined);
  };

  const showMore = !mobile || moreFilters;

  return (
    <div>
      <PageHeader
        title={t('nav.leads')}
        extra={
          <>
            {can('lead.export') && <ExportButton path="/leads/export" filters={params} testId="export-leads" />}
            {canWrite && (
              <>
                <Link to="/leads/import">
                  <Button icon={<UploadOutlined />} data-testid="import-leads">
                    {t('import.button')}
                  </Button>
                </Link>
                <Link to="/leads/duplicates">
                  <Button data-testid="open-duplicates">{t('dup.open')}</Button>
                </Link>
                <Button type="primary" icon={<PlusOutlined />} onClick={() => openDrawer(null)} data-testid="create-lead">
                  {t('lead.create')}
                </Button>
              </>
            )}
          </>
        }
      />
      <div className="rudder-filters" data-testid="leads-filters">
        <Input.Search
          allowClear
          placeholder={t('lead.searchPlaceholder')}
          value={qInput}
          onChange={(e) => setQInput(e.target.value)}
          onSearch={(v) => setQ(v.trim())}
          data-testid="leads-search"
          className="rudder-filter-wide"
        />
        <Select
          allowClear
          value={status}
          onChange={setStatus}
          placeholder={t('lead.filterStatus')}
          options={LEAD_STATUSES.map((s) => ({ value: s, label: leadStatusLabel(t, s) }))}
          data-testid="leads-filter-status"
        />
        {showMore ? (
          <>
            <SuggestInput allowClear value={source} onChange={(e) => setSource(e.target.value)} suggestions={sources} placeholder={t('lead.filterSource')} data-testid="leads-filter-source" maxLength={40} />
            <RegionSelect value={region} onChange={setRegion} placeholder={t('lead.filterRegion')} data-testid="leads-filter-region" />
            {mobile ? (
              // Two single pickers: a range picker's two months do not fit a phone.
              <div style={{ display: 'flex', gap: 8 }}>
                <DatePicker value={created[0]} onChange={(d) => setCreated([d, created[1]])} placeholder={t('lead.filterCreated')} style={{ flex: 1 }} data-testid="leads-filter-created-from" />
                <DatePicker value={created[1]} onChange={(d) => setCreated([created[0], d])} placeholder="—" style={{ flex: 1 }} data-testid="leads-filter-created-to" />
              </div>
            ) : (
              <DatePicker.RangePicker
                value={created}
                onChange={(v) => setCreated([v?.[0] ?? null, v?.[1] ?? null])}
                allowEmpty={[true, true]}
                placeholder={[t('lead.filterCreated'), '—']}
                data-testid="leads-filter-created"
              />
            )}
            {mobile ? (
              <div style={{ display: 'flex', gap: 8 }}>
                <DatePicker value={lastFollowUp[0]} onChange={(d) => setLastFollowUp([d, lastFollowUp[1]])} placeholder={t('lead.filterLastFollowUp')} style={{ flex: 1 }} data-testid="leads-filter-last-follow-up-from" />
                <DatePicker value={lastFollowUp[1]} onChange={(d) => setLastFollowUp([lastFollowUp[0], d])} placeholder="—" style={{ flex: 1 }} data-testid="leads-filter-last-follow-up-to" />
              </div>
            ) : (
              <DatePicker.RangePicker
                value={lastFollowUp}
                onChange={(v) => setLastFollowUp([v?.[0] ?? null, v?.[1] ?? null])}
                allowEmpty={[true, true]}
                placeholder={[t('lead.filterLastFollowUp'), '—']}
                style={{ gridColumn: 'span 2' }}
                data-testid="leads-filter-last-follow-up"
              />
            )}
            <SuggestInput allowClear value={industry} onChange={(e) => setIndustry(e.target.value)} suggestions={industries} placeholder={t('lead.filterIndustry')} data-testid="leads-filter-industry" maxLength={40} />
            {pools.length > 0 ? (
              <Select
                allowClear
                value={poolId}
                onChange={setPoolId}
                placeholder={t('lead.filterPool')}
                options={pools.map((p) => ({ value: p.id, label: p.name }))}
                data-testid="leads-filter-pool"
              />
            ) : null}
            {canAssign ? <UserSelect value={ownerId} onChange={setOwnerId} placeholder={t('lead.filterOwner')} data-testid="leads-filter-owner" /> : null}
          </>
        ) : null}
        {mobile || filtered ? (
          <div style={{ display: 'flex', gap: 8 }}>
            {mobile ? (
              <Button icon={<FilterOutlined />} onClick={() => setMoreFilters(!moreFilters)} data-testid="leads-more-filters">
                {moreFilters ? t('lead.fewerFilters') : t('lead.moreFilters')}
              </Button>
            ) : null}
            {filtered ? (
              <Button type="link" onClick={clearFilters} data-testid="leads-clear-filters">
                {t('lead.clearFilters')}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      <LeadBulkBar ids={selected} filter={filtered ? params : undefined} onClear={() => setSelected([])} onDone={() => { setSelected([]); list.reload(); }} />
      <Table<Lead>
        rowKey="id"
        rowSelection={canWrite ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), columnWidth: 40 } : undefined}
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: mobile ? 1100 : 1310 }}
        onRow={(l) => ({ ...rowProps(l.id), onClick: () => openDrawer(l), style: { cursor: 'pointer' } })}
        onChange={onTableChange}
        showSorterTooltip={false}
        locale={filtered ? undefined : { emptyText: t('lead.empty') }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
      <LeadDrawer
        open={drawerOpen}
        lead={current}
        onClose={() => setDrawerOpen(false)}
        onSaved={afterSave}
        onStale={() => current && void reloadOne(current.id)}
      />
    </div>
  );
}
