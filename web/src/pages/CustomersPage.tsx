// Customers (客户): search and filters, sort by name or creation, "load more", a row opens the
// customer's 360° page; and the create drawer, which shows the possible duplicates (customers
// and leads) a create is refused over and can create anyway.
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { App, Button, Form, Input, Select, Space, Table, Tag, type TableProps } from 'antd';
import { FilterOutlined, PlusOutlined, StarFilled } from '@ant-design/icons';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { ExportButton } from '../components/ExportButton';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { UserSelect } from '../components/UserSelect';
import { FormDrawer } from '../components/FormDrawer';
import { SuggestInput, splitList } from '../components/SuggestInput';
import { RegionSelect } from '../components/RegionSelect';
import { CustomerDuplicates, CustomerFields } from '../components/CustomerFields';
import { useCursorList } from '../components/useCursorList';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { duplicatesOf } from '../leads';
import { DEFAULT_CURRENCY } from '../money';
import {
  DEFAULT_CUSTOMER_SORT,
  GRADES,
  createCustomerBody,
  customerListQuery,
  customerSortFromTable,
  gradeColor,
  type CustomerFormValues,
  type CustomerRecord,
  type CustomerSort,
} from '../customers';
import type { LeadMatch } from '../types';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

export function GradeTag({ grade }: { grade?: string | null }) {
  return grade ? (
    <Tag color={gradeColor(grade)} data-grade={grade}>
      {grade}
    </Tag>
  ) : (
    <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>
  );
}

