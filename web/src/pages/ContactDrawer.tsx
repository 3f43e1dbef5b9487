// One contact of a customer (联系人): create it, or edit it at its version (If-Match).
import { useEffect, useState } from 'react';
import { App, Col, Form, Input, Row, Select, Switch } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { FormDrawer } from '../components/FormDrawer';
import { useIsMobile } from '../components/useMediaQuery';
import { ATTITUDES, DECISION_ROLES, changedContactFields, createContactBody, type Contact, type ContactFormValues } from '../customers';

interface Props {
  open: boolean;
  customerId: string;
  /** The contact to edit; none = create. */
  contact?: Contact | null;
  onClose: () => void;
  onSaved: (c: Contact) => void;
  /** Reload after a 412. */
  onStale?: () => void;
}

export function ContactDrawer({ open, customerId, contact, onClose, onSaved, onStale }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [form] = Form.useForm<ContactFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const half = mobile ? 24 : 12;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (contact) {
      form.setFieldsValue({
        name: contact.name,
        title: contact.title,
        phone: contact.phone,
        email: contact.email,
        wechat: contact.wechat,
        decision_role: contact.decision_role ?? null,
        attitude: contact.attitude ?? null,
        is_primary: contact.is_primary,
        notes: contact.notes,
      });
    }
  }, [open, contact, form]);

  const submit = async () => {
    let v: ContactFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    try {
      let saved: Contact;
      if (contact) {
        const body = changedContactFields(contact, v);
        if (Object.keys(body).length === 0) {
          onClose();
          return;
        }
        saved = await api.patch<Contact>(`/contacts/${contact.id}`, body, contact.version);
        message.success(t('msg.saved'));
      } else {
        saved = await api.post<Contact>('/contacts', createContactBody(customerId, v));
        message.success(t('msg.created'));
      }
      onSaved(saved);
    } catch (e) {
      onError(e, form, onStale);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <FormDrawer
      open={open}
      title={contact ? t('contact.edit', { name: contact.name }) : t('contact.create')}
      onClose={onClose}
      onSubmit={() => void submit()}
      submitting={submitting}
      testid="contact-drawer"
    >
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        <Row gutter={16}>
          <Col span={half}>
            <Form.Item name="name" label={t('contact.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('contact.name') }) }]}>
              <Input maxLength={60} data-testid="contact-name" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="title" label={t('contact.title')}>
              <Input maxLength={60} data-testid="contact-title" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="phone" label={t('contact.phone')} rules={[{ pattern: /^[0-9０-９+() -]*$/, message: t('validation.phone') }]}>
              <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="contact-phone" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="email" label={t('contact.email')} rules={[{ type: 'email', message: t('validation.email') }]}>
              <Input maxLength={254} inputMode="email" autoComplete="off" data-testid="contact-email" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="wechat" label={t('contact.wechat')}>
              <Input maxLength={60} data-testid="contact-wechat" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="decision_role" label={t('contact.decisionRole')}>
              <Select allowClear data-testid="contact-role" options={DECISION_ROLES.map((r) => ({ value: r, label: t(`contact.role.${r}` as const) }))} />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="attitude" label={t('contact.attitude')}>
              <Select allowClear data-testid="contact-attitude" options={ATTITUDES.map((a) => ({ value: a, label: t(`contact.attitude.${a}` as const) }))} />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="is_primary" label={t('contact.primary')} valuePropName="checked" extra={contact?.is_primary ? t('contact.primaryHint') : undefined}>
              <Switch disabled={!!contact?.is_primary} data-testid="contact-primary" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="notes" label={t('contact.notes')}>
              <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} data-testid="contact-notes" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormDrawer>
  );
}
