import { Segmented } from 'antd';
import { useI18n, type Locale } from '../i18n';

/** zh-CN ⇄ English. Each language is named in itself, as is usual for a language switch. */
export function LangSwitch({ size }: { size?: 'small' | 'middle' | 'large' }) {
  const { locale, setLocale } = useI18n();
  return (
    <Segmented<Locale>
      data-testid="lang-switch"
      size={size}
      value={locale}
      onChange={(v) => setLocale(v)}
      options={[
        { value: 'zh-CN', label: <span data-testid="lang-zh">中文</span> },
        { value: 'en-US', label: <span data-testid="lang-en">English</span> },
      ]}
    />
  );
}
