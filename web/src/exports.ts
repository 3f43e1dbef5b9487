// Download links of list exports: the list's own filters plus the file's format, language and time zone.
import { API_BASE, buildQuery, type QueryValue } from './api';

export type ExportFormat = 'xlsx' | 'csv';

/** The URL of an export of a list (e.g. '/customers/export') filtered as the list is; paging is left out. */
export function exportUrl(path: string, filters: Record<string, QueryValue>, format: ExportFormat, lang: string, tz?: string): string {
  const { limit: _limit, cursor: _cursor, ...rest } = filters;
  return API_BASE + path + buildQuery({ ...rest, format, lang, tz: tz || undefined });
}

/** The browser's IANA time zone, so exported times read as on screen. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}
