import { Button } from 'antd';
import { useI18n } from '../i18n';

export function LoadMore({ hasMore, loading, onClick, count }: { hasMore: boolean; loading: boolean; onClick: () => void; count: number }) {
  const { t } = useI18n();
  return (
    <div style={{ textAlign: 'center', marginTop: 16, color: 'rgba(0,0,0,0.45)' }}>
      {hasMore ? (
        <Button onClick={onClick} loading={loading} data-testid="load-more">
          {t('list.loadMore')}
        </Button>
      ) : count > 0 ? (
        <span>{t('list.end', { count })}</span>
      ) : null}
    </div>
  );
}
