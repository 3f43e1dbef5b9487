// The create / edit drawer of a sales pipeline: its name and its stages in order. Open stages
// are added, renamed, reordered and removed here; the won and lost stages always close the
// list, because the server takes each stage's kind from where it stands. An edit sends only
// what changed, with the version it was loaded at (If-Match): a pipeline changed meanwhile
// is refused with 412.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Tag, Tooltip } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { describeError, useApiError } from '../errors';
import { FormDrawer } from './FormDrawer';
import {
  addStage,
  canMoveStage,
  canRemoveStage,
  createPipelineBody,
  duplicateStageNames,
  kindAt,
  moveStage,
  pipelineConflict,
  pipelinePatch,
  pipelineValues,
  removeStage,
  stageFieldLocation,
  type PipelineConflict,
  type PipelineValues,
  type StageValues,
} from '../pipelines';
import type { Pipeline, StageKind } from '../types';

type T = ReturnType<typeof useI18n>['t'];

export const KIND_COLOR: Record<StageKind, string> = { open: 'blue', won: 'green', lost: 'default' };

export function kindLabel(t: T, kind: StageKind): string {
  return t(`pipeline.kind.${kind}` as MessageKey);
}

/** A refusal the server gave without naming a field, in the UI's language. */
export function conflictText(t: T, c: PipelineConflict): string {
  switch (c.reason) {
    case 'stageInUse':
      return t('pipeline.stageInUse', { stage: c.stage });
    case 'inUse':
      return t('pipeline.inUse', { count: c.count });
    case 'isDefault':
      return t('pipeline.deleteDefault');
  }
}

interface Props {
  open: boolean;
  /** The pipeline to edit; null = create. */
  pipeline: Pipeline | null;
  onClose: () => void;
  onSaved: (p: Pipeline, created: boolean) => void;
  /** Reload the list after a 412. */
  onStale: () => void;
}

