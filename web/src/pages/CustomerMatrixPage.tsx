// The customer value matrix (客户价值矩阵): the customers in my data scope in a 3×3 grid of
// value (won amount) × potential (open weighted pipeline), bands from the scoring model. A
// cell opens its customers (the customer list with the cell's filter).
import { useEffect, useMemo, useState } from 'react';
import { Card, Drawer, Empty, Spin, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { LoadMore } from '../components/LoadMore';
import { useCursorList } from '../components/useCursorList';
import { formatMoney } from '../money';
import { BANDS, bandText, filterParams, matrixRows, type CustomerMatrix, type MatrixCell, type MatrixCustomer } from '../scoring';
import { GradeTag } from './CustomersPage';

// Cell shades: the top right (high value, high potential) is the warmest.
const shade = (v: number, p: number) => `rgba(22, 119, 255, ${0.06 + 0.07 * (v + p)})`;

export default function CustomerMatrixPage() {
  const { t } = useI18n();
  const onError = useApiError();
  const [m, setM] = useState<CustomerMatrix | null>(null);
  const [open, setOpen] = useState<MatrixCell | null>(null);

  useEffect(() => {
    let live = true;
    api
      .get<CustomerMatrix>('/analytics/customer-matrix')
      .then((r) => live && setM(r))
      .catch((e) => live && onError(e));
    return () => {
      live = false;
    };
  }, [onError]);

  const rows = useMemo(() => matrixRows(m), [m]);
  const band = (b: string) => t(`matrix.band.${b}` as MessageKey);
  if (!m) return <Spin />;
  return (
    <div data-testid="matrix-page">
      <PageHeader title={t('matrix.title')} subtitle={t('matrix.subtitle')} extra={<Typography.Text>{t('matrix.total', { count: m.total })}</Typography.Text>} />
      <Typography.Paragraph type="secondary">{t('matrix.asOf')}</Typography.Paragraph>
      <div style={{ display: 'grid', gridTemplateColumns: 'auto repeat(3, minmax(0, 1fr))', gap: 8, alignItems: 'stretch' }}>
        {rows.map((row, ri) => (
          <MatrixRow key={ri} row={row} m={m} band={band} onOpen={setOpen} />
        ))}
        <div />
        {BANDS.map((p) => (
          <div key={p} style={{ textAlign: 'center' }}>
            <Typography.Text strong>
              {t('matrix.potential')} · {band(p)}
            </Typography.Text>
            <br />
            <Typography.Text type="secondary">{bandText(m.potential_bounds, p, m.currency)}</Typography.Text>
          </div>
        ))}
      </div>
      <CellDrawer cell={open} currency={m.currency} band={band} onClose={() => setOpen(null)} />
    </div>
  );
}

function MatrixRow({ row, m, band, onOpen }: { row: MatrixCell[]; m: CustomerMatrix; band: (b: string) => string; onOpen: (c: MatrixCell) => void }) {
  const { t } = useI18n();
  const v = row[0].value;
  return (
    <>
      <div style={{ display: 'flex', flexDirection: 'column', justifyContent: 'center', minWidth: 120 }}>
        <Typography.Text strong>
          {t('matrix.value')} · {band(v)}
        </Typography.Text>
        <Typography.Text type="secondary">{bandText(m.value_bounds, v, m.currency)}</Typography.Text>
      </div>
      {row.map((c) => (
        <Card
          key={c.potential}
          size="small"
          hoverable={c.count > 0}
          onClick={() => c.count > 0 && onOpen(c)}
          style={{ background: shade(BANDS.indexOf(c.value), BANDS.indexOf(c.potential)), minHeight: 120, cursor: c.count ? 'pointer' : 'default' }}
          data-testid={`matrix-cell-${c.value}-${c.potential}`}
        >
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="matrix-count">
            {c.count}
          </Typography.Title>
          {c.top.slice(0, 3).map((x) => (
            <div key={x.id}>
              <Typography.Text ellipsis style={{ maxWidth: '100%' }}>
                {x.name}
              </Typography.Text>
            </div>
          ))}
        </Card>
      ))}
    </>
  );
}

function CellDrawer({ cell, currency, band, onClose }: { cell: MatrixCell | null; currency: string; band: (b: string) => string; onClose: () => void }) {
  const { t } = useI18n();
  const onError = useApiError();
  const params = useMemo(() => (cell ? filterParams(cell.filter) : {}), [cell]);
  const list = useCursorList<MatrixCustomer>(cell ? '/customers' : null, params, onError);
  return (
    <Drawer
      open={!!cell}
      onClose={onClose}
      width={720}
      title={cell ? t('matrix.cellTitle', { value: band(cell.value), potential: band(cell.potential) }) + ' · ' + t('matrix.count', { count: cell.count }) : ''}
      destroyOnClose
    >
      <Table<MatrixCustomer>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.items}
        pagination={false}
        locale={{ emptyText: <Empty description={t('matrix.empty')} /> }}
        columns={[
          { title: t('customer.name'), dataIndex: 'name', render: (n: string, c) => <Link to={`/customers/${c.id}`}>{n}</Link> },
          { title: t('customer.grade'), dataIndex: 'grade', width: 70, render: (g: string | null) => <GradeTag grade={g} /> },
          { title: t('customer.score'), dataIndex: 'score', width: 70, align: 'right' },
          { title: t('matrix.won'), dataIndex: 'won_amount', align: 'right', render: (v: number) => formatMoney(v, currency) },
          { title: t('matrix.pipeline'), dataIndex: 'open_pipeline', align: 'right', render: (v: number) => formatMoney(v, currency) },
        ]}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </Drawer>
  );
}
