// Shows the name behind an id in the audit log (department_id, role_id, manager_id, …).
// Names are looked up once per id and kept for the page's life; the id is shown when the
// lookup fails (deleted record, or no permission to read it).
import { useEffect, useState } from 'react';
import { Tooltip } from 'antd';
import { api } from '../api';
import { useI18n } from '../i18n';
import { roleName } from './labels';
import type { Department, Role, User } from '../types';

type Kind = 'department' | 'role' | 'user';

const FIELD_KIND: Record<string, Kind> = {
  department_id: 'department',
  parent_id: 'department',
  role_id: 'role',
  manager_id: 'user',
  user_id: 'user',
  owner_id: 'user',
  created_by: 'user',
};

export function refKind(field: string): Kind | undefined {
  return FIELD_KIND[field];
}

const PATH: Record<Kind, string> = { department: '/departments/', role: '/roles/', user: '/users/' };
const cache = new Map<string, Promise<Department | Role | User | null>>();

function lookup(kind: Kind, id: string) {
  const key = `${kind}:${id}`;
  let p = cache.get(key);
  if (!p) {
    p = api.get<Department | Role | User>(PATH[kind] + encodeURIComponent(id), undefined, { noAuthRedirect: true }).catch(() => null);
    cache.set(key, p);
  }
  return p;
}

export function RefValue({ field, id }: { field: string; id: string }) {
  const { td } = useI18n();
  const kind = refKind(field);
  const [rec, setRec] = useState<Department | Role | User | null | undefined>(undefined);
  useEffect(() => {
    if (!kind) return;
    let live = true;
    void lookup(kind, id).then((r) => live && setRec(r));
    return () => {
      live = false;
    };
  }, [kind, id]);
  if (!kind || !rec) return <span>{id}</span>;
  const name = kind === 'role' ? roleName(td, rec as Role) : (rec as Department | User).name;
  return (
    <Tooltip title={id}>
      <span>{name}</span>
    </Tooltip>
  );
}
