// Export a list as the user filtered it: a menu of Excel and CSV downloads. Plain links, so the file
// streams to disk through the session cookie however large it is.
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { type QueryValue } from '../api';
import { browserTimeZone, exportUrl } from '../exports';
import { useI18n } from '../i18n';

export function ExportButton(props: { path: string; filters: Record<string, QueryValue>; testId: string }) {
  const { t, locale } = useI18n();
  const link = (format: 'xlsx' | 'csv', label: string) => (
    <a href={exportUrl(props.path, props.filters, format, locale, browserTimeZone())} download data-testid={`${props.testId}-${format}`}>
      {label}
    </a>
  );
  return (
    <Dropdown
      trigger={['click']}
      menu={{ items: [{ key: 'xlsx', label: link('xlsx', t('export.xlsx')) }, { key: 'csv', label: link('csv', t('export.csv')) }] }}
    >
      <Button icon={<DownloadOutlined />} data-testid={props.testId}>
        {t('export.button')}
      </Button>
    </Dropdown>
  );
}
