import { lazy, Suspense } from 'react';
import { Card, Col, Descriptions, Row, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { NAV } from '../nav';
import { roleName, scopeLabel } from '../components/labels';

// "My day" is the home page's main panel for whoever has activities; loaded on demand
// since it brings the lead drawer along.
const MyDayPanel = lazy(() => import('./MyDayPage').then((m) => ({ default: m.MyDayPanel })));

export default function HomePage() {
  const { me, can } = useAuth();
  const { t, td } = useI18n();
  if (!me) return null;
  const shortcuts = NAV.filter((n) => n.group === 'admin' && (!n.permission || can(n.permission)));
  return (
    <div>
      <Typography.Title level={3} data-testid="welcome">
        {t('home.welcome', { name: me.user.name })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('home.intro')}</Typography.Paragraph>
      {can('activity.read') ? (
        <div style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>{t('nav.myDay')}</Typography.Title>
          <Suspense fallback={<Spin />}>
            <MyDayPanel />
          </Suspense>
        </div>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('home.account')}>
            <Descriptions column={1} size="small" labelStyle={{ width: 120 }}>
              <Descriptions.Item label={t('user.name')}>{me.user.name}</Descriptions.Item>
              <Descriptions.Item label={t('user.email')}>{me.user.email}</Descriptions.Item>
              <Descriptions.Item label={t('home.tenant')}>
                <span data-testid="home-tenant">{me.tenant.name}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('user.role')}>
                <Tag color="blue" data-testid="home-role">
                  {roleName(td, me.role)}
                </Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('role.dataScope')}>
                <span data-testid="home-scope">{scopeLabel(t, me.data_scope)}</span>
              </Descriptions.Item>
              {me.user.department_name ? <Descriptions.Item label={t('user.department')}>{me.user.department_name}</Descriptions.Item> : null}
            </Descriptions>
          </Card>
        </Col>
        {shortcuts.length ? (
          <Col xs={24} lg={10}>
            <Card title={t('home.shortcuts')}>
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
                {shortcuts.map((n) => (
                  <Link key={n.path} to={n.path}>
                    <Tag icon={n.icon} style={{ padding: '4px 10px', fontSize: 14, cursor: 'pointer' }}>
                      {t(n.label)}
                    </Tag>
                  </Link>
                ))}
              </div>
            </Card>
          </Col>
        ) : null}
      </Row>
    </div>
  );
}
