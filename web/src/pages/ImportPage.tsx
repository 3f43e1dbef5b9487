// The lead import wizard: upload a CSV/XLSX file → check the suggested column mapping and choose
// what to do with duplicates → run it (polling the import's counters; it can be cancelled) → the
// result, with the rows that were refused, the rows that matched existing leads or customers, and
// the per-row report to download. The upload step lists the recent imports.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Progress, Radio, Row, Select, Space, Statistic, Steps, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { useApiError } from '../errors';
import { PageHeader } from '../components/PageHeader';
import { RecentImports } from './RecentImports';
import { useIsMobile } from '../components/useMediaQuery';
import {
  DUPLICATE_POLICIES,
  errorReportUrl,
  fetchReportHead,
  initialMapping,
  isFinished,
  mappingProblem,
  progressPercent,
  setColumn,
  uploadImport,
  type ColumnMapping,
  type DuplicatePolicy,
  type ImportJob,
  type ImportRowError,
  type Uploaded,
} from '../imports';

/** The lead form's label of each importable field. */
const FIELD_LABELS: Record<string, MessageKey> = {
  contact_name: 'lead.contactName',
  company: 'lead.company',
  title: 'lead.title',
  phone: 'lead.phone',
  email: 'lead.email',
  wechat: 'lead.wechat',
  source: 'lead.source',
  region: 'lead.region',
  industry: 'lead.industry',
  notes: 'lead.notes',
};

const POLL_MS = 1000;
/** Error rows shown on the page; the report has them all. */
const SHOWN_ERRORS = 100;
/** How much of the per-row report the page reads. */
const REPORT_HEAD_BYTES = 256 << 10;

export default function ImportPage() {
  const { t } = useI18n();
  const [uploaded, setUploaded] = useState<Uploaded | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const step = job ? (isFinished(job) ? 3 : 2) : uploaded ? 1 : 0;
  const mobile = useIsMobile();
  const restart = () => {
    setUploaded(null);
    setJob(null);
  };

  return (
    <div>
      <PageHeader title={t('import.title')} />
      <Steps
        current={step}
        size="small"
        responsive={false}
        labelPlacement={mobile ? 'vertical' : 'horizontal'}
        style={{ marginBottom: 24 }}
        items={[{ title: t('import.step.upload') }, { title: t('import.step.mapping') }, { title: t('import.step.result') }]}
        data-testid="import-steps"
      />
      {step === 0 ? <UploadStep onUploaded={setUploaded} /> : null}
      {step === 1 && uploaded ? <MappingStep uploaded={uploaded} onStarted={setJob} onBack={restart} /> : null}
      {step >= 2 && job ? <RunStep job={job} onJob={setJob} onAgain={restart} /> : null}
    </div>
  );
}

