// The "log a follow-up" form (记录跟进): a call, visit, meeting, email, note or task about one
// of the given subjects. A visit is either recorded (with its outcome and whether the advance
// commitment 晋级承诺 was won) or planned ahead (with a goal, the commitment and preparation).
import { useState } from 'react';
import { App, Button, Col, DatePicker, Form, Input, Radio, Row, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { useIsMobile } from './useMediaQuery';
import { ACTIVITY_KINDS, createActivityBody, isPlanned, subjectKey, type Activity, type LogValues, type Subject } from '../activities';

interface Props {
  /** What the follow-up may be about; the first is the default. */
  subjects: Subject[];
  onLogged: (a: Activity) => void;
  onCancel?: () => void;
}

export function LogActivity({ subjects, onLogged, onCancel }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [form] = Form.useForm<LogValues>();
  const [submitting, setSubmitting] = useState(false);
  const kind = Form.useWatch('kind', form) ?? 'call';
  const visitMode = Form.useWatch('visit_mode', form) ?? 'record';
  const commitment = Form.useWatch('commitment', form);
  const planned = isPlanned({ kind, visit_mode: visitMode });
  const half = mobile ? 24 : 12;
  const required = (field: string) => ({ required: true, whitespace: true, message: t('validation.required', { field }) });
  const dateTime = { showTime: mobile ? false : { format: 'HH:mm' }, format: mobile ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH:mm', style: { width: '100%' } } as const;

  const submit = async () => {
    let values: LogValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    try {
      const a = await api.post<Activity>('/activities', createActivityBody(values));
      message.success(t('activity.logged'));
      form.resetFields(['title', 'body', 'occurred_at', 'due_at', 'remind_at', 'goal', 'commitment', 'preparation', 'outcome', 'commitment_won']);
      onLogged(a);
    } catch (e) {
      onError(e, form);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark="optional"
      initialValues={{ kind: 'call', subject: subjects[0] ? subjectKey(subjects[0]) : '', visit_mode: 'record' }}
      data-testid="log-activity"
    >
      <Form.Item name="kind" label={t('activity.kind')} rules={[{ required: true }]}>
        <Radio.Group optionType="button" buttonStyle="solid">
          {ACTIVITY_KINDS.map((k) => (
            <Radio.Button key={k} value={k}>
              <span data-testid={`log-kind-${k}`}>{t(`activity.kind.${k}` as const)}</span>
            </Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {kind === 'visit' ? (
        <Form.Item name="visit_mode">
          <Radio.Group>
            <Radio value="record">
              <span data-testid="log-visit-record">{t('activity.visitMode.record')}</span>
            </Radio>
            <Radio value="plan">
              <span data-testid="log-visit-plan">{t('activity.visitMode.plan')}</span>
            </Radio>
          </Radio.Group>
        </Form.Item>
      ) : null}
      <Row gutter={16}>
        {subjects.length > 1 ? (
          <Col span={half}>
            <Form.Item name="subject" label={t('activity.subject')} rules={[{ required: true }]}>
              <Select data-testid="log-subject" options={subjects.map((s) => ({ value: subjectKey(s), label: s.label ?? s.id }))} />
            </Form.Item>
          </Col>
        ) : (
          <Form.Item name="subject" hidden>
            <Input />
          </Form.Item>
        )}
        <Col span={subjects.length > 1 ? half : 24}>
          <Form.Item name="title" label={t('activity.title')} rules={[required(t('activity.title'))]}>
            <Input maxLength={200} placeholder={t('activity.titleHint')} data-testid="log-title" />
          </Form.Item>
        </Col>
        {planned ? (
          <Col span={half}>
            <Form.Item name="due_at" label={kind === 'task' ? t('activity.dueAt') : t('activity.visitAt')} rules={[{ required: true, message: t('validation.required', { field: t('activity.dueAt') }) }]}>
              <DatePicker {...dateTime} data-testid="log-due-at" disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
            </Form.Item>
          </Col>
        ) : (
          <Col span={half}>
            <Form.Item name="occurred_at" label={t('activity.occurredAt')} tooltip={t('activity.occurredAtHint')}>
              <DatePicker {...dateTime} placeholder={t('activity.now')} data-testid="log-occurred-at" disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} />
            </Form.Item>
          </Col>
        )}
        {kind === 'task' ? (
          <Col span={half}>
            <Form.Item name="remind_at" label={t('activity.remindAt')} tooltip={t('activity.remindAtHint')}>
              <DatePicker {...dateTime} data-testid="log-remind-at" />
            </Form.Item>
          </Col>
        ) : null}
        {kind === 'visit' ? (
          <>
            <Col span={24}>
              <Form.Item name="goal" label={t('activity.goal')}>
                <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} data-testid="log-goal" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name="commitment"
                label={t('activity.commitment')}
                extra={t('activity.commitmentHint')}
                rules={planned ? [required(t('activity.commitment'))] : []}
              >
                <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} data-testid="log-commitment" />
              </Form.Item>
            </Col>
            {planned ? (
              <Col span={24}>
                <Form.Item name="preparation" label={t('activity.preparation')}>
                  <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="log-preparation" />
                </Form.Item>
              </Col>
            ) : (
              <>
                <Col span={24}>
                  <Form.Item name="outcome" label={t('activity.outcome')}>
                    <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="log-outcome" />
                  </Form.Item>
                </Col>
                {commitment && commitment.trim() ? (
                  <Col span={24}>
                    <Form.Item name="commitment_won" label={t('activity.commitmentWon')} rules={[{ required: true, message: t('activity.commitmentWonRequired') }]}>
                      <Radio.Group data-testid="log-commitment-won">
                        <Radio value="yes">
                          <span data-testid="log-won-yes">{t('activity.won')}</span>
                        </Radio>
                        <Radio value="no">
                          <span data-testid="log-won-no">{t('activity.notWon')}</span>
                        </Radio>
                      </Radio.Group>
                    </Form.Item>
                  </Col>
                ) : null}
              </>
            )}
          </>
        ) : null}
        <Col span={24}>
          <Form.Item name="body" label={t('activity.body')}>
            <Input.TextArea maxLength={5000} autoSize={{ minRows: 2, maxRows: 6 }} data-testid="log-body" />
          </Form.Item>
        </Col>
      </Row>
      <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
        {onCancel ? <Button onClick={onCancel}>{t('action.cancel')}</Button> : null}
        <Button type="primary" loading={submitting} onClick={() => void submit()} data-testid="log-submit">
          {planned ? t('activity.planSubmit') : t('activity.logSubmit')}
        </Button>
      </Space>
    </Form>
  );
}
