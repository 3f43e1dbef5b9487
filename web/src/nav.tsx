// The navigation: where each page lives, the permission that shows it, and its label.
import {
  ApartmentOutlined,
  FunnelPlotOutlined,
  ProjectOutlined,
  AuditOutlined,
  HomeOutlined,
  KeyOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { CalendarOutlined, InboxOutlined } from '@ant-design/icons';
import { ShopOutlined } from '@ant-design/icons';
import { AppstoreOutlined, StarOutlined } from '@ant-design/icons';
import { FormOutlined } from '@ant-design/icons';
import { EnvironmentOutlined, ShareAltOutlined } from '@ant-design/icons';
import { NodeIndexOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from './i18n';

export type NavGroup = 'sales' | 'admin';

/** The groups in menu order, with their labels. */
export const NAV_GROUPS: { key: NavGroup; label: MessageKey }[] = [
  { key: 'sales', label: 'nav.sales' },
  { key: 'admin', label: 'nav.admin' },
];

export interface NavItem {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  testid: string;
  /** Shown only with this permission; none = every signed-in user. */
  permission?: string;
  group?: NavGroup;
}

export const NAV: NavItem[] = [
  { path: '/', label: 'nav.home', icon: <HomeOutlined />, testid: 'nav-home' },
  { path: '/my-day', label: 'nav.myDay', icon: <CalendarOutlined />, testid: 'nav-my-day', permission: 'activity.read', group: 'sales' },
  { path: '/leads', label: 'nav.leads', icon: <ProfileOutlined />, testid: 'nav-leads', permission: 'lead.read', group: 'sales' },
  { path: '/pools', label: 'nav.pools', icon: <InboxOutlined />, testid: 'nav-pools', permission: 'lead.read', group: 'sales' },
  { path: '/customers', label: 'nav.customers', icon: <ShopOutlined />, testid: 'nav-customers', permission: 'customer.read', group: 'sales' },
  { path: '/opportunities/board', label: 'nav.board', icon: <ProjectOutlined />, testid: 'nav-board', permission: 'deal.read', group: 'sales' },
  { path: '/analytics/funnel', label: 'nav.funnel', icon: <FunnelPlotOutlined />, testid: 'nav-funnel', permission: 'analytics.read', group: 'sales' },
  { path: '/analytics/customer-matrix', label: 'nav.customerMatrix', icon: <AppstoreOutlined />, testid: 'nav-customer-matrix', permission: 'analytics.read', group: 'sales' },
  // Later in the sales group: customers.
  { path: '/admin/users', label: 'nav.users', icon: <TeamOutlined />, testid: 'nav-users', permission: 'user.read', group: 'admin' },
  { path: '/admin/departments', label: 'nav.departments', icon: <ApartmentOutlined />, testid: 'nav-departments', permission: 'department.read', group: 'admin' },
  { path: '/admin/roles', label: 'nav.roles', icon: <SafetyCertificateOutlined />, testid: 'nav-roles', permission: 'role.read', group: 'admin' },
  // API tokens are the user's own; token.manage lets a user have them.
  { path: '/admin/tokens', label: 'nav.tokens', icon: <KeyOutlined />, testid: 'nav-tokens', permission: 'token.manage', group: 'admin' },
  { path: '/admin/web-forms', label: 'nav.webForms', icon: <FormOutlined />, testid: 'nav-web-forms', permission: 'webform.manage', group: 'admin' },
  { path: '/admin/pipelines', label: 'nav.pipelines', icon: <NodeIndexOutlined />, testid: 'nav-pipelines', permission: 'pipeline.manage', group: 'admin' },
  { path: '/admin/scoring', label: 'nav.scoring', icon: <StarOutlined />, testid: 'nav-scoring', permission: 'scoring.manage', group: 'admin' },
  { path: '/admin/regions', label: 'nav.regions', icon: <EnvironmentOutlined />, testid: 'nav-regions', permission: 'region.write', group: 'admin' },
  { path: '/admin/assignment-rules', label: 'nav.assignmentRules', icon: <ShareAltOutlined />, testid: 'nav-assignment-rules', permission: 'assignment.manage', group: 'admin' },
  { path: '/admin/audit', label: 'nav.audit', icon: <AuditOutlined />, testid: 'nav-audit', permission: 'audit.read', group: 'admin' },
];

/** Pages below a nav item, with no menu entry: one more breadcrumb after their item's. */
export const SUB_PAGES: { path: string; label: MessageKey }[] = [
  { path: '/leads/import', label: 'nav.leadImport' },
  { path: '/leads/duplicates', label: 'dup.title' },
];

export function subPageFor(pathname: string): { path: string; label: MessageKey } | undefined {
  return SUB_PAGES.find((s) => pathname === s.path);
}

/** The nav item a path belongs to (the longest matching prefix). */
export function navItemFor(pathname: string): NavItem | undefined {
  let best: NavItem | undefined;
  for (const item of NAV) {
    const match = item.path === '/' ? pathname === '/' : pathname === item.path || pathname.startsWith(item.path + '/');
    if (match && (!best || item.path.length > best.path.length)) best = item;
  }
  return best;
}