function UploadStep({ onUploaded }: { onUploaded: (u: Uploaded) => void }) {
  const { t, locale } = useI18n();
  const onError = useApiError();
  const [busy, setBusy] = useState(false);
  return (
    <div data-testid="import-upload">
      <Upload.Dragger
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        multiple={false}
        showUploadList={false}
        disabled={busy}
        beforeUpload={(file) => {
          setBusy(true);
          uploadImport(file, locale)
            .then(onUploaded)
            .catch((e) => onError(e))
            .finally(() => setBusy(false));
          return false; // we send it ourselves
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{busy ? t('import.running') : t('import.drop')}</p>
        <p className="ant-upload-hint">{t('import.dropHint')}</p>
      </Upload.Dragger>
      <RecentImports />
    </div>
  );
}

interface ColumnRow {
  key: string;
  name: string;
  samples: string[];
}

function MappingStep({ uploaded, onStarted, onBack }: { uploaded: Uploaded; onStarted: (j: ImportJob) => void; onBack: () => void }) {
  const { t } = useI18n();
  const onError = useApiError();
  const mobile = useIsMobile();
  const [mapping, setMapping] = useState<ColumnMapping>(() => initialMapping(uploaded.header, uploaded.suggested_mapping, uploaded.fields));
  const [policy, setPolicy] = useState<DuplicatePolicy>('skip');
  const [starting, setStarting] = useState(false);
  const problem = mappingProblem(mapping);
  const label = (f: string) => (FIELD_LABELS[f] ? t(FIELD_LABELS[f]) : f);
  const fieldOptions = [{ value: '', label: t('import.ignore') }, ...uploaded.fields.map((f) => ({ value: f, label: label(f) }))];

  const rows: ColumnRow[] = useMemo(
    () =>
      uploaded.header.map((name, i) => ({
        key: String(i),
        name,
        samples: uploaded.preview.slice(0, 3).map((r) => r[i] ?? '').filter((v) => v !== ''),
      })),
    [uploaded],
  );

  const start = async () => {
    setStarting(true);
    try {
      onStarted(await api.post<ImportJob>(`/imports/${uploaded.import.id}/start`, { mapping, duplicate_policy: policy }));
    } catch (e) {
      onError(e);
    } finally {
      setStarting(false);
    }
  };

  return (
    <div data-testid="import-mapping">
      <Typography.Paragraph data-testid="import-file">
        {t('import.fileInfo', { name: uploaded.import.file_name, rows: uploaded.import.total_rows })}
        {uploaded.import.encoding ? <Typography.Text type="secondary"> · {uploaded.import.encoding.toUpperCase()}</Typography.Text> : null}
      </Typography.Paragraph>
      <Table<ColumnRow>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('import.column'),
            dataIndex: 'name',
            key: 'name',
            width: mobile ? undefined : 140,
            render: (v: string, r) => (
              <div>
                <Typography.Text strong>{v}</Typography.Text>
                {/* Phones: the samples under the name, so the field choice stays on screen. */}
                {mobile ? <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', wordBreak: 'break-all' }}>{r.samples.join(' / ')}</div> : null}
              </div>
            ),
          },
          ...(mobile
            ? []
            : [
                {
                  title: t('import.sample'),
                  dataIndex: 'samples',
                  key: 'samples',
                  ellipsis: true,
                  render: (v: string[]) => <Typography.Text type="secondary">{v.join(' / ') || '—'}</Typography.Text>,
                },
              ]),
          {
            title: t('import.field'),
            key: 'field',
            width: mobile ? 150 : 200,
            render: (_, r) => (
              <Select
                value={mapping[r.key] ?? ''}
                onChange={(f: string) => setMapping((m) => setColumn(m, r.key, f))}
                options={fieldOptions}
                style={{ width: '100%' }}
                data-testid={`import-map-${r.key}`}
              />
            ),
          },
        ]}
      />
      {problem ? <Alert type="warning" showIcon style={{ marginTop: 16 }} message={t('import.noContactName')} data-testid="import-mapping-problem" /> : null}
      <Card size="small" style={{ marginTop: 16 }} title={t('import.duplicatePolicy')}>
        <Typography.Paragraph type="secondary">{t('import.duplicateHint')}</Typography.Paragraph>
        <Radio.Group value={policy} onChange={(e) => setPolicy(e.target.value as DuplicatePolicy)} data-testid="import-policy">
          <Space direction={mobile ? 'vertical' : 'horizontal'}>
            {DUPLICATE_POLICIES.map((p) => (
              <Radio key={p} value={p} data-testid={`import-policy-${p}`}>
                {t(`import.policy.${p}`)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Card>
      <Space style={{ marginTop: 16 }} wrap>
        <Button onClick={onBack} data-testid="import-back">
          {t('import.back')}
        </Button>
        <Button type="primary" disabled={!!problem} loading={starting} onClick={() => void start()} data-testid="import-start">
          {t('import.start')}
        </Button>
      </Space>
    </div>
  );
}

function RunStep({ job, onJob, onAgain }: { job: ImportJob; onJob: (j: ImportJob) => void; onAgain: () => void }) {
  const { t } = useI18n();
  const onError = useApiError();
  const [report, setReport] = useState<ImportRowError[] | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const finished = isFinished(job);
  const errors = report && report.filter((r) => r.kind === 'error');
  const duplicates = report && report.filter((r) => r.kind === 'duplicate');
  const onJobRef = useRef(onJob);
  onJobRef.current = onJob;

  // Poll while it runs in the background.
  useEffect(() => {
    if (finished) return;
    const h = setTimeout(async () => {
      try {
        onJobRef.current(await api.get<ImportJob>(`/imports/${job.id}`));
      } catch (e) {
        onError(e);
      }
    }, POLL_MS);
    return () => clearTimeout(h);
  }, [job, finished, onError]);

  // Once finished, the refused and the duplicate rows (from the head of the report, the only list of them).
  useEffect(() => {
    if (!finished || job.processed_rows === 0) return;
    const ctrl = new AbortController();
    fetchReportHead(job.id, REPORT_HEAD_BYTES, ctrl.signal)
      .then(setReport)
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [finished, job.id, job.processed_rows]);

  const cancel = async () => {
    setCancelling(true);
    try {
      onJob(await api.post<ImportJob>(`/imports/${job.id}/cancel`));
    } catch (e) {
      onError(e);
    } finally {
      setCancelling(false);
    }
  };

  const rowsCard = (key: string, title: string, rows: ImportRowError[] | null, link: boolean) => (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={title}
      data-testid={`import-${key}-card`}
      extra={
        link ? (
          <a href={errorReportUrl(job.id)} download data-testid="import-error-report">
            {t('import.downloadErrors')}
          </a>
        ) : null
      }
    >
      <Table<ImportRowError>
        rowKey={(r, i) => `${r.row}-${r.field}-${i}`}
        size="small"
        pagination={false}
        loading={!rows}
        dataSource={(rows ?? []).slice(0, SHOWN_ERRORS)}
        scroll={{ x: 520 }}
        data-testid={`import-${key}-rows`}
        columns={[
          { title: t('import.row'), dataIndex: 'row', key: 'row', width: 70 },
          { title: t('import.field'), dataIndex: 'field', key: 'field', width: 110, render: (f: string) => (FIELD_LABELS[f] ? t(FIELD_LABELS[f]) : f) },
          { title: t('import.value'), dataIndex: 'value', key: 'value', width: 140, ellipsis: true },
          { title: t('import.message'), dataIndex: 'message', key: 'message' },
        ]}
      />
      {rows && rows.length > SHOWN_ERRORS ? <Typography.Text type="secondary">{t('import.moreErrors', { n: SHOWN_ERRORS })}</Typography.Text> : null}
    </Card>
  );

  const stat = (key: string, title: string, value: number, color?: string) => (
    <Col xs={12} sm={6}>
      <Statistic title={title} value={value} valueStyle={color ? { color } : undefined} data-testid={`import-${key}`} />
    </Col>
  );

  return (
    <div data-testid="import-run">
      {finished ? (
        job.status === 'failed' ? (
          <Alert type="error" showIcon message={t('import.failed', { reason: job.failure ?? '' })} data-testid="import-failed" />
        ) : job.status === 'cancelled' ? (
          <Alert type="warning" showIcon message={t('import.cancelled')} data-testid="import-cancelled" />
        ) : (
          <Alert type={job.error_rows ? 'warning' : 'success'} showIcon message={t('import.done')} data-testid="import-done" />
        )
      ) : (
        <Space wrap>
          <Typography.Text>{t('import.running')}</Typography.Text>
          {job.status === 'running' ? (
            <Button size="small" danger loading={cancelling} onClick={cancel} data-testid="import-cancel">
              {t('import.cancel')}
            </Button>
          ) : null}
        </Space>
      )}
      <Progress percent={progressPercent(job)} status={job.status === 'failed' ? 'exception' : finished ? 'success' : 'active'} data-testid="import-progress" />
      <Typography.Text type="secondary">{t('import.progress', { done: job.processed_rows, total: job.total_rows })}</Typography.Text>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }} data-testid="import-counters">
        {stat('created', t('import.created'), job.created_rows, '#389e0d')}
        {stat('updated', t('import.updated'), job.updated_rows)}
        {stat('skipped', t('import.skipped'), job.skipped_rows)}
        {stat('errors', t('import.errors'), job.error_rows, job.error_rows ? '#cf1322' : undefined)}
      </Row>
      {finished && job.error_rows > 0 ? rowsCard('error', t('import.errorRows'), errors, true) : null}
      {finished && duplicates && duplicates.length > 0 ? rowsCard('duplicate', t('import.duplicateRows'), duplicates, job.error_rows === 0) : null}
      {finished ? (
        <Space style={{ marginTop: 16 }} wrap>
          <Button onClick={onAgain} data-testid="import-again">
            {t('import.again')}
          </Button>
          <Link to="/leads">
            <Button type="primary">{t('import.toLeads')}</Button>
          </Link>
        </Space>
      ) : null}
    </div>
  );
}

