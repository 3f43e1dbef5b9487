// A customer's 360° page (客户 360°): the header (name, grade and score, key customer, owner,
// region, industry, size) and tabs — the profile (edited at its version), the contacts with
// decision role and attitude, the timeline of every activity on the customer, its contacts, its
// opportunities and the leads it was converted from (with logging a follow-up inline), the opportunities, attachments and the
// change history. The open tab is kept in the address (?tab=) so it can be linked to.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { App, Button, Descriptions, Form, Popconfirm, Result, Space, Spin, Table, Tabs, Tag, Typography, type ButtonProps, type TableProps } from 'antd';
import { ArrowLeftOutlined, DeleteOutlined, PlusOutlined, ProjectOutlined, StarFilled } from '@ant-design/icons';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { DEFAULT_CURRENCY, formatMoney, formatMoneyList, sumByCurrency } from '../money';
import { PageHeader } from '../components/PageHeader';
import { HistoryList } from '../components/HistoryList';
import { PoolEvents } from '../components/PoolEvents';
import { LoadMore } from '../components/LoadMore';
import { Attachments } from '../components/Attachments';
import { ActivityTimeline } from '../components/ActivityTimeline';
import { CustomerFields } from '../components/CustomerFields';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import { GradeTag } from './CustomersPage';
import { ContactDrawer } from './ContactDrawer';
import { OpportunityDetail } from './OpportunityDetail';
import { ReturnCustomerButton } from './CustomerPoolActions';
import { attitudeColor, changedCustomerFields, deleteBlock, keyModeOf, revenueText, sortContacts, type Contact, type CustomerFormValues, type CustomerRecord } from '../customers';
import type { Subject } from '../activities';
import type { Opportunity, Page } from '../types';

const TABS = ['profile', 'contacts', 'timeline', 'opportunities', 'attachments', 'history'] as const;
type TabKey = (typeof TABS)[number];

/** How many contacts and opportunities the page loads at a time (the timeline has them all, from the API). */
const RELATED_LIMIT = 100;

