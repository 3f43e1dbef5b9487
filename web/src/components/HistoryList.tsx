// A record's change history from /api/v1/<resource>/{id}/history.
import { Empty, Spin, Timeline, Typography } from 'antd';
import { useI18n } from '../i18n';
import { formatDateTime } from '../format';
import { useApiError } from '../errors';
import { useCursorList } from './useCursorList';
import { LoadMore } from './LoadMore';
import { ChangeList } from './ChangeList';
import { actionLabel } from './labels';
import type { AuditEntry } from '../types';

export type HistoryResource = 'users' | 'departments' | 'roles' | 'tokens' | 'leads' | 'customers' | 'contacts' | 'activities' | 'opportunities' | 'regions' | 'assignment-rules';

/** fieldLabels names fields where the shared field.* labels would misname them for this resource. */
export function HistoryList({ resource, id, fieldLabels }: { resource: HistoryResource; id: string; fieldLabels?: Record<string, string> }) {
  const { t } = useI18n();
  const onError = useApiError();
  const list = useCursorList<AuditEntry>(`/${resource}/${encodeURIComponent(id)}/history`, {}, onError, 20);

  if (list.loading && list.items.length === 0) return <Spin />;
  if (list.items.length === 0) return <Empty description={t('history.empty')} />;
  const color = (a: string) => (a === 'create' ? 'green' : a === 'delete' ? 'red' : 'blue');
  return (
    <div data-testid="history">
      <Timeline
        items={list.items.map((e) => ({
          color: color(e.action),
          children: (
            <div>
              <Typography.Text strong>{actionLabel(t, e.action)}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                {t('history.by', { name: e.actor_name || t('audit.system'), at: formatDateTime(e.at) })}
              </Typography.Text>
              {e.action !== 'delete' && (e.changes?.length ?? 0) > 0 ? (
                <div style={{ marginTop: 8 }}>
                  <ChangeList changes={e.changes} labels={fieldLabels} />
                </div>
              ) : null}
            </div>
          ),
        }))}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={0} />
    </div>
  );
}
