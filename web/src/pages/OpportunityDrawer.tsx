// A new opportunity (新建商机): customer, name, amount typed in major units and kept in minor
// units exactly, currency, expected close and the customer's contacts involved; it starts in the
// pipeline's first stage. The contacts picker is shared with the opportunity detail.
import { useEffect, useState } from 'react';
import { App, Col, DatePicker, Form, Input, Row, Select, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { FormDrawer } from '../components/FormDrawer';
import { CustomerSelect } from '../components/CustomerSelect';
import { useIsMobile } from '../components/useMediaQuery';
import { CURRENCIES, DEFAULT_CURRENCY, currencySymbol, parseMoney } from '../money';
import type { Contact } from '../customers';
import type { Opportunity, Page } from '../types';

interface Values {
  customer_id: string;
  name: string;
  amount: string;
  currency: string;
  expected_close: Dayjs;
  contact_ids?: string[];
}

interface Props {
  open: boolean;
  pipelineId?: string;
  onClose: () => void;
  onCreated: (o: Opportunity) => void;
}

export function OpportunityDrawer({ open, pipelineId, onClose, onCreated }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [form] = Form.useForm<Values>();
  const [submitting, setSubmitting] = useState(false);
  const currency = Form.useWatch('currency', form) ?? DEFAULT_CURRENCY;
  const customerId = Form.useWatch('customer_id', form) ?? undefined;
  const contacts = useCustomerContacts(customerId);
  const half = mobile ? 24 : 12;

  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);

  const submit = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const amount = parseMoney(v.amount, v.currency);
    if (amount === null) return;
    setSubmitting(true);
    try {
      const o = await api.post<Opportunity>('/opportunities', {
        customer_id: v.customer_id,
        name: v.name.trim(),
        amount: { amount, currency: v.currency },
        expected_close: v.expected_close.format('YYYY-MM-DD'),
        pipeline_id: pipelineId,
        contact_ids: v.contact_ids?.length ? v.contact_ids : undefined,
      });
      message.success(t('msg.created'));
      onCreated(o);
    } catch (e) {
      onError(e, form);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <FormDrawer open={open} title={t('opp.create')} onClose={onClose} onSubmit={submit} submitting={submitting} testid="opp-drawer">
      <Form
        form={form}
        layout="vertical"
        requiredMark="optional"
        initialValues={{ currency: DEFAULT_CURRENCY }}
        preserve={false}
        // Contacts belong to one customer: another customer starts with none picked.
        onValuesChange={(changed: Partial<Values>) => {
          if ('customer_id' in changed) form.setFieldValue('contact_ids', []);
        }}
      >
        <Form.Item name="customer_id" label={t('opp.customer')} rules={[{ required: true, message: t('validation.required', { field: t('opp.customer') }) }]}>
          <CustomerSelect data-testid="opp-customer" />
        </Form.Item>
        <Form.Item name="name" label={t('opp.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('opp.name') }) }]}>
          <Input maxLength={100} data-testid="opp-name" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={mobile ? 16 : 16}>
            <Form.Item
              name="amount"
              label={t('opp.amount')}
              dependencies={['currency']}
              rules={[
                { required: true, whitespace: true, message: t('validation.required', { field: t('opp.amount') }) },
                {
                  validator: (_r, v: string | undefined) =>
                    !v || !v.trim() || parseMoney(v, currency) !== null ? Promise.resolve() : Promise.reject(new Error(t('opp.amountInvalid'))),
                },
              ]}
            >
              <Input inputMode="decimal" prefix={currencySymbol(currency).trim()} placeholder="0.00" data-testid="opp-amount" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="currency" label={t('opp.currency')}>
              <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} data-testid="opp-currency" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={half}>
            <Form.Item
              name="expected_close"
              label={t('opp.expectedClose')}
              rules={[{ required: true, message: t('validation.required', { field: t('opp.expectedClose') }) }]}
            >
              <DatePicker style={{ width: '100%' }} data-testid="opp-expected-close" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="contact_ids" label={t('opp.contacts')} tooltip={t('opp.contactsHelp')}>
          <ContactsSelect contacts={customerId ? contacts : []} disabled={!customerId} data-testid="opp-contacts" />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

/**
 * The contacts of a customer to pick from: its first hundred, plus any of `linked` beyond
 * them (fetched one by one, so a linked contact is always named). null while loading.
 */
export function useCustomerContacts(customerId: string | undefined, linked: string[] = []): Contact[] | null {
  const onError = useApiError();
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const linkedKey = linked.join(',');
  useEffect(() => {
    if (!customerId) {
      setContacts([]);
      return;
    }
    let live = true;
    setContacts(null);
    (async () => {
      const page = await api.get<Page<Contact>>(`/customers/${customerId}/contacts`, { limit: 100 });
      const list = page.items ?? [];
      const missing = linkedKey ? linkedKey.split(',').filter((id) => !list.some((c) => c.id === id)) : [];
      const extra = await Promise.all(missing.map((id) => api.get<Contact>(`/contacts/${id}`)));
      if (live) setContacts([...list, ...extra]);
    })().catch((e) => {
      if (!live) return;
      setContacts([]);
      onError(e);
    });
    return () => {
      live = false;
    };
  }, [customerId, linkedKey, onError]);
  return contacts;
}

interface ContactsSelectProps {
  contacts: Contact[] | null;
  value?: string[];
  onChange?: (v: string[]) => void;
  disabled?: boolean;
  'data-testid'?: string;
}

/** A multiple choice of the customer's contacts, each named with its decision role. */
export function ContactsSelect({ contacts, value, onChange, disabled, ...rest }: ContactsSelectProps) {
  const { t } = useI18n();
  return (
    <Select
      mode="multiple"
      allowClear
      value={value ?? []}
      onChange={onChange}
      disabled={disabled}
      loading={contacts === null}
      placeholder={disabled ? t('opp.contactsPickCustomer') : t('opp.contactsHelp')}
      optionFilterProp="label"
      options={(contacts ?? []).map((c) => ({ value: c.id, label: c.name, role: c.decision_role }))}
      // The list names each one's decision role; a picked contact shows its name alone.
      optionRender={(o) => (
        <span data-testid={`contact-option-${o.value}`}>
          {o.label}
          {o.data.role ? <Tag style={{ marginInlineStart: 6 }}>{t(`contact.role.${o.data.role}` as const)}</Tag> : null}
        </span>
      )}
      data-testid={rest['data-testid']}
    />
  );
}