export default function CustomerPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const onError = useApiError();
  const [customer, setCustomer] = useState<CustomerRecord | null>(null);
  const [missing, setMissing] = useState(false);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [opps, setOpps] = useState<Opportunity[] | null>(null);
  // Where the next page of contacts / opportunities starts (null: all loaded).
  const [next, setNext] = useState<{ contacts: string | null; opps: string | null }>({ contacts: null, opps: null });
  const [params, setParams] = useSearchParams();
  // Follow-ups logged on an opportunity (its drawer) restart the customer's timeline.
  const [timelineGen, setTimelineGen] = useState(0);
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'profile';

  const loadCustomer = useCallback(async () => {
    try {
      setCustomer(await api.get<CustomerRecord>(`/customers/${id}`));
      setMissing(false);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 422)) setMissing(true);
      else onError(e);
    }
  }, [id, onError]);

  // Without `after` the first page (again); with it, the next page appended.
  const loadContacts = useCallback(async (after?: string) => {
    try {
      const page = await api.get<Page<Contact>>(`/customers/${id}/contacts`, { limit: RELATED_LIMIT, cursor: after });
      setContacts((prev) => (after ? [...(prev ?? []), ...(page.items ?? [])] : (page.items ?? [])));
      setNext((n) => ({ ...n, contacts: page.next_cursor || null }));
    } catch (e) {
      setContacts([]);
      if (!(e instanceof ApiError && e.status === 404)) onError(e);
    }
  }, [id, onError]);

  const loadOpps = useCallback(async (after?: string) => {
    try {
      const page = await api.get<Page<Opportunity>>('/opportunities', { customer_id: id, limit: RELATED_LIMIT, cursor: after });
      setOpps((prev) => (after ? [...(prev ?? []), ...(page.items ?? [])] : (page.items ?? [])));
      setNext((n) => ({ ...n, opps: page.next_cursor || null }));
    } catch (e) {
      // Someone without deal.read still sees the rest of the customer.
      setOpps([]);
      if (!(e instanceof ApiError && (e.status === 403 || e.status === 404))) onError(e);
    }
  }, [id, onError]);

  useEffect(() => {
    setCustomer(null);
    setContacts(null);
    setOpps(null);
    void loadCustomer();
    void loadContacts();
    void loadOpps();
  }, [loadCustomer, loadContacts, loadOpps]);

  // What a follow-up can be logged on (and the labels of the timeline's activities): the
  // customer, then its contacts and opportunities.
  const subjects = useMemo<Subject[] | null>(() => {
    if (!customer || !contacts || !opps) return null;
    return [
      { type: 'customer', id: customer.id, label: t('activity.on.customer', { name: customer.name }) },
      ...contacts.map((c) => ({ type: 'contact' as const, id: c.id, label: t('activity.on.contact', { name: c.name }) })),
      ...opps.map((o) => ({ type: 'opportunity' as const, id: o.id, label: t('activity.on.opportunity', { name: o.name }) })),
    ];
    // Only who the subjects are matters, not their other fields.
  }, [customer?.id, customer?.name, contacts, opps, t]);

  // The lead the customer was made from, so the timeline names its follow-ups (线索：…). One
  // out of the caller's scope stays unnamed, and so do its activities, which the API leaves out.
  const leadId = customer?.lead_id ?? '';
  const [lead, setLead] = useState<Subject[]>([]);
  useEffect(() => {
    setLead([]);
    if (!leadId) return;
    let live = true;
    api
      .get<{ contact_name: string; company: string }>(`/leads/${leadId}`)
      .then((l) => live && setLead([{ type: 'lead', id: leadId, label: t('activity.on.lead', { name: l.contact_name || l.company }) }]))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [leadId, t]);

  if (missing) {
    return (
      <Result
        status="404"
        title={t('customer.notFound')}
        extra={
          <Link to="/customers">
            <Button>{t('customer.back')}</Button>
          </Link>
        }
      />
    );
  }
  if (!customer) return <Spin style={{ display: 'block', margin: '48px auto' }} />;

  const setTab = (k: string) => setParams(k === 'profile' ? {} : { tab: k }, { replace: true });

  return (
    <div data-testid="customer-page">
      <CustomerHeader customer={customer} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'profile', label: <span data-testid="customer-tab-profile">{t('customer.tab.profile')}</span>, children: <ProfileTab customer={customer} onSaved={setCustomer} onStale={loadCustomer} /> },
          {
            key: 'contacts',
            label: <span data-testid="customer-tab-contacts">{t('customer.tab.contacts')}{contacts?.length ? ` (${contacts.length}${next.contacts ? '+' : ''})` : ''}</span>,
            children: <ContactsTab customerId={customer.id} contacts={contacts} reload={() => loadContacts()} loadMore={next.contacts ? () => loadContacts(next.contacts ?? undefined) : null} />,
          },
          {
            key: 'timeline',
            label: <span data-testid="customer-tab-timeline">{t('customer.tab.timeline')}</span>,
            children: subjects ? <ActivityTimeline key={timelineGen} subjects={subjects} customerId={customer?.id} named={lead} onChanged={loadCustomer} /> : <Spin />,
          },
          {
            key: 'opportunities',
            label: <span data-testid="customer-tab-opportunities">{t('customer.tab.opportunities')}{opps?.length ? ` (${opps.length}${next.opps ? '+' : ''})` : ''}</span>,
            children: (
              <OpportunitiesTab
                opps={opps}
                loadMore={next.opps ? () => loadOpps(next.opps ?? undefined) : null}
                onChanged={() => {
                  setTimelineGen((g) => g + 1);
                  void loadCustomer();
                  void loadOpps();
                }}
              />
            ),
          },
          {
            key: 'attachments',
            label: <span data-testid="customer-tab-attachments">{t('customer.tab.attachments')}</span>,
            children: <Attachments objectType="customer" objectId={customer.id} />,
          },
          { key: 'history', label: <span data-testid="customer-tab-history">{t('tab.history')}</span>, children: (
            <>
              <PoolEvents resource="customers" id={customer.id} />
              <HistoryList resource="customers" id={customer.id} />
            </>
          ) },
        ]}
      />
    </div>
  );
}

