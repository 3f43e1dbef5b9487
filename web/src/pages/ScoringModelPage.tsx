// The customer scoring model settings (客户评分模型): rules over fields and behaviour with their
// points, grade thresholds, the key-customer rule and the value × potential matrix bands.
// Everyone who reads customers sees the model; saving needs scoring.manage and rescores every
// customer of the tenant.
import { useCallback, useEffect, useState } from 'react';
import { App, Alert, Button, Card, Form, Input, InputNumber, Select, Space, Spin, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { request } from '../api';
import { useAuth, hasPermission } from '../auth';
import { useI18n, type MessageKey } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { CURRENCIES } from '../money';
import {
  formToModel,
  isMoneyMetric,
  METRICS,
  modelToForm,
  RULE_FIELDS,
  SIZES,
  type Metric,
  type ModelForm,
  type RuleField,
  type ScoringModel,
} from '../scoring';

export default function ScoringModelPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<ModelForm>();
  const [model, setModel] = useState<ScoringModel | null>(null);
  const [saving, setSaving] = useState(false);
  const canEdit = hasPermission(me, 'scoring.manage');

  const load = useCallback(() => {
    request<ScoringModel>('/scoring-model')
      .then((m) => {
        setModel(m);
        form.setFieldsValue(modelToForm(m));
      })
      .catch((e) => onError(e));
  }, [form, onError]);
  useEffect(load, [load]);

  const save = async (values: ModelForm) => {
    if (!model) return;
    const { body, problems } = formToModel(values);
    if (problems.length) {
      form.setFields(problems.map((p) => ({ name: p.name as never, errors: [t(p.key)] })));
      return;
    }
    setSaving(true);
    try {
      const m = await request<ScoringModel>('/scoring-model', { method: 'PUT', body, version: model.version });
      setModel(m);
      form.setFieldsValue(modelToForm(m));
      message.success(t('scoring.saved'));
    } catch (e) {
      onError(e, form, load);
    } finally {
      setSaving(false);
    }
  };

  if (!model) return <Spin />;
  return (
    <div data-testid="scoring-page">
      <PageHeader
        title={t('scoring.title')}
        subtitle={t('scoring.subtitle')}
        extra={
          <Space>
            {model.default ? <Tag data-testid="scoring-default">{t('scoring.default')}</Tag> : null}
            <Typography.Text type="secondary">{t('scoring.version', { version: model.version })}</Typography.Text>
          </Space>
        }
      />
      {canEdit ? null : <Alert type="info" showIcon message={t('scoring.readOnly')} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={save} disabled={!canEdit} data-testid="scoring-form">
        <Form.Item name="currency" label={t('scoring.currency')} extra={t('scoring.currencyHint')} style={{ maxWidth: 240 }}>
          <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Card size="small" title={t('scoring.rules')} extra={<Typography.Text type="secondary">{t('scoring.maxPoints', { points: model.max_points })}</Typography.Text>}>
          <RuleList />
        </Card>
        <Card size="small" title={t('scoring.grades')} style={{ marginTop: 16 }}>
          <Typography.Paragraph type="secondary">{t('scoring.gradesHint')}</Typography.Paragraph>
          <Space wrap>
            {(['a', 'b', 'c'] as const).map((g) => (
              <Form.Item key={g} name={['grades', g]} label={t(`scoring.grade${g.toUpperCase()}` as MessageKey)}>
                <InputNumber min={0} max={100} precision={0} data-testid={`scoring-grade-${g}`} />
              </Form.Item>
            ))}
          </Space>
        </Card>
        <Card size="small" title={t('scoring.key')} style={{ marginTop: 16 }}>
          <Typography.Paragraph type="secondary">{t('scoring.keyHint')}</Typography.Paragraph>
          <Space wrap align="start">
            <Form.Item name={['key_customer', 'min_grade']} label={t('scoring.keyMinGrade')} style={{ minWidth: 160 }}>
              <Select
                options={[
                  { value: '', label: t('scoring.keyMinGradeNone') },
                  ...['A', 'B', 'C'].map((g) => ({ value: g, label: g })),
                ]}
              />
            </Form.Item>
            <Form.Item name={['key_customer', 'won_amount']} label={t('scoring.keyWonAmount')}>
              <Input style={{ width: 200 }} />
            </Form.Item>
          </Space>
        </Card>
        <Card size="small" title={t('scoring.matrix')} style={{ marginTop: 16 }}>
          <Typography.Paragraph type="secondary">{t('scoring.matrixHint')}</Typography.Paragraph>
          {(['value', 'potential'] as const).map((axis) => (
            <Space key={axis} wrap align="start">
              <Typography.Text strong style={{ display: 'inline-block', minWidth: 220, paddingTop: 30 }}>
                {t(axis === 'value' ? 'scoring.matrixValue' : 'scoring.matrixPotential')}
              </Typography.Text>
              <Form.Item name={['matrix', axis, 0]} label={t('scoring.lo')}>
                <Input style={{ width: 180 }} />
              </Form.Item>
              <Form.Item name={['matrix', axis, 1]} label={t('scoring.hi')}>
                <Input style={{ width: 180 }} />
              </Form.Item>
            </Space>
          ))}
        </Card>
        {canEdit ? (
          <Button type="primary" htmlType="submit" loading={saving} style={{ marginTop: 16 }} data-testid="scoring-save">
            {t('action.save')}
          </Button>
        ) : null}
      </Form>
    </div>
  );
}

/** The rules: each a card with its kind's fields. */
function RuleList() {
  const { t } = useI18n();
  return (
    <Form.List name="rules">
      {(fields, { add, remove }) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          {fields.map((f) => (
            <Card
              key={f.key}
              size="small"
              type="inner"
              data-testid={`scoring-rule-${f.name}`}
              extra={<Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('scoring.removeRule')} onClick={() => remove(f.name)} />}
              title={
                <Form.Item noStyle shouldUpdate>
                  {({ getFieldValue }) => t(`scoring.kind.${getFieldValue(['rules', f.name, 'kind'])}` as MessageKey)}
                </Form.Item>
              }
            >
              <Form.Item name={[f.name, 'kind']} hidden>
                <Input />
              </Form.Item>
              <Form.Item noStyle shouldUpdate>
                {({ getFieldValue }) =>
                  getFieldValue(['rules', f.name, 'kind']) === 'field' ? (
                    <FieldRule name={f.name} field={getFieldValue(['rules', f.name, 'field'])} />
                  ) : (
                    <BehaviourRule name={f.name} metric={getFieldValue(['rules', f.name, 'metric'])} />
                  )
                }
              </Form.Item>
            </Card>
          ))}
          <Space wrap>
            <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'field', field: 'industry', values: [], points: 10 })} data-testid="scoring-add-field">
              {t('scoring.addFieldRule')}
            </Button>
            <Button
              icon={<PlusOutlined />}
              onClick={() => add({ kind: 'behaviour', metric: 'activities_90d', thresholds: [{ min: '1', points: 5 }] })}
              data-testid="scoring-add-behaviour"
            >
              {t('scoring.addBehaviourRule')}
            </Button>
          </Space>
        </Space>
      )}
    </Form.List>
  );
}