export default function CustomersPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const onError = useApiError();
  const canWrite = can('customer.write');
  // Owners are picked by those who assign leads (managers); a rep sees only their own anyway.
  const canAssign = can('lead.assign');

  const [qInput, setQInput] = useState('');
  const [q, setQ] = useState('');
  const [industry, setIndustry] = useState('');
  const [region, setRegion] = useState('');
  const [grade, setGrade] = useState<string | null>(null);
  const [key, setKey] = useState<'yes' | 'no' | null>(null);
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [sort, setSort] = useState<CustomerSort>(DEFAULT_CUSTOMER_SORT);
  const [moreFilters, setMoreFilters] = useState(false);
  const [creating, setCreating] = useState(false);
  const typed = useDebounced({ industry, region }, 400);

  const params = customerListQuery({ q, owner_id: ownerId, industry: typed.industry, region: typed.region, grade, key, sort });
  const list = useCursorList<CustomerRecord>('/customers', params, onError);
  const filtered = !!(q || ownerId || typed.industry.trim() || typed.region.trim() || grade || key);

  const open = (c: CustomerRecord) => navigate(`/customers/${c.id}`);
  const order = (col: string) => (sort === col ? 'ascend' : sort === '-' + col ? 'descend' : null);

  const columns: TableProps<CustomerRecord>['columns'] = [
    {
      title: t('customer.name'),
      dataIndex: 'name',
      key: 'name',
      width: mobile ? 180 : 240,
      fixed: mobile ? undefined : 'left',
      sorter: true,
      sortOrder: order('name'),
      render: (v: string, c) => (
        <span style={{ fontWeight: 500 }}>
          {c.key_customer ? <StarFilled style={{ color: '#faad14', marginRight: 4 }} title={t('customer.keyCustomer')} /> : null}
          {v}
        </span>
      ),
    },
    { title: t('customer.grade'), dataIndex: 'grade', key: 'grade', width: 70, render: (g?: string | null) => <GradeTag grade={g} /> },
    { title: t('customer.score'), dataIndex: 'score', key: 'score', width: 70, align: 'right' },
    {
      title: t('customer.owner'),
      key: 'owner',
      width: 100,
      render: (_, c) => (c.owner_id ? c.owner_name : <Tag>{t('customer.noOwner')}</Tag>),
    },
    { title: t('customer.industry'), dataIndex: 'industry', key: 'industry', width: 110, ellipsis: true },
    { title: t('customer.region'), dataIndex: 'region', key: 'region', width: 90, ellipsis: true },
    {
      title: t('customer.lastActivity'),
      dataIndex: 'last_activity_at',
      key: 'last_activity_at',
      width: 150,
      render: (v?: string | null) => formatDateTime(v) || '—',
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'created_at',
      key: 'created_at',
      width: 150,
      sorter: true,
      sortOrder: order('created_at'),
      render: (v: string) => formatDateTime(v),
    },
  ];

  const onTableChange: TableProps<CustomerRecord>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    setSort(customerSortFromTable(s?.columnKey, s?.order));
  };

  const clearFilters = () => {
    setQ('');
    setQInput('');
    setIndustry('');
    setRegion('');
    setGrade(null);
    setKey(null);
    setOwnerId(null);
  };

  const showMore = !mobile || moreFilters;

  return (
    <div>
      <PageHeader
        title={t('nav.customers')}
        extra={
          <Space wrap>
            {can('customer.export') && <ExportButton path="/customers/export" filters={params} testId="export-customers" />}
            {canWrite && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-customer">
                {t('customer.create')}
              </Button>
            )}
          </Space>
        }
      />
      <div className="rudder-filters" data-testid="customers-filters">
        <Input.Search
          allowClear
          placeholder={t('customer.searchPlaceholder')}
          value={qInput}
          onChange={(e) => setQInput(e.target.value)}
          onSearch={(v) => setQ(v.trim())}
          className="rudder-filter-wide"
          data-testid="customers-search"
        />
        <Select
          allowClear
          value={grade ?? undefined}
          onChange={(v) => setGrade(v ?? null)}
          placeholder={t('customer.filterGrade')}
          options={GRADES.map((g) => ({ value: g, label: g }))}
          data-testid="customers-filter-grade"
        />
        {showMore ? (
          <>
            <Select
              allowClear
              value={key ?? undefined}
              onChange={(v) => setKey(v ?? null)}
              placeholder={t('customer.filterKey')}
              options={[
                { value: 'yes', label: t('customer.keyYes') },
                { value: 'no', label: t('customer.keyNo') },
              ]}
              data-testid="customers-filter-key"
            />
            <SuggestInput allowClear value={industry} onChange={(e) => setIndustry(e.target.value)} suggestions={splitList(t('lead.industryOptions'))} placeholder={t('customer.industry')} maxLength={40} data-testid="customers-filter-industry" />
            <RegionSelect value={region} onChange={setRegion} placeholder={t('customer.region')} data-testid="customers-filter-region" />
            {canAssign ? <UserSelect value={ownerId} onChange={setOwnerId} placeholder={t('customer.filterOwner')} data-testid="customers-filter-owner" /> : null}
          </>
        ) : null}
        {mobile || filtered ? (
          <div style={{ display: 'flex', gap: 8 }}>
            {mobile ? (
              <Button icon={<FilterOutlined />} onClick={() => setMoreFilters(!moreFilters)} data-testid="customers-more-filters">
                {moreFilters ? t('lead.fewerFilters') : t('lead.moreFilters')}
              </Button>
            ) : null}
            {filtered ? (
              <Button type="link" onClick={clearFilters} data-testid="customers-clear-filters">
                {t('lead.clearFilters')}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      <Table<CustomerRecord>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: 980 }}
        onRow={(c) => ({ ...rowProps(c.id), onClick: () => open(c), style: { cursor: 'pointer' } })}
        onChange={onTableChange}
        showSorterTooltip={false}
        locale={filtered ? undefined : { emptyText: t('customer.empty') }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
      <CustomerCreateDrawer open={creating} ownerPicker={canAssign} onClose={() => setCreating(false)} onCreated={(c) => navigate(`/customers/${c.id}`)} />
    </div>
  );
}

function CustomerCreateDrawer({ open, ownerPicker, onClose, onCreated }: { open: boolean; ownerPicker: boolean; onClose: () => void; onCreated: (c: CustomerRecord) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<CustomerFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [matches, setMatches] = useState<LeadMatch[]>([]);

  useEffect(() => {
    if (open) {
      form.resetFields();
      setMatches([]);
    }
  }, [open, form]);

  const submit = async (allowDuplicate: boolean) => {
    let values: CustomerFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    try {
      const c = await api.post<CustomerRecord>('/customers', createCustomerBody(values, allowDuplicate));
      message.success(t('msg.created'));
      onCreated(c);
    } catch (e) {
      const dup = duplicatesOf(e);
      if (dup) setMatches(dup);
      else onError(e, form);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <FormDrawer open={open} title={t('customer.create')} onClose={onClose} onSubmit={() => void submit(false)} submitting={submitting} width={640} testid="customer-drawer">
      {matches.length ? <CustomerDuplicates matches={matches} submitting={submitting} onCreateAnyway={() => void submit(true)} /> : null}
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false} initialValues={{ revenue_currency: DEFAULT_CURRENCY, key_mode: 'auto' }} onValuesChange={(ch) => ('name' in ch || 'phone' in ch || 'email' in ch) && setMatches([])}>
        <CustomerFields ownerPicker={ownerPicker} />
      </Form>
    </FormDrawer>
  );
}
