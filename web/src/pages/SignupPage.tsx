import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, Card, Form, Input } from 'antd';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { AuthShell } from './LoginPage';
import type { SessionResponse } from '../types';

interface SignupForm {
  company: string;
  name: string;
  email: string;
  password: string;
}

export default function SignupPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<SignupForm>();
  const [submitting, setSubmitting] = useState(false);
  const { reload } = useAuth();
  const navigate = useNavigate();
  const onError = useApiError();
  const required = (field: string) => ({ required: true, message: t('validation.required', { field }) });

  const submit = async (values: SignupForm) => {
    setSubmitting(true);
    try {
      await api.post<SessionResponse>('/signup', values, { noAuthRedirect: true });
      await reload();
      navigate('/', { replace: true });
    } catch (e) {
      onError(e, form);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthShell>
      <Card className="rudder-auth-card" title={t('signup.title')}>
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="company" label={t('signup.company')} rules={[required(t('signup.company'))]}>
            <Input data-testid="signup-company" autoComplete="organization" />
          </Form.Item>
          <Form.Item name="name" label={t('signup.name')} rules={[required(t('signup.name'))]}>
            <Input data-testid="signup-name" autoComplete="name" />
          </Form.Item>
          <Form.Item name="email" label={t('login.email')} rules={[required(t('login.email')), { type: 'email', message: t('validation.email') }]}>
            <Input data-testid="signup-email" autoComplete="username" inputMode="email" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[required(t('login.password')), { min: 8, message: t('validation.passwordMin', { min: 8 }) }]}>
            <Input.Password data-testid="signup-password" autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="form-submit">
            {t('signup.submit')}
          </Button>
        </Form>
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          {t('signup.haveAccount')} <Link to="/login">{t('login.submit')}</Link>
        </div>
      </Card>
    </AuthShell>
  );
}
