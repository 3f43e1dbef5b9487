// A new opportunity (新建商机): customer, name, amount typed in major units and kept in minor
// units exactly, currency and expected close; it starts in the pipeline's first stage.
import { useEffect, useState } from 'react';
import { App, Col, DatePicker, Form, Input, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { FormDrawer } from '../components/FormDrawer';
import { CustomerSelect } from '../components/CustomerSelect';
import { useIsMobile } from '../components/useMediaQuery';
import { CURRENCIES, DEFAULT_CURRENCY, currencySymbol, parseMoney } from '../money';
import type { Opportunity } from '../types';

interface Values {
  customer_id: string;
  name: string;
  amount: string;
  currency: string;
  expected_close: Dayjs;
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
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={{ currency: DEFAULT_CURRENCY }} preserve={false}>
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
      </Form>
    </FormDrawer>
  );
}
