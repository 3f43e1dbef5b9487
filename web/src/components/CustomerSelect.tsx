// A searchable customer picker: asks /customers?q= as the person types.
import { useEffect, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { Customer, Page } from '../types';

interface Props {
  value?: string | null;
  onChange?: (v: string | null) => void;
  placeholder?: string;
  'data-testid'?: string;
}

export function CustomerSelect({ value, onChange, placeholder, ...rest }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Customer[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const my = ++seq.current;
    const h = setTimeout(async () => {
      setLoading(true);
      try {
        const page = await api.get<Page<Customer>>('/customers', { q, limit: 20 });
        if (my === seq.current) setItems(page.items ?? []);
      } catch {
        if (my === seq.current) setItems([]);
      } finally {
        if (my === seq.current) setLoading(false);
      }
    }, q ? 250 : 0);
    return () => clearTimeout(h);
  }, [q]);

  return (
    <Select
      data-testid={rest['data-testid']}
      showSearch
      allowClear
      value={value ?? undefined}
      placeholder={placeholder ?? t('opp.searchCustomer')}
      filterOption={false}
      onSearch={setQ}
      onChange={(v) => onChange?.((v as string | undefined) ?? null)}
      notFoundContent={loading ? <Spin size="small" /> : t('common.noData')}
      options={items.map((c) => ({ value: c.id, label: c.name }))}
      style={{ width: '100%' }}
    />
  );
}