export function PipelineEditor({ open, pipeline, onClose, onSaved, onStale }: Props) {
  const { t } = useI18n();
  const [form] = Form.useForm<PipelineValues>();
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const onError = useApiError();

  // The form instance outlives the drawer's content, and a remounted form keeps what its
  // store held over new initial values: start each opening from the pipeline's values.
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(pipelineValues(pipeline, { won: t('board.won'), lost: t('board.lost') }));
  }, [open, pipeline, form, t]);

  const close = () => {
    setRefusal(null);
    onClose();
  };

  const submit = async () => {
    try {
      await form.validateFields();
    } catch {
      return;
    }
    // The whole store: the stages' ids are held without a field of their own.
    const v = form.getFieldsValue(true) as PipelineValues;
    setSaving(true);
    setRefusal(null);
    try {
      if (!pipeline) {
        onSaved(await api.post<Pipeline>('/pipelines', createPipelineBody(v)), true);
      } else {
        const patch = pipelinePatch(pipeline, v);
        onSaved(Object.keys(patch).length ? await api.patch<Pipeline>(`/pipelines/${pipeline.id}`, patch, pipeline.version) : pipeline, false);
      }
      setRefusal(null);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };

  const showError = (e: unknown) => {
    if (e instanceof ApiError && e.status === 409) {
      if (e.errors.some((x) => x.location === 'body.name')) {
        form.setFields([{ name: ['name'], errors: [t('pipeline.nameTaken')] }]);
        return;
      }
      const c = pipelineConflict(e.detail);
      setRefusal(c ? conflictText(t, c) : describeError(e, t));
      return;
    }
    if (e instanceof ApiError) {
      // A refused required task belongs on its stage's task list, the one field for them.
      e = new ApiError(e.status, { ...e.body, errors: e.errors.map((x) => ({ ...x, location: stageFieldLocation(x.location) })) }, e.retryAfter);
    }
    onError(e, form, () => {
      close();
      onStale();
    });
  };

  return (
    <FormDrawer
      open={open}
      width={760}
      title={pipeline ? t('pipeline.edit', { name: pipeline.name }) : t('pipeline.create')}
      onClose={close}
      onSubmit={submit}
      submitting={saving}
      testid="pipeline-editor"
    >
      {refusal ? <Alert type="error" showIcon message={t('pipeline.saveRefused')} description={refusal} style={{ marginBottom: 16 }} data-testid="pipeline-refusal" /> : null}
      <Form form={form} layout="vertical" preserve={false} requiredMark="optional">
        <Form.Item name="name" label={t('pipeline.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('pipeline.name') }) }]}>
          <Input maxLength={60} data-testid="pipeline-name" />
        </Form.Item>
        <Form.Item name="is_default" label={t('pipeline.isDefault')} valuePropName="checked" extra={t('pipeline.isDefaultHint')}>
          {/* The default is replaced, never unset, so the default's switch stays on. */}
          <Switch disabled={!!pipeline?.is_default} data-testid="pipeline-default" />
        </Form.Item>
        <Form.Item label={t('pipeline.stages')} extra={t('pipeline.stagesHint')} required>
          <StageList form={form} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

function StageList({ form }: { form: ReturnType<typeof Form.useForm<PipelineValues>>[0] }) {
  const { t } = useI18n();
  const edit = (f: (s: StageValues[]) => StageValues[]) => form.setFieldValue('stages', f(form.getFieldValue('stages') ?? []));
  const distinct = () => ({
    validator: (_: unknown, value?: string) =>
      value && duplicateStageNames(form.getFieldValue('stages') ?? []).has(value.trim()) ? Promise.reject(new Error(t('pipeline.duplicateStage'))) : Promise.resolve(),
  });
  return (
    <Form.List name="stages">
      {(fields) => (
        <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="pipeline-stages">
          {fields.map((f, i) => {
            const n = fields.length;
            const kind = kindAt(i, n);
            const tools =
              kind === 'open' ? (
                <Space size={0}>
                  <Tooltip title={t('pipeline.moveUp')}>
                    <Button type="text" size="small" icon={<ArrowUpOutlined />} aria-label={t('pipeline.moveUp')} disabled={!canMoveStage(i, -1, n)} onClick={() => edit((s) => moveStage(s, i, -1))} data-testid={`stage-up-${i}`} />
                  </Tooltip>
                  <Tooltip title={t('pipeline.moveDown')}>
                    <Button type="text" size="small" icon={<ArrowDownOutlined />} aria-label={t('pipeline.moveDown')} disabled={!canMoveStage(i, 1, n)} onClick={() => edit((s) => moveStage(s, i, 1))} data-testid={`stage-down-${i}`} />
                  </Tooltip>
                  <Tooltip title={t('pipeline.removeStage')}>
                    <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('pipeline.removeStage')} disabled={!canRemoveStage(i, n)} onClick={() => edit((s) => removeStage(s, i))} data-testid={`stage-remove-${i}`} />
                  </Tooltip>
                </Space>
              ) : null;
            return (
              <Card
                key={f.key}
                size="small"
                data-testid={`stage-${i}`}
                title={
                  <Space>
                    <span>{i + 1}</span>
                    <Tag color={KIND_COLOR[kind]}>{kindLabel(t, kind)}</Tag>
                  </Space>
                }
                extra={tools}
              >
                <Row gutter={12}>
                  <Col xs={24} md={12}>
                    <Form.Item name={[f.name, 'name']} label={t('pipeline.stageName')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('pipeline.stageName') }) }, distinct]}>
                      <Input maxLength={40} data-testid={`stage-name-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item name={[f.name, 'probability']} label={t('pipeline.probability')} rules={[{ required: true, message: t('validation.required', { field: t('pipeline.probability') }) }]}>
                      <InputNumber min={0} max={100} precision={0} addonAfter="%" style={{ width: '100%' }} data-testid={`stage-probability-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item name={[f.name, 'rot_days']} label={t('pipeline.rotDays')} tooltip={t('pipeline.rotDaysHint')}>
                      <InputNumber min={0} max={3650} precision={0} style={{ width: '100%' }} data-testid={`stage-rot-${i}`} />
                    </Form.Item>
                  </Col>
                  {kind === 'open' ? (
                    <Col span={24}>
                      <Form.Item name={[f.name, 'required_tasks']} label={t('pipeline.requiredTasks')} style={{ marginBottom: 0 }}>
                        <Select mode="tags" maxCount={20} tokenSeparators={[',', '，']} placeholder={t('pipeline.requiredTasksHint')} notFoundContent={null} data-testid={`stage-tasks-${i}`} />
                      </Form.Item>
                    </Col>
                  ) : null}
                </Row>
              </Card>
            );
          })}
          <Button type="dashed" block icon={<PlusOutlined />} disabled={fields.length >= 30} onClick={() => edit(addStage)} data-testid="stage-add">
            {t('pipeline.addStage')}
          </Button>
        </Space>
      )}
    </Form.List>
  );
}
