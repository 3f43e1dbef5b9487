// A small fetch wrapper for the Rudder API: JSON in and out, the session cookie, problem+json errors.

export interface ProblemFieldError {
  message: string;
  location?: string;
  value?: unknown;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: ProblemFieldError[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: ProblemFieldError[];
  /** Seconds from a Retry-After header (429), when present. */
  readonly retryAfter?: number;
  /** The whole problem document, extension members included (e.g. a 409's duplicates). */
  readonly body: Problem & Record<string, unknown>;

  constructor(status: number, problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.retryAfter = retryAfter;
    this.body = problem as Problem & Record<string, unknown>;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** The record's version; sent as If-Match: "<version>". */
  version?: number | string;
  /** Do not call the 401 handler (login form, the first /me probe). */
  noAuthRedirect?: boolean;
  signal?: AbortSignal;
}

export const API_BASE = '/api/v1';

let unauthorizedHandler: () => void = () => {
  if (typeof window !== 'undefined' && window.location.pathname !== '/login') {
    const next = window.location.pathname + window.location.search;
    window.location.assign('/login?next=' + encodeURIComponent(next));
  }
};

/** Replace what happens on a 401 (the app routes to /login without a full reload). */
export function setUnauthorizedHandler(fn: () => void): void {
  unauthorizedHandler = fn;
}

let acceptLanguage = 'zh-CN';

/** The UI locale, sent as Accept-Language so the server may localize its messages. */
export function setApiLanguage(lang: string): void {
  acceptLanguage = lang;
}

/** Builds "?a=1&b=x" from the defined, non-empty values (empty string when none). */
export function buildQuery(params?: Record<string, QueryValue>): string {
  if (!params) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? '?' + s : '';
}

function parseRetryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const n = Number(h);
  if (Number.isFinite(n)) return n;
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - Date.now()) / 1000));
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': acceptLanguage,
  };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.version !== undefined && opts.version !== null) {
    headers['If-Match'] = `"${opts.version}"`;
  }
  const url = (path.startsWith('/api/') ? path : API_BASE + path) + buildQuery(opts.query);
  const res = await fetch(url, {
    method: opts.method ?? 'GET',
    headers,
    body,
    credentials: 'same-origin',
    signal: opts.signal,
  });

  if (!res.ok) {
    let problem: Problem = {};
    const text = await res.text().catch(() => '');
    if (text) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object') problem = parsed as Problem;
      } catch {
        problem = { detail: text.slice(0, 300) };
      }
    }
    const err = new ApiError(res.status, problem, parseRetryAfter(res.headers.get('Retry-After')));
    if (res.status === 401 && !opts.noAuthRedirect) unauthorizedHandler();
    throw err;
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, opts?: RequestOptions) =>
    request<T>(path, { ...opts, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>(path, { ...opts, method: 'POST', body }),
  patch: <T>(path: string, body: unknown, version?: number | string, opts?: RequestOptions) =>
    request<T>(path, { ...opts, method: 'PATCH', body, version }),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>(path, { ...opts, method: 'DELETE' }),
};

/** An antd form field path from a problem location: "body.items[0].name" -> ["items", 0, "name"]. */
export function locationToNamePath(location?: string): (string | number)[] | null {
  if (!location) return null;
  // Locations outside the body (query.x, path.id, header.y) do not belong to a form field.
  if (/^(query|path|header|cookie)(\.|$)/.test(location)) return null;
  const rest = location.replace(/^body(\.|$)/, '');
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) {
    if (m[1] !== undefined) parts.push(m[1]);
    else parts.push(Number(m[2]));
  }
  return parts.length ? parts : null;
}

export interface FormFieldError {
  name: (string | number)[];
  errors: string[];
}

/**
 * Groups an ApiError's field errors by form field, keeping only fields the form knows
 * (when `known` is given). Returns the form updates and the messages that matched no field.
 */
export function mapFieldErrors(
  err: ApiError,
  known?: (name: (string | number)[]) => boolean,
): { fields: FormFieldError[]; unmatched: string[] } {
  const byKey = new Map<string, FormFieldError>();
  const unmatched: string[] = [];
  for (const fe of err.errors) {
    const name = locationToNamePath(fe.location);
    if (!name || (known && !known(name))) {
      unmatched.push(fe.message);
      continue;
    }
    const key = JSON.stringify(name);
    const cur = byKey.get(key);
    if (cur) cur.errors.push(fe.message);
    else byKey.set(key, { name, errors: [fe.message] });
  }
  return { fields: [...byKey.values()], unmatched };
}
