// Offboarding (离职交接): hand everything a departing user owns to a
// successor and disable the user, in one request (POST /users/{id}/offboard).
// Three steps in one modal: pick the successor, confirm (it cannot be
// undone), then the counts of what moved.
import { useEffect, useState } from 'react';
import { Alert, Button, Descriptions, Form, Input, Modal, Result } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { UserSelect } from '../components/UserSelect';
import type { User } from '../types';

/** What moved to the successor (the API's OffboardResult). */
export interface OffboardResult {
  leads: number;
  customers: number;
  contacts: number;
  opportunities: number;
  activities: number;
}

interface Props {
  /** The user leaving; null: closed. */
  user: User | null;
  onClose: () => void;
  /** Called once the handover is done (the user is disabled by then). */
  onDone: (u: User) => void;
}

type Step = 'pick' | 'confirm' | 'done';

const countKeys = ['leads', 'customers', 'contacts', 'opportunities', 'activities'] as const;

export function OffboardModal({ user, onClose, onDone }: Props) {
  const { t } = useI18n();
  const onError = useApiError();
  const [form] = Form.useForm<{ successor_id: string; reason?: string }>();
  const [step, setStep] = useState<Step>('pick');
  const [successor, setSuccessor] = useState<User | null>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<OffboardResult | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (user) {
      form.resetFields();
      setStep('pick');
      setSuccessor(null);
      setResult(null);
    }
  }, [user, form]);

  const next = async () => {
    const { successor_id, reason } = await form.validateFields();
    setReason(reason?.trim() ?? '');
    setBusy(true);
    try {
      setSuccessor(await api.get<User>(`/users/${successor_id}`));
      setStep('confirm');
    } catch (e) {
      onError(e, form);
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    if (!user || !successor) return;
    setBusy(true);
    try {
      const r = await api.post<OffboardResult>(`/users/${user.id}/offboard`, { successor_id: successor.id, ...(reason ? { reason } : {}) });
      setResult(r);
      setStep('done');
      onDone(user);
    } catch (e) {
      setStep('pick');
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  const footer =
    step === 'pick' ? (
      [
        <Button key="cancel" onClick={onClose}>
          {t('action.cancel')}
        </Button>,
        <Button key="next" type="primary" loading={busy} onClick={next} data-testid="offboard-next">
          {t('offboard.next')}
        </Button>,
      ]
    ) : step === 'confirm' ? (
      [
        <Button key="back" onClick={() => setStep('pick')} disabled={busy}>
          {t('offboard.back')}
        </Button>,
        <Button key="run" type="primary" danger loading={busy} onClick={run} data-testid="offboard-confirm">
          {t('offboard.confirm')}
        </Button>,
      ]
    ) : (
      <Button type="primary" onClick={onClose} data-testid="offboard-close">
        {t('action.close')}
      </Button>
    );

  return (
    <Modal
      open={!!user}
      title={t('offboard.title', { name: user?.name ?? '' })}
      onCancel={busy ? undefined : onClose}
      maskClosable={false}
      footer={footer}
      destroyOnClose
    >
      {/* Only the first step shows the form (a hidden Select would leave
          its dropdown half-faded); the form instance keeps the choice for "back". */}
      {step === 'pick' ? (
        <div>
          <p style={{ color: 'rgba(0,0,0,0.65)' }}>{t('offboard.intro', { name: user?.name ?? '' })}</p>
          <Form form={form} layout="vertical">
            <Form.Item name="successor_id" label={t('offboard.successor')} rules={[{ required: true, message: t('validation.required', { field: t('offboard.successor') }) }]}>
              <UserSelect excludeId={user?.id} initialLabel={successor?.name} allowClear={false} data-testid="offboard-successor" />
            </Form.Item>
            <Form.Item name="reason" label={t('offboard.reason')}>
              <Input maxLength={200} placeholder={t('offboard.reasonDefault')} data-testid="offboard-reason" />
            </Form.Item>
          </Form>
        </div>
      ) : null}
      {step === 'confirm' && successor ? (
        <Alert type="warning" showIcon data-testid="offboard-warning" message={t('offboard.confirmText', { name: user?.name ?? '', successor: successor.name })} />
      ) : null}
      {step === 'done' && result ? (
        <Result
          status="success"
          style={{ padding: '16px 0' }}
          title={t('offboard.doneTitle', { name: user?.name ?? '', successor: successor?.name ?? '' })}
          subTitle={t('offboard.doneSub', { name: user?.name ?? '' })}
          extra={
            <Descriptions size="small" column={1} bordered data-testid="offboard-result">
              {countKeys.map((k) => (
                <Descriptions.Item key={k} label={t(`offboard.count.${k}`)}>
                  <span data-testid={`offboard-count-${k}`}>{result[k]}</span>
                </Descriptions.Item>
              ))}
            </Descriptions>
          }
        />
      ) : null}
    </Modal>
  );
}
