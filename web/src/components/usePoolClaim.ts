// Claiming a lead or a customer from a pool (公海): the one request, the
// success message, and a refusal explained by the rule that refused it.
import { useState } from 'react';
import { App } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { claimRefusal } from '../pools';

/**
 * claim posts to `/${kind}/${id}/claim` and, when done, shows `success` and
 * calls reload; a rule's refusal is shown with the server's detail (which
 * names the rule and until when), and a record someone else took reloads
 * the list too. claiming is the id being claimed.
 */
export function usePoolClaim(kind: 'leads' | 'customers', reload: () => void) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onError = useApiError();
  const [claiming, setClaiming] = useState<string | null>(null);
  const claim = async (id: string, success: string) => {
    setClaiming(id);
    try {
      await api.post(`/${kind}/${id}/claim`);
      message.success(success);
      reload();
    } catch (e) {
      const why = claimRefusal(e);
      if (why) {
        message.error({ content: `${t(`pool.refused.${why}`)}: ${(e as { detail?: string }).detail ?? ''}`, duration: 6 });
        if (why === 'taken') reload();
      } else onError(e);
    } finally {
      setClaiming(null);
    }
  };
  return { claiming, claim };
}
