// The lead drawer's pool action: return an owned lead to its pool, with a reason.
import { useState } from 'react';
import { App, Button, Input, Modal, type ButtonProps } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import type { Ownership } from '../pools';
import type { Lead } from '../types';

/** Whether the caller may return this lead: its owner, or anyone who may assign; never a converted lead. */
export function canReturnLead(lead: Lead, userId: string | undefined, canWrite: boolean, canAssign: boolean): boolean {
  if (!canWrite || !lead.owner_id || lead.status === 'converted') return false;
  return lead.owner_id === userId || canAssign;
}

export function ReturnToPoolButton({ lead, onReturned }: { lead: Lead; onReturned: (l: Lead) => void }) {
  const { t } = useI18n();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  if (!canReturnLead(lead, me?.user.id, can('lead.write'), can('lead.assign'))) return null;

  const openModal = () => {
    setReason('');
    setOpen(true);
  };

  const submit = async () => {
    setBusy(true);
    try {
      const o = await api.post<Ownership>(`/leads/${lead.id}/return`, { reason: reason.trim() });
      message.success(t('pool.returned'));
      setOpen(false);
      onReturned({ ...lead, owner_id: null, owner_name: '', department_id: o.department_id ?? lead.department_id, version: o.version });
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<RollbackOutlined />} onClick={openModal} data-testid="lead-return">
        {t('pool.return')}
      </Button>
      <Modal
        open={open}
        title={t('pool.return')}
        onCancel={() => setOpen(false)}
        onOk={() => void submit()}
        okText={t('pool.return')}
        okButtonProps={{ disabled: !reason.trim(), loading: busy, 'data-testid': 'lead-return-submit' } as ButtonProps}
        destroyOnClose
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={200}
          autoSize={{ minRows: 2, maxRows: 4 }}
          placeholder={t('pool.returnReasonHint')}
          aria-label={t('pool.returnReason')}
          data-testid="lead-return-reason"
        />
      </Modal>
    </>
  );
}
