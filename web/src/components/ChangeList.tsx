import { Space, Typography } from 'antd';
import { ArrowRightOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { formatAuditValue, formatDateTime } from '../format';
import { fieldLabel, scopeLabel, statusLabel } from './labels';
import { RefValue, refKind } from './RefValue';
import { LeadRef } from './LeadLink';
import type { AuditChange } from '../types';

/** The changed fields of one audit entry: field — old → new. */
export function ChangeList({ changes, labels }: { changes?: AuditChange[] | null; labels?: Record<string, string> }) {
  const { t, td } = useI18n();
  // A new record's empty fields (— → —) say nothing.
  changes = changes?.filter((c) => !(isEmpty(c.old) && isEmpty(c.new)));
  if (!changes || changes.length === 0) {
    return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  }
  return (
    <table className="rudder-changes" data-testid="audit-changes" style={{ width: 'auto' }}>
      <thead>
        <tr>
          <th>{t('audit.field')}</th>
          <th>{t('audit.old')}</th>
          <th />
          <th>{t('audit.new')}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c, i) => (
          <tr key={`${c.field}-${i}`}>
            <td className="rudder-changes-field">{labels?.[c.field] ?? fieldLabel(td, c.field)}</td>
            <td>
              <Typography.Text delete={c.old !== undefined && c.old !== null && c.old !== ''} type="secondary">
                <Value field={c.field} value={c.old} />
              </Typography.Text>
            </td>
            <td>
              <ArrowRightOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />
            </td>
            <td>
              <Typography.Text>
                <Value field={c.field} value={c.new} />
              </Typography.Text>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** The fields of a lead merge whose values are lead ids (see internal/lead/merge.go): shown as links. */
const LEAD_REFS = new Set(['merged_into_id', 'merged_from']);

/** One old or new value: names for ids, translated enum values, JSON for the rest. */
function Value({ field, value }: { field: string; value: unknown }) {
  const { t } = useI18n();
  if (LEAD_REFS.has(field)) {
    const ids = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
    if (ids.length)
      return (
        <Space size={[8, 0]} wrap>
          {ids.map((id) => (
            <LeadRef key={id} id={id} />
          ))}
        </Space>
      );
  }
  if (typeof value === 'string' && value !== '') {
    if (refKind(field)) return <RefValue field={field} id={value} />;
    if (field === 'status') return <>{statusLabel(t, value)}</>;
    if (field === 'data_scope') return <>{scopeLabel(t, value)}</>;
    if (field.endsWith('_at') && /^\d{4}-\d\d-\d\dT/.test(value)) return <>{formatDateTime(value)}</>;
  }
  return <>{formatAuditValue(value)}</>;
}