function CustomerHeader({ customer: c }: { customer: CustomerRecord }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const onError = useApiError();
  const mobile = useIsMobile();

  const remove = async () => {
    try {
      await api.del(`/customers/${c.id}`, { version: c.version });
      message.success(t('msg.deleted'));
      navigate('/customers');
    } catch (e) {
      // What keeps the customer is said in a dialog that stays, in the UI's language.
      const block = e instanceof ApiError && e.status === 409 ? deleteBlock(e.detail) : null;
      if (block) modal.warning({ title: t('customer.deleteBlocked.title'), content: <span data-testid="customer-delete-blocked">{t(`customer.deleteBlocked.${block.kind}`, { n: block.n })}</span> });
      else onError(e);
    }
  };

  return (
    <>
      <PageHeader
        title={
          <Space size={8} wrap data-testid="customer-title">
            <Link to="/customers" title={t('customer.back')} data-testid="customer-back">
              <ArrowLeftOutlined />
            </Link>
            <span>{c.name}</span>
            {c.key_customer ? (
              <Tag color="gold" icon={<StarFilled />} data-testid="customer-key-tag">
                {t('customer.keyCustomer')}
              </Tag>
            ) : null}
          </Space>
        }
        extra={
          <Space>
            {/* A returned customer leaves a rep's scope: back to the list. */}
            <ReturnCustomerButton customer={c} onReturned={() => navigate('/customers')} />
            {can('customer.write') ? (
              <Popconfirm title={t('customer.deleteConfirm', { name: c.name })} onConfirm={remove} okButtonProps={{ danger: true, 'data-testid': 'customer-delete-ok' } as ButtonProps} okText={t('action.delete')} cancelText={t('action.cancel')}>
                <Button danger icon={<DeleteOutlined />} data-testid="customer-delete">
                  {mobile ? null : t('action.delete')}
                </Button>
              </Popconfirm>
            ) : null}
          </Space>
        }
      />
      <Descriptions size="small" column={mobile ? 2 : 4} style={{ marginBottom: 8 }} data-testid="customer-summary">
        <Descriptions.Item label={t('customer.grade')}>
          <Space size={4}>
            <GradeTag grade={c.grade} />
            <Typography.Text type="secondary">{t('customer.scoreBadge', { score: c.score })}</Typography.Text>
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('customer.owner')}>{c.owner_id ? c.owner_name : <Tag>{c.pool_id ? t('pool.inPool') : t('customer.noOwner')}</Tag>}</Descriptions.Item>
        <Descriptions.Item label={t('customer.region')}>{c.region || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customer.industry')}>{c.industry || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customer.size')}>{c.size ? t(`customer.size.${c.size}` as const) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customer.phone')}>{c.phone || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customer.lastActivity')} span={mobile ? 2 : 1}>
          {formatDateTime(c.last_activity_at) || '—'}
        </Descriptions.Item>
      </Descriptions>
    </>
  );
}

function ProfileTab({ customer, onSaved, onStale }: { customer: CustomerRecord; onSaved: (c: CustomerRecord) => void; onStale: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const canWrite = can('customer.write');
  const [form] = Form.useForm<CustomerFormValues>();
  const [saving, setSaving] = useState(false);

  // A new version (saved here, or reloaded after someone else's change) resets the form;
  // a follow-up moving last_activity_at does not.
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue({
      name: customer.name,
      phone: customer.phone,
      email: customer.email,
      website: customer.website,
      industry: customer.industry,
      size: customer.size || null,
      region: customer.region,
      address: customer.address,
      source: customer.source,
      annual_revenue: revenueText(customer.annual_revenue, customer.revenue_currency),
      revenue_currency: customer.revenue_currency || DEFAULT_CURRENCY,
      key_mode: keyModeOf(customer),
      notes: customer.notes,
      owner_id: customer.owner_id ?? null,
    });
  }, [customer.id, customer.version, form]);

  const save = async () => {
    let v: CustomerFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body = changedCustomerFields(customer, v);
    if (Object.keys(body).length === 0) {
      message.info(t('customer.noChanges'));
      return;
    }
    setSaving(true);
    try {
      const saved = await api.patch<CustomerRecord>(`/customers/${customer.id}`, body, customer.version);
      message.success(t('msg.saved'));
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form form={form} layout="vertical" requiredMark="optional" disabled={!canWrite} data-testid="customer-profile" style={{ maxWidth: 880 }}>
      <CustomerFields ownerPicker={can('lead.assign')} ownerLabel={customer.owner_name} />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('customer.scoredHint')}
        <br />
        {t('common.createdAt')} {formatDateTime(customer.created_at)} · {t('common.updatedAt')} {formatDateTime(customer.updated_at)}
      </Typography.Paragraph>
      {canWrite ? (
        <Button type="primary" loading={saving} onClick={() => void save()} data-testid="profile-save">
          {t('action.save')}
        </Button>
      ) : null}
    </Form>
  );
}

