import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth';
import { I18nProvider } from './i18n';
import { AppLayout } from './components/AppLayout';
import { FullPageSpin, RequireAuth, RequirePermission } from './components/RequireAuth';
import LoginPage from './pages/LoginPage';
import HomePage from './pages/HomePage';

const SignupPage = lazy(() => import('./pages/SignupPage'));
const LeadsPage = lazy(() => import('./pages/LeadsPage'));
const BoardPage = lazy(() => import('./pages/BoardPage'));
const FunnelPage = lazy(() => import('./pages/FunnelPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const DepartmentsPage = lazy(() => import('./pages/DepartmentsPage'));
const RolesPage = lazy(() => import('./pages/RolesPage'));
const TokensPage = lazy(() => import('./pages/TokensPage'));
const WebFormsPage = lazy(() => import('./pages/WebFormsPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const RegionsPage = lazy(() => import('./pages/RegionsPage'));
const AssignmentRulesPage = lazy(() => import('./pages/AssignmentRulesPage'));
const PoolsPage = lazy(() => import('./pages/PoolsPage'));
const MyDayPage = lazy(() => import('./pages/MyDayPage'));
const ImportPage = lazy(() => import('./pages/ImportPage'));
const DuplicatesPage = lazy(() => import('./pages/DuplicatesPage'));
const CustomersPage = lazy(() => import('./pages/CustomersPage'));
const CustomerPage = lazy(() => import('./pages/CustomerPage'));
const ScoringModelPage = lazy(() => import('./pages/ScoringModelPage'));
const PipelinesPage = lazy(() => import('./pages/PipelinesPage'));
const CustomerMatrixPage = lazy(() => import('./pages/CustomerMatrixPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

function page(el: React.ReactNode, permission?: string) {
  return (
    <RequirePermission permission={permission}>
      <Suspense fallback={<FullPageSpin />}>{el}</Suspense>
    </RequirePermission>
  );
}

export default function App() {
  return (
    <I18nProvider>
      <BrowserRouter>
        <AuthProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<Suspense fallback={<FullPageSpin />}><SignupPage /></Suspense>} />
            <Route
              element={
                <RequireAuth>
                  <AppLayout />
                </RequireAuth>
              }
            >
              <Route index element={<HomePage />} />
              <Route path="leads" element={page(<LeadsPage />, 'lead.read')} />
              <Route path="leads/import" element={page(<ImportPage />, 'lead.write')} />
              <Route path="leads/duplicates" element={page(<DuplicatesPage />, 'lead.read')} />
              <Route path="pools" element={page(<PoolsPage />, 'lead.read')} />
              <Route path="my-day" element={page(<MyDayPage />, 'activity.read')} />
              <Route path="customers" element={page(<CustomersPage />, 'customer.read')} />
              <Route path="customers/:id" element={page(<CustomerPage />, 'customer.read')} />
              <Route path="opportunities/board" element={page(<BoardPage />, 'deal.read')} />
              <Route path="analytics/funnel" element={page(<FunnelPage />, 'analytics.read')} />
              <Route path="analytics/customer-matrix" element={page(<CustomerMatrixPage />, 'analytics.read')} />
              <Route path="admin/pipelines" element={page(<PipelinesPage />, 'pipeline.manage')} />
              <Route path="admin/scoring" element={page(<ScoringModelPage />, 'customer.read')} />
              <Route path="admin/users" element={page(<UsersPage />, 'user.read')} />
              <Route path="admin/departments" element={page(<DepartmentsPage />, 'department.read')} />
              <Route path="admin/roles" element={page(<RolesPage />, 'role.read')} />
              <Route path="admin/tokens" element={page(<TokensPage />, 'token.manage')} />
              <Route path="admin/web-forms" element={page(<WebFormsPage />, 'webform.manage')} />
              <Route path="admin/regions" element={page(<RegionsPage />, 'region.write')} />
              <Route path="admin/assignment-rules" element={page(<AssignmentRulesPage />, 'assignment.manage')} />
              <Route path="admin/audit" element={page(<AuditPage />, 'audit.read')} />
              <Route path="*" element={page(<NotFoundPage />)} />
            </Route>
          </Routes>
        </AuthProvider>
      </BrowserRouter>
    </I18nProvider>
  );
}
