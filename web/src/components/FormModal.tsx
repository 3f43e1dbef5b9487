import type { ComponentProps } from 'react';
import { Button, Modal, type ModalProps } from 'antd';
import { useI18n } from '../i18n';

type Props = Omit<ModalProps, 'onOk' | 'confirmLoading' | 'onCancel'> & {
  onClose: () => void;
  onSubmit: () => void;
  saving: boolean;
};

/**
 * The dialog around a form: the submit button (Save unless okText says
 * otherwise; marked form-submit for the browser tests) shows progress, Cancel
 * closes, and the form's state is dropped on close.
 */
export function FormModal({ onClose, onSubmit, saving, ...props }: Props) {
  const { t } = useI18n();
  return (
    <Modal
      onCancel={onClose}
      onOk={onSubmit}
      confirmLoading={saving}
      okText={t('action.save')}
      cancelText={t('action.cancel')}
      okButtonProps={{ 'data-testid': 'form-submit' } as ComponentProps<typeof Button>}
      destroyOnClose
      {...props}
    />
  );
}
