// What a converted lead became: its customer (the 360 page), the contact and the opportunity
// its conversion opened, each a link by name. A record I may not read (404) or one deleted
// since shows as text without a link.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Descriptions, Typography } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { Lead } from '../types';

type Named = { name: string } | null;

async function nameOf(path: string): Promise<Named> {
  try {
    return await api.get<{ name: string }>(path);
  } catch {
    return null;
  }
}

export function LeadConversionLinks({ lead }: { lead: Lead }) {
  const { t } = useI18n();
  const cid = lead.converted_customer_id;
  const [names, setNames] = useState<{ customer: Named; contact: Named; opportunity: Named } | null>(null);
  useEffect(() => {
    if (!cid) return;
    let live = true;
    void Promise.all([
      nameOf(`/customers/${cid}`),
      lead.converted_contact_id ? nameOf(`/contacts/${lead.converted_contact_id}`) : Promise.resolve(null),
      lead.converted_opportunity_id ? nameOf(`/opportunities/${lead.converted_opportunity_id}`) : Promise.resolve(null),
    ]).then(([customer, contact, opportunity]) => live && setNames({ customer, contact, opportunity }));
    return () => {
      live = false;
    };
  }, [cid, lead.converted_contact_id, lead.converted_opportunity_id]);
  if (lead.status !== 'converted' || !cid) return null;

  const link = (testid: string, to: string, rec: Named | undefined) =>
    rec ? (
      <Link to={to} data-testid={testid}>
        {rec.name}
      </Link>
    ) : (
      <Typography.Text type="secondary" data-testid={testid}>
        {names ? t('lead.conversion.unavailable') : '…'}
      </Typography.Text>
    );
  const base = `/customers/${encodeURIComponent(cid)}`;
  return (
    <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }} title={t('lead.conversion.title')} data-testid="lead-conversion">
      <Descriptions.Item label={t('lead.conversion.customer')}>{link('lead-conversion-customer', base, names?.customer)}</Descriptions.Item>
      {lead.converted_contact_id ? (
        <Descriptions.Item label={t('lead.conversion.contact')}>{link('lead-conversion-contact', `${base}?tab=contacts`, names?.contact)}</Descriptions.Item>
      ) : null}
      {lead.converted_opportunity_id ? (
        <Descriptions.Item label={t('lead.conversion.opportunity')}>
          {link('lead-conversion-opportunity', `${base}?tab=opportunities`, names?.opportunity)}
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}
