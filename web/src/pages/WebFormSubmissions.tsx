// The leads a web form made, newest first, each opening its lead. Spam caught by the honeypot
// is answered as a success and stored nowhere, so only the form's count of it is shown.
import { Alert, Drawer, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { LoadMore } from '../components/LoadMore';
import { LeadLink } from '../components/LeadLink';
import { useCursorList } from '../components/useCursorList';
import { rowProps } from '../components/rowProps';
import { useIsMobile } from '../components/useMediaQuery';
import type { WebForm, WebFormSubmission } from '../webforms';

export function WebFormSubmissions({ form, open, onClose }: { form: WebForm | null; open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  return (
    <Drawer open={open} onClose={onClose} width={mobile ? '100%' : 760} destroyOnClose title={form ? t('webform.submissionsTitle', { name: form.name }) : ''} data-testid="webform-submissions">
      {form ? <SubmissionList form={form} /> : null}
    </Drawer>
  );
}

function SubmissionList({ form }: { form: WebForm }) {
  const { t } = useI18n();
  const onError = useApiError();
  const mobile = useIsMobile();
  const list = useCursorList<WebFormSubmission>(`/web-forms/${form.id}/submissions`, {}, onError, 20);
  const hidden = (
    <Tooltip title={t('webform.sub.hidden')}>
      <Typography.Text type="secondary">—</Typography.Text>
    </Tooltip>
  );

  const columns: TableProps<WebFormSubmission>['columns'] = [
    { title: t('webform.sub.time'), key: 'time', width: 140, render: (_, s) => formatDateTime(s.created_at) },
    {
      title: t('webform.sub.contact'),
      key: 'contact',
      width: 120,
      ellipsis: true,
      render: (_, s) =>
        s.lead_visible ? (
          <LeadLink id={s.lead_id} testid={`submission-lead-${s.id}`}>
            {s.contact_name || s.lead_id}
          </LeadLink>
        ) : (
          hidden
        ),
    },
    { title: t('webform.sub.company'), key: 'company', ellipsis: true, render: (_, s) => (s.lead_visible ? s.company || '—' : hidden) },
    { title: t('webform.sub.phone'), key: 'phone', width: 120, render: (_, s) => (s.lead_visible ? s.phone || '—' : hidden) },
    {
      title: t('webform.sub.duplicates'),
      key: 'duplicates',
      width: 100,
      render: (_, s) => (s.duplicates > 0 ? <Tag color="orange">{t('webform.sub.duplicatesCount', { count: s.duplicates })}</Tag> : <Typography.Text type="secondary">—</Typography.Text>),
    },
  ];

  return (
    <>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        data-testid="webform-submissions-summary"
        message={t('webform.submissionsSummary', { total: form.submissions, spam: form.spam_blocked, limit: form.rate_limit_per_hour })}
      />
      <Table<WebFormSubmission>
        rowKey="id"
        size="small"
        tableLayout="fixed"
        columns={columns}
        dataSource={list.items}
        loading={list.loading && list.items.length === 0}
        pagination={false}
        scroll={mobile ? { x: 640 } : undefined}
        onRow={(s) => rowProps(s.id)}
        locale={{ emptyText: t('webform.sub.empty') }}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </>
  );
}
