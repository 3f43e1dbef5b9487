// The customer page's pool action: return an owned customer to its customer pool, with a reason.
// Shown only while the tenant's customer pools are switched on.
import { useEffect, useState } from 'react';
import { App, Button, Input, Modal, type ButtonProps } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import type { CustomerOwnership, CustomerPoolSettings } from '../pools';
import type { CustomerRecord } from '../customers';

/** Whether the caller may return this customer: its owner, or anyone who manages pools. */
export function canReturnCustomer(c: Pick<CustomerRecord, 'owner_id'>, userId: string | undefined, canWrite: boolean, canManage: boolean): boolean {
  if (!canWrite || !c.owner_id) return false;
  return c.owner_id === userId || canManage;
}

export function ReturnCustomerButton({ customer, onReturned }: { customer: CustomerRecord; onReturned: () => void }) {
  const { t } = useI18n();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [on, setOn] = useState(false);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const allowed = canReturnCustomer(customer, me?.user.id, can('customer.write'), can('pool.manage'));

  useEffect(() => {
    if (!allowed) return;
    api.get<CustomerPoolSettings>('/settings/customer-pools').then(
      (s) => setOn(s.enabled),
      () => setOn(false),
    );
  }, [allowed]);
  if (!allowed || !on) return null;

  const submit = async () => {
    setBusy(true);
    try {
      await api.post<CustomerOwnership>(`/customers/${customer.id}/return`, { reason: reason.trim() });
      message.success(t('pool.returned'));
      setOpen(false);
      onReturned();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<RollbackOutlined />} onClick={() => (setReason(''), setOpen(true))} data-testid="customer-return">
        {t('pool.return')}
      </Button>
      <Modal
        open={open}
        title={t('pool.return')}
        onCancel={() => setOpen(false)}
        onOk={() => void submit()}
        okText={t('pool.return')}
        okButtonProps={{ disabled: !reason.trim(), loading: busy, 'data-testid': 'customer-return-submit' } as ButtonProps}
        destroyOnClose
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={200}
          autoSize={{ minRows: 2, maxRows: 4 }}
          placeholder={t('pool.returnReasonHint')}
          aria-label={t('pool.returnReason')}
          data-testid="customer-return-reason"
        />
      </Modal>
    </>
  );
}
