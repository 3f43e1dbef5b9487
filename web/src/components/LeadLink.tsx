// A link that opens a lead in the lead drawer, on whatever page it is shown (a submission of a
// web form, an id in an audit entry). Leads have no page of their own: the drawer is the lead.
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Tooltip, Typography } from 'antd';
import { api } from '../api';
import { useApiError } from '../errors';
import type { Lead } from '../types';

// Loaded on first use: the drawer is large, and it shows history, which shows this link.
const LeadDrawer = lazy(() => import('../pages/LeadDrawer').then((m) => ({ default: m.LeadDrawer })));

export function LeadLink({ id, children, testid }: { id: string; children: ReactNode; testid?: string }) {
  const onError = useApiError();
  const [lead, setLead] = useState<Lead | null>(null);
  const [open, setOpen] = useState(false);
  const load = async () => {
    try {
      setLead(await api.get<Lead>(`/leads/${encodeURIComponent(id)}`));
      setOpen(true);
    } catch (e) {
      onError(e);
    }
  };
  return (
    <>
      <Typography.Link
        onClick={(e) => {
          e.stopPropagation();
          void load();
        }}
        data-testid={testid}
        data-lead-id={id}
      >
        {children}
      </Typography.Link>
      {lead ? (
        // React events bubble out of the drawer's portal through this tree: keep its clicks
        // from reaching a clickable row or card the link sits in.
        <span onClick={(e) => e.stopPropagation()}>
          <Suspense fallback={null}>
            <LeadDrawer
              open={open}
              lead={lead}
              onClose={() => setOpen(false)}
              onSaved={(l) => {
                setLead(l);
                setOpen(false);
              }}
              onStale={() => void load()}
            />
          </Suspense>
        </span>
      ) : null}
    </>
  );
}

const names = new Map<string, Promise<string | null>>();

/** "name · company" of a lead, looked up once per id; null when it cannot be read. */
function leadName(id: string): Promise<string | null> {
  let p = names.get(id);
  if (!p) {
    p = api
      .get<Lead>(`/leads/${encodeURIComponent(id)}`, undefined, { noAuthRedirect: true })
      .then((l) => [l.contact_name, l.company].filter(Boolean).join(' · ') || null)
      .catch(() => null);
    names.set(id, p);
  }
  return p;
}

/** A lead id as a link showing the lead's name (the id while unknown; the id as plain text when unreadable). */
export function LeadRef({ id }: { id: string }) {
  const [name, setName] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void leadName(id).then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [id]);
  if (name === null) return <span>{id}</span>;
  return (
    <Tooltip title={id}>
      <span>
        <LeadLink id={id} testid={`lead-link-${id}`}>
          {name ?? id}
        </LeadLink>
      </span>
    </Tooltip>
  );
}