function FieldRule({ name, field }: { name: number; field?: RuleField }) {
  const { t } = useI18n();
  return (
    <Space wrap align="start">
      <Form.Item name={[name, 'field']} label={t('scoring.field')} style={{ minWidth: 140 }}>
        <Select options={RULE_FIELDS.map((f) => ({ value: f, label: t(`scoring.field.${f}` as MessageKey) }))} />
      </Form.Item>
      {field === 'revenue' ? (
        <Form.Item name={[name, 'amount']} label={t('scoring.amount')}>
          <Input style={{ width: 200 }} />
        </Form.Item>
      ) : (
        <Form.Item name={[name, 'values']} label={t('scoring.values')} extra={field === 'size' ? undefined : t('scoring.valuesHint')} style={{ minWidth: 280 }}>
          {field === 'size' ? (
            <Select mode="multiple" options={SIZES.map((s) => ({ value: s, label: t(`customer.size.${s}` as MessageKey) }))} />
          ) : (
            <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
          )}
        </Form.Item>
      )}
      <Form.Item name={[name, 'points']} label={t('scoring.points')}>
        <InputNumber min={1} max={1000} precision={0} />
      </Form.Item>
    </Space>
  );
}

function BehaviourRule({ name, metric }: { name: number; metric?: Metric }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name={[name, 'metric']} label={t('scoring.metric')} style={{ maxWidth: 320 }}>
        <Select options={METRICS.map((m) => ({ value: m, label: t(`scoring.metric.${m}` as MessageKey) }))} />
      </Form.Item>
      <Typography.Text type="secondary">{t('scoring.thresholds')}</Typography.Text>
      <Form.List name={[name, 'thresholds']}>
        {(rows, { add, remove }) => (
          <>
            {rows.map((r) => (
              <Space key={r.key} align="start" wrap>
                <Form.Item name={[r.name, 'min']} label={t('scoring.min')}>
                  <Input style={{ width: 180 }} placeholder={isMoneyMetric(metric) ? '¥' : '0'} />
                </Form.Item>
                <Form.Item name={[r.name, 'points']} label={t('scoring.points')}>
                  <InputNumber min={0} max={1000} precision={0} />
                </Form.Item>
                <Button type="text" icon={<DeleteOutlined />} style={{ marginTop: 30 }} onClick={() => remove(r.name)} aria-label={t('action.delete')} />
              </Space>
            ))}
            <div>
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({ min: '', points: 0 })}>
                {t('scoring.addThreshold')}
              </Button>
            </div>
          </>
        )}
      </Form.List>
    </>
  );
}
