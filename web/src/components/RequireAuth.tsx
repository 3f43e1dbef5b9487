import { Navigate, useLocation } from 'react-router-dom';
import { Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';

export function FullPageSpin() {
  return (
    <div style={{ minHeight: '60vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" />
    </div>
  );
}

/** Sends a visitor who is not signed in to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <FullPageSpin />;
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Shows a 403 page when the signed-in user lacks `permission`. */
export function RequirePermission({ permission, children }: { permission?: string; children: ReactNode }) {
  const { can } = useAuth();
  const { t } = useI18n();
  if (permission && !can(permission)) {
    return <Result status="403" title="403" subTitle={t('error.forbidden')} />;
  }
  return <>{children}</>;
}
