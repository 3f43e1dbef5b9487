// A lead's or customer's pool history (/leads|customers/{id}/pool-events): every claim, return
// (by hand or automatic) and assignment — who did it, when, whose it became or was, which pool,
// and the reason. Shown above the change history; nothing when it never went through a pool.
import { useEffect, useState } from 'react';
import { Timeline, Typography } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import type { Page, PoolEvent } from '../types';

const COLOR: Record<PoolEvent['kind'], string> = { claim: 'green', assign: 'blue', return: 'orange', auto_return: 'red' };

export function PoolEvents({ resource, id }: { resource: 'leads' | 'customers'; id: string }) {
  const { t } = useI18n();
  const onError = useApiError();
  const [events, setEvents] = useState<PoolEvent[]>([]);
  useEffect(() => {
    let live = true;
    api
      .get<Page<PoolEvent>>(`/${resource}/${encodeURIComponent(id)}/pool-events`)
      .then((p) => live && setEvents(p.items ?? []))
      .catch((e) => live && onError(e));
    return () => {
      live = false;
    };
  }, [resource, id, onError]);
  if (events.length === 0) return null;
  return (
    <div data-testid={`${resource === 'leads' ? 'lead' : 'customer'}-pool-events`} style={{ marginBottom: 16 }}>
      <Typography.Title level={5}>{t('lead.poolEvents.title')}</Typography.Title>
      <Timeline
        items={events.map((e) => ({
          color: COLOR[e.kind] ?? 'gray',
          children: (
            <div data-testid={`pool-event-${e.kind}`}>
              <Typography.Text strong>{t(`lead.poolEvents.${e.kind}`)}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                {t('history.by', { name: e.kind === 'auto_return' ? t('audit.system') : e.actor_name || t('audit.system'), at: formatDateTime(e.at) })}
              </Typography.Text>
              <div>{describe(t, e)}</div>
              {e.reason ? (
                <div>
                  <Typography.Text type="secondary">{t('lead.poolEvents.reason')}</Typography.Text>
                  <Typography.Text data-testid="pool-event-reason">{e.reason}</Typography.Text>
                </div>
              ) : null}
            </div>
          ),
        }))}
      />
      <Typography.Title level={5}>{t('tab.history')}</Typography.Title>
    </div>
  );
}

/** Whose the lead became (claim, assign) or was (returns), and the pool it left or went to. */
function describe(t: ReturnType<typeof useI18n>['t'], e: PoolEvent): string {
  const user = e.user_name || '—';
  const pool = e.pool_name || '—';
  switch (e.kind) {
    case 'claim':
      return t('lead.poolEvents.claimDetail', { user, pool });
    case 'assign':
      return e.pool_id ? t('lead.poolEvents.assignFromPool', { user, pool }) : t('lead.poolEvents.assignDetail', { user });
    default:
      return t('lead.poolEvents.returnDetail', { user, pool });
  }
}
