// Translations of enum values that come from the API.
import type { I18n } from '../i18n';

export function scopeLabel(t: I18n['t'], scope?: string | null): string {
  switch (scope) {
    case 'own':
      return t('scope.own');
    case 'department':
      return t('scope.department');
    case 'all':
      return t('scope.all');
    default:
      return scope ?? '';
  }
}

export function statusLabel(t: I18n['t'], status?: string | null): string {
  if (status === 'active') return t('status.active');
  if (status === 'disabled') return t('status.disabled');
  // Lead statuses do not share a value with users' (the audit log shows both).
  const lead = leadStatusLabel(t, status);
  return lead || (status ?? '');
}

/** 新线索 / 已联系 / 已确认 / 已转化 / 无效; "" for anything else. */
export function leadStatusLabel(t: I18n['t'], status?: string | null): string {
  switch (status) {
    case 'new':
      return t('leadStatus.new');
    case 'contacted':
      return t('leadStatus.contacted');
    case 'qualified':
      return t('leadStatus.qualified');
    case 'converted':
      return t('leadStatus.converted');
    case 'disqualified':
      return t('leadStatus.disqualified');
    default:
      return '';
  }
}

export const OBJECT_TYPES = ['user', 'department', 'role', 'token', 'tenant', 'lead'] as const;

export function objectTypeLabel(td: I18n['td'], type: string): string {
  return td(`object.${type}`, type);
}

export function actionLabel(t: I18n['t'], action: string): string {
  if (action === 'create') return t('audit.action.create');
  if (action === 'update') return t('audit.action.update');
  if (action === 'delete') return t('audit.action.delete');
  return action;
}

/**
 * A permission's label inside its group: perm.<key> when translated, else the action's label
 * (permAction.<action>, e.g. "user.write" -> "Create and edit"), else the key itself.
 */
export function permLabel(td: I18n['td'], key: string): string {
  const exact = td(`perm.${key}`, '');
  if (exact) return exact;
  const dot = key.lastIndexOf('.');
  return dot > 0 ? td(`permAction.${key.slice(dot + 1)}`, key) : key;
}

export function permGroupLabel(td: I18n['td'], group: string): string {
  return td(`permGroup.${group}`, group);
}

/** A changed field's label in the audit log, e.g. field.department_id; the raw name otherwise. */
export function fieldLabel(td: I18n['td'], field: string): string {
  return td(`field.${field}`, field);
}

/** The built-in roles' names follow the UI language; custom roles keep the name they were given. */
export function roleName(td: I18n['td'], role: { key?: string | null; name?: string | null; builtin?: boolean }): string {
  if (role.key && role.builtin !== false) return td(`role.${role.key}`, role.name ?? role.key);
  return role.name ?? role.key ?? '';
}
