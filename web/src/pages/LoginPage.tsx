import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, List, Tag, Typography } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { LangSwitch } from '../components/LangSwitch';
import { roleName } from '../components/labels';
import type { AppConfig, SessionResponse } from '../types';

interface LoginForm {
  email: string;
  password: string;
}

/** Where to go after signing in: only same-site paths, never back to /login. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

export function useAppConfig() {
  const [config, setConfig] = useState<AppConfig | null>(null);
  useEffect(() => {
    api
      .get<AppConfig>('/config', undefined, { noAuthRedirect: true })
      .then(setConfig)
      .catch(() => setConfig(null));
  }, []);
  return config;
}

export function AuthShell({ children }: { children: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="rudder-auth">
      <div className="rudder-auth-top">
        <div className="rudder-brand rudder-brand-light">
          <span className="rudder-logo">R</span>
          <span className="rudder-brand-name">{t('app.name')}</span>
        </div>
        <LangSwitch />
      </div>
      <div className="rudder-auth-body">{children}</div>
    </div>
  );
}

export default function LoginPage() {
  const { t, td } = useI18n();
  const [form] = Form.useForm<LoginForm>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const config = useAppConfig();
  const { me, reload } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const onError = useApiError();
  const next = safeNext(params.get('next'));

  useEffect(() => {
    if (me) navigate(next, { replace: true });
  }, [me, next, navigate]);

  const submit = async (values: LoginForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await api.post<SessionResponse>('/sessions', values, { noAuthRedirect: true });
      await reload();
      navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        setFailure(t('login.failed'));
      } else if (e instanceof ApiError && e.status === 429) {
        setFailure(e.retryAfter ? t('login.locked.retry', { seconds: e.retryAfter }) : t('login.locked'));
      } else {
        onError(e, form);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthShell>
      <Card className="rudder-auth-card" title={t('login.title')}>
        {failure ? <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} autoComplete="on">
          <Form.Item
            name="email"
            label={t('login.email')}
            rules={[
              { required: true, message: t('validation.required', { field: t('login.email') }) },
              { type: 'email', message: t('validation.email') },
            ]}
          >
            <Input prefix={<MailOutlined />} autoComplete="username" data-testid="login-email" inputMode="email" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('validation.required', { field: t('login.password') }) }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        {config?.signup ? (
          <div style={{ marginTop: 16, textAlign: 'center' }}>
            {t('login.noAccount')} <Link to="/signup" data-testid="signup-link">{t('login.signup')}</Link>
          </div>
        ) : null}
      </Card>
      {config?.demo ? (
        <Card className="rudder-auth-card" size="small" title={t('login.demo.title')} data-testid="demo-card">
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('login.demo.hint')}{' '}
            <Typography.Text code copyable>
              {config.demo_password}
            </Typography.Text>
          </Typography.Paragraph>
          <div className="rudder-demo-list">
            <List
              size="small"
              dataSource={config.demo_logins ?? []}
              renderItem={(d) => (
                <List.Item
                  className="rudder-demo-login"
                  data-testid={`demo-login-${d.email}`}
                  onClick={() => form.setFieldsValue({ email: d.email, password: config.demo_password })}
                >
                  <div style={{ minWidth: 0 }}>
                    <div className="rudder-demo-email">{d.email}</div>
                    {d.name || d.team ? (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {[d.name, d.team].filter(Boolean).join(' · ')}
                      </Typography.Text>
                    ) : null}
                  </div>
                  <Tag style={{ marginInlineEnd: 0 }}>{roleName(td, { key: d.role, name: d.role })}</Tag>
                </List.Item>
              )}
            />
          </div>
        </Card>
      ) : null}
      {config?.version ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('app.version', { version: config.version })}
        </Typography.Text>
      ) : null}
    </AuthShell>
  );
}
