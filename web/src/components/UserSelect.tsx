// A searchable user picker: asks /users?q= as the person types.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { Page, User } from '../types';

interface Props {
  value?: string | null;
  onChange?: (v: string | null) => void;
  /** Name to show for `value` before the options are loaded. */
  initialLabel?: string | null;
  placeholder?: string;
  allowClear?: boolean;
  excludeId?: string;
  style?: React.CSSProperties;
  'data-testid'?: string;
  disabled?: boolean;
}

export function UserSelect({ value, onChange, initialLabel, placeholder, allowClear = true, excludeId, style, disabled, ...rest }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const my = ++seq.current;
    const h = setTimeout(async () => {
      setLoading(true);
      try {
        const page = await api.get<Page<User>>('/users', { q, limit: 20, status: 'active', sort: 'name' });
        if (my === seq.current) setUsers(page.items ?? []);
      } catch {
        if (my === seq.current) setUsers([]);
      } finally {
        if (my === seq.current) setLoading(false);
      }
    }, q ? 250 : 0);
    return () => clearTimeout(h);
  }, [q]);

  const options = useMemo(() => {
    const opts = users
      .filter((u) => u.id !== excludeId)
      .map((u) => ({ value: u.id, label: u.name, title: u.name, email: u.email }));
    if (value && initialLabel && !opts.some((o) => o.value === value)) {
      opts.unshift({ value, label: initialLabel, title: initialLabel, email: '' });
    }
    return opts;
  }, [users, value, initialLabel, excludeId]);

  return (
    <Select
      data-testid={rest['data-testid']}
      showSearch
      allowClear={allowClear}
      disabled={disabled}
      value={value ?? undefined}
      placeholder={placeholder ?? t('common.searchUser')}
      filterOption={false}
      onSearch={setQ}
      onChange={(v) => onChange?.((v as string | undefined) ?? null)}
      notFoundContent={loading ? <Spin size="small" /> : t('common.noData')}
      options={options}
      optionRender={(o) => (
        <span>
          {o.data.label}
          {o.data.email ? <span style={{ color: 'rgba(0,0,0,0.45)', marginLeft: 8 }}>{o.data.email}</span> : null}
        </span>
      )}
      style={{ width: '100%', ...style }}
    />
  );
}