/** "Load more" under a tab's table while the customer has more rows than were loaded. */
function MoreRows({ loadMore, count }: { loadMore: (() => Promise<void>) | null; count: number }) {
  const [loading, setLoading] = useState(false);
  if (!loadMore) return null;
  const click = async () => {
    setLoading(true);
    try {
      await loadMore();
    } finally {
      setLoading(false);
    }
  };
  return <LoadMore hasMore loading={loading} onClick={() => void click()} count={count} />;
}

function ContactsTab({ customerId, contacts, reload, loadMore }: { customerId: string; contacts: Contact[] | null; reload: () => Promise<void>; loadMore: (() => Promise<void>) | null }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const canWrite = can('customer.write');
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState<Contact | null>(null);

  const edit = (c: Contact | null) => {
    setCurrent(c);
    setOpen(true);
  };
  const makePrimary = async (c: Contact) => {
    try {
      await api.patch<Contact>(`/contacts/${c.id}`, { is_primary: true }, c.version);
      message.success(t('contact.primarySet', { name: c.name }));
    } catch (e) {
      onError(e);
    }
    await reload();
  };
  const remove = async (c: Contact) => {
    try {
      await api.del(`/contacts/${c.id}`, { version: c.version });
      message.success(t('msg.deleted'));
    } catch (e) {
      onError(e);
    }
    await reload();
  };

  const columns: TableProps<Contact>['columns'] = [
    {
      title: t('contact.name'),
      dataIndex: 'name',
      key: 'name',
      width: 150,
      fixed: mobile ? undefined : 'left',
      render: (v: string, c) => (
        <Space size={4} wrap>
          <span style={{ fontWeight: 500 }}>{v}</span>
          {c.is_primary ? (
            <Tag color="blue" data-testid={`primary-${c.id}`}>
              {t('contact.primary')}
            </Tag>
          ) : null}
        </Space>
      ),
    },
    { title: t('contact.title'), dataIndex: 'title', key: 'title', width: 120, ellipsis: true },
    {
      title: t('contact.decisionRole'),
      dataIndex: 'decision_role',
      key: 'decision_role',
      width: 110,
      render: (r?: string | null) => (r ? <Tag color={r === 'decision_maker' ? 'magenta' : r === 'blocker' ? 'red' : 'default'}>{t(`contact.role.${r}` as 'contact.role.user')}</Tag> : '—'),
    },
    {
      title: t('contact.attitude'),
      dataIndex: 'attitude',
      key: 'attitude',
      width: 90,
      render: (a?: string | null) => (a ? <Tag color={attitudeColor(a)}>{t(`contact.attitude.${a}` as 'contact.attitude.neutral')}</Tag> : '—'),
    },
    { title: t('contact.phone'), dataIndex: 'phone', key: 'phone', width: 130 },
    { title: t('contact.email'), dataIndex: 'email', key: 'email', width: 180, ellipsis: true },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 190,
      render: (_, c) =>
        canWrite ? (
          <Space size={0} wrap>
            <Button type="link" size="small" onClick={() => edit(c)} data-testid={`contact-edit-${c.id}`}>
              {t('action.edit')}
            </Button>
            {c.is_primary ? null : (
              <Button type="link" size="small" onClick={() => void makePrimary(c)} data-testid={`contact-primary-${c.id}`}>
                {t('contact.makePrimary')}
              </Button>
            )}
            <Popconfirm title={t('contact.deleteConfirm', { name: c.name })} onConfirm={() => remove(c)} okButtonProps={{ danger: true }} okText={t('action.delete')} cancelText={t('action.cancel')}>
              <Button type="link" size="small" danger data-testid={`contact-delete-${c.id}`}>
                {t('action.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ) : null,
    },
  ];

  return (
    <div data-testid="customer-contacts">
      {canWrite ? (
        <Button icon={<PlusOutlined />} onClick={() => edit(null)} style={{ marginBottom: 12 }} data-testid="create-contact">
          {t('contact.create')}
        </Button>
      ) : null}
      <Table<Contact>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={contacts ? sortContacts(contacts) : []}
        loading={contacts === null}
        pagination={false}
        scroll={{ x: 970 }}
        onRow={(c) => rowProps(c.id)}
        locale={{ emptyText: t('contact.empty') }}
      />
      <MoreRows loadMore={loadMore} count={contacts?.length ?? 0} />
      <ContactDrawer
        open={open}
        customerId={customerId}
        contact={current}
        onClose={() => setOpen(false)}
        onSaved={() => {
          setOpen(false);
          void reload();
        }}
        onStale={() => {
          setOpen(false);
          void reload();
        }}
      />
    </div>
  );
}

/** The opportunities of the customer; a row opens the opportunity's detail drawer. */
function OpportunitiesTab({ opps, onChanged, loadMore }: { opps: Opportunity[] | null; onChanged: () => void; loadMore: (() => Promise<void>) | null }) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  const [current, setCurrent] = useState<Opportunity | null>(null);
  const open = (opps ?? []).filter((o) => o.stage_kind === 'open');
  const stageColor = (k: string) => (k === 'won' ? 'green' : k === 'lost' ? 'default' : 'processing');
  const columns: TableProps<Opportunity>['columns'] = [
    { title: t('opp.name'), dataIndex: 'name', key: 'name', width: 200, fixed: mobile ? undefined : 'left', render: (v: string) => <span style={{ fontWeight: 500 }}>{v}</span> },
    {
      title: t('funnel.stage'),
      key: 'stage',
      width: 140,
      render: (_, o) => (
        <Space size={4} wrap>
          <Tag color={stageColor(o.stage_kind)}>{o.stage_name}</Tag>
          {o.stalled ? <Tag color="warning">{t('board.stalled')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('opp.amount'), key: 'amount', width: 140, align: 'right', render: (_, o) => formatMoney(o.amount.amount, o.amount.currency) },
    {
      title: t('funnel.weighted'),
      key: 'weighted',
      width: 150,
      align: 'right',
      render: (_, o) => (
        <span>
          {formatMoney(o.weighted_amount.amount, o.weighted_amount.currency)}
          <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 4 }}>
            {o.probability}%
          </Typography.Text>
        </span>
      ),
    },
    { title: t('opp.expectedClose'), dataIndex: 'expected_close', key: 'expected_close', width: 120 },
    { title: t('opp.owner'), dataIndex: 'owner_name', key: 'owner', width: 100 },
  ];
  return (
    <div data-testid="customer-opportunities">
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', justifyContent: 'space-between', marginBottom: 12 }}>
        <Typography.Text type="secondary" data-testid="customer-pipeline-total">
          {t('customer.openPipeline', {
            count: open.length,
            amount: formatMoneyList(sumByCurrency(open.map((o) => o.amount))),
            weighted: formatMoneyList(sumByCurrency(open.map((o) => o.weighted_amount))),
          })}
        </Typography.Text>
        <Link to="/opportunities/board" data-testid="customer-open-board">
          <Button icon={<ProjectOutlined />}>{t('customer.openBoard')}</Button>
        </Link>
      </div>
      <Table<Opportunity>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={opps ?? []}
        loading={opps === null}
        pagination={false}
        scroll={{ x: 850 }}
        onRow={(o) => ({ ...rowProps(o.id), onClick: () => setCurrent(o), style: { cursor: 'pointer' } })}
        locale={{ emptyText: t('customer.oppEmpty') }}
      />
      <MoreRows loadMore={loadMore} count={opps?.length ?? 0} />
      <OpportunityDetail id={current?.id ?? null} initialTab="timeline" onClose={() => setCurrent(null)} onChanged={onChanged} />
    </div>
  );
}
