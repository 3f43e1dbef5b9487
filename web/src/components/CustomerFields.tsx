// The fields of a customer's form, shared by the create drawer and the 360° page's profile tab;
// and the list of possible duplicates a create was refused with.
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Col, Form, Input, Row, Select, Space, Tag, Typography } from 'antd';
import { useI18n } from '../i18n';
import { useIsMobile } from './useMediaQuery';
import { SuggestInput, splitList } from './SuggestInput';
import { RegionSelect } from './RegionSelect';
import { UserSelect } from './UserSelect';
import { CUSTOMER_SIZES } from '../customers';
import { CURRENCIES, DEFAULT_CURRENCY, parseMoney } from '../money';
import type { LeadMatch } from '../types';

export function CustomerFields({ ownerPicker, ownerLabel }: { ownerPicker: boolean; ownerLabel?: string | null }) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  const half = mobile ? 24 : 12;
  const industries = useMemo(() => splitList(t('lead.industryOptions')), [t]);
  const sources = useMemo(() => splitList(t('lead.sourceOptions')), [t]);
  return (
    <Row gutter={16}>
      <Col span={24}>
        <Form.Item name="name" label={t('customer.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('customer.name') }) }]}>
          <Input maxLength={100} data-testid="customer-name" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="phone" label={t('customer.phone')} rules={[{ pattern: /^[0-9０-９+() -]*$/, message: t('validation.phone') }]}>
          <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="customer-phone" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="email" label={t('customer.email')} rules={[{ type: 'email', message: t('validation.email') }]}>
          <Input maxLength={254} inputMode="email" autoComplete="off" data-testid="customer-email" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="industry" label={t('customer.industry')}>
          <SuggestInput suggestions={industries} maxLength={40} data-testid="customer-industry" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="region" label={t('customer.region')}>
          <RegionSelect data-testid="customer-region" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="size" label={t('customer.size')}>
          <Select allowClear data-testid="customer-size" options={CUSTOMER_SIZES.map((s) => ({ value: s, label: t(`customer.size.${s}` as const) }))} />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="source" label={t('customer.source')}>
          <SuggestInput suggestions={sources} maxLength={40} data-testid="customer-source" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="website" label={t('customer.website')}>
          <Input maxLength={200} data-testid="customer-website" />
        </Form.Item>
      </Col>
      <Col span={half}>
        <Form.Item name="address" label={t('customer.address')}>
          <Input maxLength={200} data-testid="customer-address" />
        </Form.Item>
      </Col>
      <Col span={mobile ? 16 : 6}>
        <Form.Item
          name="annual_revenue"
          label={t('customer.annualRevenue')}
          dependencies={['revenue_currency']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_r, v?: string) =>
                !v || !v.trim() || parseMoney(v, getFieldValue('revenue_currency') || DEFAULT_CURRENCY) !== null
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('opp.amountInvalid'))),
            }),
          ]}
        >
          <Input inputMode="decimal" placeholder="0.00" data-testid="customer-revenue" />
        </Form.Item>
      </Col>
      <Col span={mobile ? 8 : 6}>
        {/* Always set (CNY by default), so not marked optional. */}
        <Form.Item name="revenue_currency" label={t('opp.currency')} rules={[{ required: true }]}>
          <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} data-testid="customer-revenue-currency" />
        </Form.Item>
      </Col>
      <Col span={mobile ? 24 : 12}>
        <Form.Item name="key_mode" label={t('customer.keyCustomer')} tooltip={t('customer.keyHint')}>
          <Select
            data-testid="customer-key"
            options={[
              { value: 'auto', label: t('customer.keyAuto') },
              { value: 'yes', label: t('customer.keyPinnedYes') },
              { value: 'no', label: t('customer.keyPinnedNo') },
            ]}
          />
        </Form.Item>
      </Col>
      {ownerPicker ? (
        <Col span={half}>
          <Form.Item name="owner_id" label={t('customer.owner')}>
            <UserSelect initialLabel={ownerLabel} allowClear={false} data-testid="customer-owner" />
          </Form.Item>
        </Col>
      ) : null}
      <Col span={24}>
        <Form.Item name="notes" label={t('customer.notes')}>
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} data-testid="customer-notes" />
        </Form.Item>
      </Col>
    </Row>
  );
}

/** The customers and leads a create was refused over, and the way to create anyway. */
export function CustomerDuplicates({ matches, submitting, onCreateAnyway }: { matches: LeadMatch[]; submitting: boolean; onCreateAnyway: () => void }) {
  const { t } = useI18n();
  const on = (m: LeadMatch) =>
    t('lead.duplicates.matchedOn', { fields: m.matched_on.map((f) => t(`lead.matched.${f}` as const)).join(t('lead.duplicates.sep')) });
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="customer-duplicates"
      message={t('customer.duplicates.refused', { count: matches.length })}
      description={
        <div>
          <ul className="rudder-duplicates">
            {matches.map((m) => (
              <li key={m.id} data-testid={`duplicate-${m.id}`}>
                <Space size={4} wrap>
                  <Tag color={m.kind === 'customer' ? 'gold' : 'blue'}>{m.kind === 'customer' ? t('lead.duplicates.customer') : t('customer.duplicates.lead')}</Tag>
                  {m.visible ? (
                    <>
                      {m.company && m.kind === 'customer' ? (
                        <Link to={`/customers/${m.id}`} target="_blank" data-testid={`duplicate-link-${m.id}`}>
                          <Typography.Text strong>{m.company}</Typography.Text>
                        </Link>
                      ) : m.company ? (
                        <Typography.Text strong>{m.company}</Typography.Text>
                      ) : null}
                      {m.contact_name ? <Typography.Text>{m.contact_name}</Typography.Text> : null}
                      <Typography.Text type="secondary">{t('lead.duplicates.owner', { name: m.owner_name || t('lead.noOwner') })}</Typography.Text>
                    </>
                  ) : (
                    <Typography.Text>{t('lead.duplicates.hidden')}</Typography.Text>
                  )}
                  <Typography.Text type="secondary">· {on(m)}</Typography.Text>
                </Space>
              </li>
            ))}
          </ul>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('lead.duplicates.hint')}
          </Typography.Text>
          <div style={{ marginTop: 8 }}>
            <Button danger size="small" loading={submitting} onClick={onCreateAnyway} data-testid="customer-allow-duplicate">
              {t('lead.allowDuplicate')}
            </Button>
          </div>
        </div>
      }
    />
  );
}
