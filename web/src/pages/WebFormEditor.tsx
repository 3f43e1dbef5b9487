// The create / edit dialog of a web form. An edit sends only the changed fields, with the
// version it was loaded at (If-Match): a form changed meanwhile is refused with 412.
import { useState } from 'react';
import { Col, Form, Input, InputNumber, Radio, Row, Select } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { FormModal } from '../components/FormModal';
import { useApiError } from '../errors';
import { createWebFormBody, webFormPatch, webFormValues, type WebForm, type WebFormValues } from '../webforms';
import type { Pool } from '../pools';

interface Props {
  open: boolean;
  /** The form to edit; none = create. */
  form?: WebForm | null;
  pools: Pool[];
  onClose: () => void;
  onSaved: (f: WebForm, created: boolean) => void;
  /** Reload the list after a 412. */
  onStale: () => void;
}

export function WebFormEditor({ open, form: current, pools, onClose, onSaved, onStale }: Props) {
  const { t } = useI18n();
  const [form] = Form.useForm<WebFormValues>();
  const [saving, setSaving] = useState(false);
  const onError = useApiError();

  const submit = async () => {
    let v: WebFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      if (!current) {
        onSaved(await api.post<WebForm>('/web-forms', createWebFormBody(v)), true);
      } else {
        const patch = webFormPatch(current, v);
        onSaved(Object.keys(patch).length ? await api.patch<WebForm>(`/web-forms/${current.id}`, patch, current.version) : current, false);
      }
    } catch (e) {
      onError(e, form, () => {
        onClose();
        onStale();
      });
    } finally {
      setSaving(false);
    }
  };

  // A disabled pool still shows by name when it is the form's.
  const options = pools.filter((p) => p.enabled || p.id === current?.pool_id).map((p) => ({ value: p.id, label: `${p.name} · ${p.department_name}` }));
  const text = (name: keyof WebFormValues, label: string, max: number, extra?: string) => (
    <Form.Item name={name} label={label} extra={extra}>
      <Input maxLength={max} data-testid={`webform-${name.replace(/_/g, '-')}`} />
    </Form.Item>
  );

  return (
    <FormModal
      open={open}
      title={current ? t('webform.editTitle', { name: current.name }) : t('webform.create')}
      onClose={onClose}
      onSubmit={submit}
      saving={saving}
      data-testid="webform-editor"
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={webFormValues(current)}>
        <Form.Item name="name" label={t('webform.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('webform.name') }) }]}>
          <Input maxLength={80} data-testid="webform-name" />
        </Form.Item>
        <Form.Item name="target" label={t('webform.target')}>
          <Radio.Group data-testid="webform-target">
            <Radio value="rules">{t('webform.byRules')}</Radio>
            <Radio value="pool">{t('webform.intoPool')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="pool_id" label={t('webform.pool')} extra={t('webform.poolHint')} rules={[{ required: true, message: t('validation.required', { field: t('webform.pool') }) }]}>
          <Select data-testid="webform-pool" options={options} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            {text('default_source', t('webform.source'), 40, t('webform.sourceHint'))}
          </Col>
          <Col xs={24} sm={12}>
            {text('default_industry', t('webform.industry'), 40)}
          </Col>
          <Col xs={24} sm={12}>
            {text('default_region', t('webform.region'), 40)}
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="rate_limit_per_hour" label={t('webform.rateLimit')}>
              <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} data-testid="webform-rate" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormModal>
  );
}
