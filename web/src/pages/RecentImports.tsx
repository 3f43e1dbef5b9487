// The recent imports on the import page: file, status, counters and the per-row report, newest first.
import { useEffect, useState } from 'react';
import { Card, Table, Tag } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { errorReportUrl, type ImportJob, type ImportPage, type ImportStatus } from '../imports';

const STATUS_COLORS: Record<ImportStatus, string> = {
  uploaded: 'default',
  running: 'processing',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
};

/** How many recent imports the page shows. */
const RECENT = 10;

export function RecentImports() {
  const { t } = useI18n();
  const onError = useApiError();
  const [items, setItems] = useState<ImportJob[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .get<ImportPage>('/imports', { limit: RECENT })
      .then((p) => live && setItems(p.items))
      .catch((e) => {
        if (live) {
          setItems([]);
          onError(e);
        }
      });
    return () => {
      live = false;
    };
  }, [onError]);
  if (items && items.length === 0) return null;
  return (
    <Card size="small" title={t('import.recent')} style={{ marginTop: 24 }} data-testid="import-recent">
      <Table<ImportJob>
        rowKey="id"
        size="small"
        pagination={false}
        loading={!items}
        dataSource={items ?? []}
        scroll={{ x: 820 }}
        columns={[
          { title: t('import.when'), dataIndex: 'created_at', key: 'created_at', width: 140, render: (v: string) => formatDateTime(v) },
          { title: t('import.file'), dataIndex: 'file_name', key: 'file_name', width: 180, ellipsis: true },
          {
            title: t('import.statusTitle'),
            dataIndex: 'status',
            key: 'status',
            width: 100,
            render: (s: ImportStatus) => <Tag color={STATUS_COLORS[s]}>{t(`import.status.${s}` as MessageKey)}</Tag>,
          },
          { title: t('import.created'), dataIndex: 'created_rows', key: 'created', width: 70 },
          { title: t('import.updated'), dataIndex: 'updated_rows', key: 'updated', width: 70 },
          { title: t('import.skipped'), dataIndex: 'skipped_rows', key: 'skipped', width: 70 },
          { title: t('import.errors'), dataIndex: 'error_rows', key: 'errors', width: 70 },
          {
            title: '',
            key: 'report',
            width: 90,
            render: (_: unknown, j: ImportJob) =>
              j.status !== 'uploaded' && j.processed_rows > 0 ? (
                <a href={errorReportUrl(j.id)} download>
                  {t('import.report')}
                </a>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}
