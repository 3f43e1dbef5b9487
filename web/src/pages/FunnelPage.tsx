// The sales funnel (销售漏斗): an ECharts funnel of the opportunities now in each stage, a table
// with amounts and stage-to-stage conversion, and a drill-down from a stage (chart or row) to
// its opportunities.
import { useEffect, useMemo, useState } from 'react';
import { DatePicker, Drawer, Select, Table, Tag, type TableProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { FunnelChart, type FunnelDatum } from '../components/FunnelChart';
import { useCursorList } from '../components/useCursorList';
import { useIsMobile } from '../components/useMediaQuery';
import { rowProps } from '../components/rowProps';
import { funnelChartData, funnelRows, nextDay, type FunnelRow } from '../deals';
import { formatMoney } from '../money';
import { usePipelines } from './BoardPage';
import type { Funnel, Opportunity } from '../types';

export default function FunnelPage() {
  const { t } = useI18n();
  const onError = useApiError();
  const mobile = useIsMobile();
  const pipelines = usePipelines(onError);
  const [pipelineId, setPipelineId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null]>([null, null]);
  const [funnel, setFunnel] = useState<Funnel | null>(null);
  const [loading, setLoading] = useState(false);
  const [drill, setDrill] = useState<string | null>(null);

  useEffect(() => {
    if (pipelines && !pipelineId && pipelines.length) setPipelineId((pipelines.find((p) => p.is_default) ?? pipelines[0]).id);
  }, [pipelines, pipelineId]);

  const from = range[0] ? range[0].format('YYYY-MM-DD') : undefined;
  // The picker's end day is included; the API's `to` is the day after.
  const to = range[1] ? nextDay(range[1].format('YYYY-MM-DD')) : undefined;

  useEffect(() => {
    if (!pipelineId) return;
    let live = true;
    setLoading(true);
    api
      .get<Funnel>('/analytics/funnel', { pipeline_id: pipelineId, from, to })
      .then((f) => live && setFunnel(f))
      .catch((e) => live && onError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [pipelineId, from, to, onError]);

  const rows = useMemo(() => funnelRows(funnel), [funnel]);
  const chartData = useMemo<FunnelDatum[]>(() => {
    const byId = new Map(rows.map((r) => [r.stageId, r]));
    return funnelChartData(funnel).map((d) => {
      const r = byId.get(d.stageId)!;
      return {
        ...d,
        won: r.kind === 'won',
        detail: [
          `${t('funnel.entered')}: ${r.entered}`,
          `${t('funnel.count')}: ${r.count}`,
          `${t('funnel.amount')}: ${r.amount}`,
          `${t('funnel.weighted')}: ${r.weighted}`,
          `${t('funnel.conversion')}: ${r.conversion}`,
        ],
      };
    });
  }, [funnel, rows, t]);

  const columns: TableProps<FunnelRow>['columns'] = [
    {
      title: t('funnel.stage'),
      dataIndex: 'name',
      key: 'name',
      width: 120,
      fixed: mobile ? undefined : 'left',
      render: (v: string, r) => (
        <span style={{ fontWeight: 500 }}>
          {v} {r.kind === 'open' ? <Tag bordered={false}>{r.probability}%</Tag> : null}
        </span>
      ),
    },
    { title: t('funnel.count'), dataIndex: 'count', key: 'count', width: 80, align: 'right' },
    { title: t('funnel.amount'), dataIndex: 'amount', key: 'amount', width: 170, align: 'right' },
    { title: t('funnel.weighted'), dataIndex: 'weighted', key: 'weighted', width: 170, align: 'right' },
    { title: t('funnel.entered'), dataIndex: 'entered', key: 'entered', width: 90, align: 'right' },
    { title: t('funnel.advanced'), dataIndex: 'advanced', key: 'advanced', width: 90, align: 'right' },
    { title: t('funnel.conversion'), dataIndex: 'conversion', key: 'conversion', width: 100, align: 'right' },
  ];

  const drillRow = rows.find((r) => r.stageId === drill);

  return (
    <div>
      <PageHeader title={t('nav.funnel')} subtitle={funnel?.pipeline_name} />
      <div className="rudder-filters" data-testid="funnel-filters">
        <Select
          value={pipelineId}
          onChange={setPipelineId}
          loading={!pipelines}
          options={(pipelines ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder={t('board.pipeline')}
          data-testid="funnel-pipeline"
        />
        {mobile ? (
          <div style={{ display: 'flex', gap: 8 }}>
            <DatePicker value={range[0]} onChange={(d) => setRange([d, range[1]])} placeholder={t('funnel.from')} style={{ flex: 1 }} data-testid="funnel-from" />
            <DatePicker value={range[1]} onChange={(d) => setRange([range[0], d])} placeholder={t('funnel.to')} style={{ flex: 1 }} data-testid="funnel-to" />
          </div>
        ) : (
          <DatePicker.RangePicker
            value={range}
            onChange={(v) => setRange([v?.[0] ?? null, v?.[1] ?? null])}
            allowEmpty={[true, true]}
            placeholder={[t('funnel.from'), t('funnel.to')]}
            data-testid="funnel-period"
          />
        )}
      </div>
      <div className="rudder-funnel-chart">
        <FunnelChart data={chartData} onSelect={setDrill} height={mobile ? 260 : 340} data-testid="funnel-chart" />
      </div>
      <Table<FunnelRow>
        rowKey="stageId"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={loading && rows.length === 0}
        pagination={false}
        scroll={{ x: 820 }}
        onRow={(r) => ({ ...rowProps(r.stageId), 'data-stage': r.name, onClick: () => setDrill(r.stageId), style: { cursor: 'pointer' } }) as object}
        footer={() => <span className="rudder-hint">{t('funnel.hint')}</span>}
        data-testid="funnel-table"
      />
      <Drawer
        open={!!drill}
        onClose={() => setDrill(null)}
        width={mobile ? '100%' : 720}
        title={drillRow ? t('funnel.drillTitle', { stage: drillRow.name }) : ''}
        destroyOnClose
        data-testid="funnel-drill"
      >
        {drill && pipelineId ? <DrillList pipelineId={pipelineId} stageId={drill} from={from} to={to} /> : null}
      </Drawer>
    </div>
  );
}

function DrillList({ pipelineId, stageId, from, to }: { pipelineId: string; stageId: string; from?: string; to?: string }) {
  const { t } = useI18n();
  const onError = useApiError();
  const list = useCursorList<Opportunity>('/opportunities', { pipeline_id: pipelineId, stage_id: stageId, created_from: from, created_to: to }, onError);
  const columns: TableProps<Opportunity>['columns'] = [
    {
      title: t('opp.name'),
      dataIndex: 'name',
      key: 'name',
      width: 180,
      render: (v: string, o) => (
        <div>
          <div style={{ fontWeight: 500 }}>{v}</div>
          <div className="rudder-hint">{o.customer_name}</div>
        </div>
      ),
    },
    { title: t('opp.amount'), key: 'amount', width: 140, align: 'right', render: (_, o) => formatMoney(o.amount.amount, o.amount.currency) },
    { title: t('opp.owner'), dataIndex: 'owner_name', key: 'owner', width: 90 },
    { title: t('opp.expectedClose'), dataIndex: 'expected_close', key: 'expected_close', width: 110 },
  ];
  return (
    <>
      <Table<Opportunity>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={{ x: 520 }}
        onRow={(o) => rowProps(o.id)}
        data-testid="funnel-drill-list"
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </>
  );
}
