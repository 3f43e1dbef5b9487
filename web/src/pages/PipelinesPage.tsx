// Sales pipelines (销售流程): a tenant admin defines the sales process here — each pipeline
// with its stages in order, the default one marked; create, edit, make default and delete.
import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Empty, List, Popconfirm, Space, Spin, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { describeError, useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { useIsMobile } from '../components/useMediaQuery';
import { conflictText, KIND_COLOR, kindLabel, PipelineEditor } from '../components/PipelineEditor';
import { pipelineConflict } from '../pipelines';
import type { Page, Pipeline, PipelineStage } from '../types';

export default function PipelinesPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const [pipelines, setPipelines] = useState<Pipeline[] | null>(null);
  const [editing, setEditing] = useState<Pipeline | null | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      const p = await api.get<Page<Pipeline>>('/pipelines');
      setPipelines(p.items ?? []);
    } catch (e) {
      setPipelines((cur) => cur ?? []);
      onError(e);
    }
  }, [onError]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const makeDefault = async (p: Pipeline) => {
    try {
      await api.patch<Pipeline>(`/pipelines/${p.id}`, { is_default: true }, p.version);
      message.success(t('pipeline.madeDefault', { name: p.name }));
    } catch (e) {
      onError(e, undefined, () => void reload());
    }
    await reload();
  };

  const remove = async (p: Pipeline) => {
    try {
      await api.del(`/pipelines/${p.id}`, { version: p.version });
      message.success(t('msg.deleted'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // The refusal says why (deals use it, it is the default): a dialog, not a passing toast.
        const c = pipelineConflict(e.detail);
        modal.error({ title: t('pipeline.deleteRefused', { name: p.name }), content: c ? conflictText(t, c) : describeError(e, t) });
      } else onError(e, undefined, () => void reload());
    }
    await reload();
  };

  return (
    <div>
      <PageHeader
        title={t('nav.pipelines')}
        subtitle={t('pipeline.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="create-pipeline">
            {t('pipeline.create')}
          </Button>
        }
      />
      {!pipelines ? (
        <Spin style={{ display: 'block', margin: '48px auto' }} />
      ) : pipelines.length === 0 ? (
        <Empty description={t('board.noPipeline')} />
      ) : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {pipelines.map((p) => (
            <PipelineCard key={p.id} pipeline={p} onEdit={() => setEditing(p)} onMakeDefault={() => makeDefault(p)} onDelete={() => remove(p)} />
          ))}
        </Space>
      )}
      <PipelineEditor
        open={editing !== undefined}
        pipeline={editing ?? null}
        onClose={() => setEditing(undefined)}
        onSaved={(_, created) => {
          message.success(created ? t('msg.created') : t('msg.saved'));
          setEditing(undefined);
          void reload();
        }}
        onStale={() => void reload()}
      />
    </div>
  );
}

function PipelineCard({ pipeline: p, onEdit, onMakeDefault, onDelete }: { pipeline: Pipeline; onEdit: () => void; onMakeDefault: () => void; onDelete: () => void }) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  const stages = [...p.stages].sort((a, b) => a.position - b.position);
  const columns: TableProps<PipelineStage>['columns'] = [
    { title: '#', dataIndex: 'position', key: 'position', width: 44 },
    { title: t('pipeline.stageName'), dataIndex: 'name', key: 'name', width: 140 },
    { title: t('pipeline.kind'), dataIndex: 'kind', key: 'kind', width: 90, render: (k: PipelineStage['kind']) => <Tag color={KIND_COLOR[k]}>{kindLabel(t, k)}</Tag> },
    { title: t('pipeline.probability'), dataIndex: 'probability', key: 'probability', width: 110, render: (v: number) => `${v}%` },
    { title: t('pipeline.rotDays'), dataIndex: 'rot_days', key: 'rot_days', width: 100, render: (v: number) => rotText(t, v) },
    {
      title: t('pipeline.requiredTasks'),
      dataIndex: 'required_tasks',
      key: 'required_tasks',
      render: (tasks: string[]) => <TaskTags tasks={tasks} />,
    },
  ];
  return (
    <Card
      size="small"
      data-testid={`pipeline-${p.id}`}
      title={
        <Space wrap>
          <span data-testid="pipeline-title">{p.name}</span>
          {p.is_default ? (
            <Tag color="gold" data-testid="pipeline-default-tag">
              {t('pipeline.default')}
            </Tag>
          ) : null}
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {t('pipeline.stageCount', { count: stages.length })}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={onEdit} data-testid={`pipeline-edit-${p.id}`}>
            {t('action.edit')}
          </Button>
          {p.is_default ? null : (
            <Button type="link" size="small" onClick={onMakeDefault} data-testid={`pipeline-make-default-${p.id}`}>
              {t('pipeline.makeDefault')}
            </Button>
          )}
          {p.is_default ? (
            <Tooltip title={t('pipeline.deleteDefault')}>
              <Button type="link" size="small" danger disabled>
                {t('action.delete')}
              </Button>
            </Tooltip>
          ) : (
            <Popconfirm title={t('pipeline.deleteConfirm', { name: p.name })} onConfirm={onDelete} okText={t('action.delete')} okButtonProps={{ danger: true }} cancelText={t('action.cancel')}>
              <Button type="link" size="small" danger data-testid={`pipeline-delete-${p.id}`}>
                {t('action.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      {mobile ? (
        <StageRows stages={stages} />
      ) : (
        <Table<PipelineStage> rowKey="id" size="small" columns={columns} dataSource={stages} pagination={false} scroll={{ x: 640 }} data-testid={`pipeline-stages-${p.id}`} />
      )}
    </Card>
  );
}

type T = ReturnType<typeof useI18n>['t'];

function rotText(t: T, days: number): string {
  return days ? t('pipeline.days', { count: days }) : t('pipeline.rotNever');
}

function TaskTags({ tasks }: { tasks?: string[] }) {
  if (!tasks?.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {tasks.map((x) => (
        <Tag key={x}>{x}</Tag>
      ))}
    </Space>
  );
}

/** The stages on a phone: one row each, everything visible without scrolling sideways. */
function StageRows({ stages }: { stages: PipelineStage[] }) {
  const { t } = useI18n();
  return (
    <List
      size="small"
      dataSource={stages}
      rowKey="id"
      renderItem={(s) => (
        <List.Item style={{ display: 'block', paddingInline: 0 }}>
          <Space wrap size={[8, 4]}>
            <span>{s.position}</span>
            <Typography.Text strong>{s.name}</Typography.Text>
            <Tag color={KIND_COLOR[s.kind]}>{kindLabel(t, s.kind)}</Tag>
            <Typography.Text type="secondary">
              {t('pipeline.probability')} {s.probability}% · {t('pipeline.rotDays')} {rotText(t, s.rot_days)}
            </Typography.Text>
          </Space>
          {s.required_tasks?.length ? (
            <div style={{ marginTop: 4 }}>
              <TaskTags tasks={s.required_tasks} />
            </div>
          ) : null}
        </List.Item>
      )}
    />
  );
}
