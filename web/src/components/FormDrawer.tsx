// A drawer holding a form: full width on phones, submit + cancel in the footer.
import { Button, Drawer, Space } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { useIsMobile } from './useMediaQuery';

interface Props {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  onSubmit?: () => void;
  submitting?: boolean;
  submitText?: string;
  width?: number;
  children: ReactNode;
  testid?: string;
}

export function FormDrawer({ open, title, onClose, onSubmit, submitting, submitText, width = 520, children, testid }: Props) {
  const { t } = useI18n();
  const mobile = useIsMobile();
  return (
    <Drawer
      open={open}
      title={title}
      onClose={onClose}
      width={mobile ? '100%' : width}
      destroyOnClose
      data-testid={testid}
      footer={
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{onSubmit ? t('action.cancel') : t('action.close')}</Button>
          {onSubmit ? (
            <Button type="primary" onClick={onSubmit} loading={submitting} data-testid="form-submit">
              {submitText ?? t('action.save')}
            </Button>
          ) : null}
        </Space>
      }
    >
      {children}
    </Drawer>
  );
}
