// Correcting an activity (编辑跟进): the fields of its kind (see editableFields), saved as a PATCH
// of what changed at the version shown. Moving a task's due time moves its reminder along, as
// the API does, unless the reminder was changed by hand.
import { useState } from 'react';
import { App, DatePicker, Form, Input } from 'antd';
import dayjs from 'dayjs';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { FormDrawer } from './FormDrawer';
import { UserSelect } from './UserSelect';
import { useIsMobile } from './useMediaQuery';
import { editActivityBody, editableFields, editInitial, followDue, type Activity, type EditValues } from '../activities';

interface Props {
  a: Activity;
  onClose: () => void;
  /** After a save, or when the activity turned out changed, gone or out of reach (the timeline reloads). */
  onChanged: () => void;
}

export function ActivityEditor({ a, onClose, onChanged }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [form] = Form.useForm<EditValues>();
  const [submitting, setSubmitting] = useState(false);
  const fields = editableFields(a);
  const has = (f: (typeof fields)[number]) => fields.includes(f);
  const required = (field: string) => ({ required: true, whitespace: true, message: t('validation.required', { field }) });
  const dateTime = { showTime: mobile ? false : { format: 'HH:mm' }, format: mobile ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH:mm', style: { width: '100%' }, allowClear: false } as const;

  const submit = async () => {
    let values: EditValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const body = editActivityBody(a, values, fields);
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    setSubmitting(true);
    try {
      await api.patch<Activity>(`/activities/${a.id}`, body, a.version);
      message.success(t('msg.saved'));
      onClose();
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
        message.error(t('activity.gone'));
        onClose();
        onChanged();
      } else {
        onError(e, form, () => {
          onClose();
          onChanged();
        });
      }
    } finally {
      setSubmitting(false);
    }
  };

  // A new due time carries the reminder with it, unless the reminder was set by hand here.
  const onValuesChange = (changed: Partial<EditValues>) => {
    if (!('due_at' in changed) || !has('remind_at') || form.isFieldTouched('remind_at')) return;
    form.setFieldValue('remind_at', followDue(a.remind_at ? dayjs(a.remind_at) : null, a.due_at ? dayjs(a.due_at) : null, changed.due_at));
  };

  return (
    <FormDrawer open title={t('activity.edit', { title: a.title })} onClose={onClose} onSubmit={() => void submit()} submitting={submitting} testid="activity-editor">
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={editInitial(a)} onValuesChange={onValuesChange}>
        <Form.Item name="title" label={t('activity.title')} rules={[required(t('activity.title'))]}>
          <Input maxLength={200} data-testid="edit-title" />
        </Form.Item>
        {has('due_at') ? (
          <Form.Item name="due_at" label={a.kind === 'task' ? t('activity.dueAt') : t('activity.visitAt')} rules={[{ required: true, message: t('validation.required', { field: t('activity.dueAt') }) }]}>
            <DatePicker {...dateTime} data-testid="edit-due-at" />
          </Form.Item>
        ) : null}
        {has('remind_at') ? (
          <Form.Item name="remind_at" label={t('activity.remindAt')} extra={t('activity.remindFollowsDue')}>
            <DatePicker {...dateTime} data-testid="edit-remind-at" />
          </Form.Item>
        ) : null}
        {has('owner_id') ? (
          <Form.Item name="owner_id" label={t('activity.owner')} extra={t('activity.ownerHint')}>
            <UserSelect initialLabel={a.owner_name} allowClear={false} data-testid="edit-owner" />
          </Form.Item>
        ) : null}
        {has('goal') ? (
          <Form.Item name="goal" label={t('activity.goal')}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} data-testid="edit-goal" />
          </Form.Item>
        ) : null}
        {has('commitment') ? (
          <Form.Item name="commitment" label={t('activity.commitment')} extra={t('activity.commitmentHint')} rules={a.status === 'planned' ? [required(t('activity.commitment'))] : []}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} data-testid="edit-commitment" />
          </Form.Item>
        ) : null}
        {has('preparation') ? (
          <Form.Item name="preparation" label={t('activity.preparation')}>
            <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="edit-preparation" />
          </Form.Item>
        ) : null}
        {has('outcome') ? (
          <Form.Item name="outcome" label={t('activity.outcome')}>
            <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="edit-outcome" />
          </Form.Item>
        ) : null}
        <Form.Item name="body" label={t('activity.body')}>
          <Input.TextArea maxLength={5000} autoSize={{ minRows: 3, maxRows: 8 }} data-testid="edit-body" />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
