// The signed-in frame: side navigation (a drawer on phones), header with breadcrumbs and the user menu.
import { useMemo, useState } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { Avatar, Breadcrumb, Button, Drawer, Dropdown, Layout, Menu, Typography, type MenuProps } from 'antd';
import { CheckOutlined, GlobalOutlined, LogoutOutlined, MenuFoldOutlined, MenuOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { NAV, NAV_GROUPS, navItemFor, subPageFor } from '../nav';
import { useIsMobile } from './useMediaQuery';

const { Header, Sider, Content } = Layout;

function Brand({ collapsed }: { collapsed?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="rudder-brand">
      <span className="rudder-logo">R</span>
      {collapsed ? null : <span className="rudder-brand-name">{t('app.name')}</span>}
    </div>
  );
}

function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const location = useLocation();
  const current = navItemFor(location.pathname);

  const items: MenuProps['items'] = useMemo(() => {
    const visible = NAV.filter((n) => !n.permission || can(n.permission));
    const link = (n: (typeof NAV)[number]) => ({
      key: n.path,
      icon: n.icon,
      label: (
        <Link to={n.path} data-testid={n.testid} onClick={onNavigate}>
          {t(n.label)}
        </Link>
      ),
    });
    const top: NonNullable<MenuProps['items']> = visible.filter((n) => !n.group).map(link);
    for (const g of NAV_GROUPS) {
      const children = visible.filter((n) => n.group === g.key).map(link);
      if (children.length) top.push({ type: 'group' as const, key: g.key, label: t(g.label), children });
    }
    return top;
  }, [can, t, onNavigate]);

  return <Menu theme="dark" mode="inline" selectedKeys={current ? [current.path] : []} items={items} />;
}

function UserMenu() {
  const { me, logout } = useAuth();
  const { t, locale, setLocale } = useI18n();
  const mobile = useIsMobile();
  const check = (on: boolean) => (on ? <CheckOutlined /> : <span style={{ display: 'inline-block', width: 14 }} />);
  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div style={{ color: 'rgba(0,0,0,0.88)' }}>
          <div style={{ fontWeight: 600 }}>{me?.user.name}</div>
          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{me?.user.email}</div>
        </div>
      ),
    },
    { type: 'divider' },
    {
      key: 'lang',
      type: 'group',
      label: (
        <span>
          <GlobalOutlined /> {t('user.language')}
        </span>
      ),
      children: [
        { key: 'lang-zh', icon: check(locale === 'zh-CN'), label: <span data-testid="menu-lang-zh">中文</span> },
        { key: 'lang-en', icon: check(locale === 'en-US'), label: <span data-testid="menu-lang-en">English</span> },
      ],
    },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="menu-logout">{t('user.logout')}</span> },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'lang-zh') setLocale('zh-CN');
    else if (key === 'lang-en') setLocale('en-US');
    else if (key === 'logout') void logout();
  };
  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button type="text" data-testid="user-menu" style={{ height: 40, paddingInline: 8 }}>
        <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: '#1677ff' }} />
        {mobile ? null : <span style={{ marginLeft: 8 }}>{me?.user.name}</span>}
      </Button>
    </Dropdown>
  );
}

function Crumbs({ compact }: { compact?: boolean }) {
  const { t } = useI18n();
  const location = useLocation();
  const item = navItemFor(location.pathname);
  const sub = item ? subPageFor(location.pathname) : undefined;
  if (compact) {
    // Phones: the current page's name only.
    return <span className="rudder-crumb-title">{t(sub?.label ?? item?.label ?? 'nav.home')}</span>;
  }
  const parts: { title: React.ReactNode }[] = [{ title: <Link to="/">{t('nav.home')}</Link> }];
  if (item && item.path !== '/') {
    const group = NAV_GROUPS.find((g) => g.key === item.group);
    if (group) parts.push({ title: t(group.label) });
    // Below a menu page (线索 › 导入): the menu page is a link back, the sub-page is last.
    parts.push({ title: sub ? <Link to={item.path}>{t(item.label)}</Link> : t(item.label) });
    if (sub) parts.push({ title: t(sub.label) });
  }
  return <Breadcrumb items={parts} />;
}

export function AppLayout() {
  const mobile = useIsMobile();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { t } = useI18n();

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {mobile ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          width={240}
          closable={false}
          styles={{ body: { padding: 0, background: '#001529' } }}
          data-testid="nav-drawer"
        >
          <Brand />
          <NavMenu onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
      ) : (
        <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} trigger={null} width={220} style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          <Brand collapsed={collapsed} />
          <NavMenu />
        </Sider>
      )}
      <Layout>
        <Header className="rudder-header">
          <Button
            type="text"
            aria-label={t('nav.toggle')}
            data-testid="nav-toggle"
            icon={mobile ? <MenuOutlined /> : collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => (mobile ? setDrawerOpen(true) : setCollapsed(!collapsed))}
          />
          <div className="rudder-crumbs">
            <Crumbs compact={mobile} />
          </div>
          <UserMenu />
        </Header>
        <Content className="rudder-content">
          <Outlet />
        </Content>
        <Layout.Footer style={{ textAlign: 'center', padding: '12px 16px' }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('app.footer')}
          </Typography.Text>
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
