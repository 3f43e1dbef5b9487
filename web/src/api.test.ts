import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, buildQuery, locationToNamePath, mapFieldErrors, setUnauthorizedHandler } from './api';

function mockFetch(status: number, body?: unknown, headers: Record<string, string> = {}) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers });
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('buildQuery', () => {
  it('drops empty values and encodes the rest', () => {
    expect(buildQuery({ q: 'a b', cursor: null, status: '', limit: 50, x: undefined })).toBe('?q=a+b&limit=50');
    expect(buildQuery({})).toBe('');
    expect(buildQuery()).toBe('');
  });
});

describe('locationToNamePath', () => {
  it('maps body locations to form names', () => {
    expect(locationToNamePath('body.email')).toEqual(['email']);
    expect(locationToNamePath('body.items[2].name')).toEqual(['items', 2, 'name']);
    expect(locationToNamePath('email')).toEqual(['email']);
  });

  it('ignores non-body locations', () => {
    expect(locationToNamePath('query.limit')).toBeNull();
    expect(locationToNamePath('path.id')).toBeNull();
    expect(locationToNamePath('body')).toBeNull();
    expect(locationToNamePath(undefined)).toBeNull();
  });
});

describe('mapFieldErrors', () => {
  it('groups messages per field and keeps unknown ones apart', () => {
    const err = new ApiError(422, {
      title: 'Unprocessable Entity',
      errors: [
        { message: 'taken', location: 'body.email' },
        { message: 'bad format', location: 'body.email' },
        { message: 'too short', location: 'body.name' },
        { message: 'something else', location: 'body.unknown' },
        { message: 'no location' },
      ],
    });
    const known = new Set(['["email"]', '["name"]']);
    const { fields, unmatched } = mapFieldErrors(err, (n) => known.has(JSON.stringify(n)));
    expect(fields).toEqual([
      { name: ['email'], errors: ['taken', 'bad format'] },
      { name: ['name'], errors: ['too short'] },
    ]);
    expect(unmatched).toEqual(['something else', 'no location']);
  });
});

describe('request', () => {
  it('sends JSON, the cookie and If-Match', async () => {
    const f = mockFetch(200, { id: 'u1', version: 4 }, { 'Content-Type': 'application/json' });
    const out = await api.patch<{ id: string }>('/users/u1', { name: 'A' }, 3);
    expect(out.id).toBe('u1');
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('/api/v1/users/u1');
    expect(init?.method).toBe('PATCH');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe('{"name":"A"}');
    const headers = init?.headers as Record<string, string>;
    expect(headers['If-Match']).toBe('"3"');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('adds the query string', async () => {
    const f = mockFetch(200, { items: [], next_cursor: null });
    await api.get('/users', { q: 'li', cursor: 'abc', role_id: undefined });
    expect(f.mock.calls[0][0]).toBe('/api/v1/users?q=li&cursor=abc');
  });

  it('returns undefined for 204', async () => {
    mockFetch(204);
    await expect(api.del('/tokens/t1')).resolves.toBeUndefined();
  });

  it('parses problem+json into ApiError', async () => {
    mockFetch(
      422,
      { title: 'Unprocessable Entity', status: 422, detail: 'validation failed', errors: [{ message: 'required', location: 'body.email', value: '' }] },
      { 'Content-Type': 'application/problem+json' },
    );
    const err = await api.post('/users', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(422);
    expect(e.detail).toBe('validation failed');
    expect(e.errors[0].location).toBe('body.email');
  });

  it('reads Retry-After on 429', async () => {
    mockFetch(429, { title: 'Too Many Requests', status: 429 }, { 'Retry-After': '30' });
    const e = (await api.post('/sessions', {}, { noAuthRedirect: true }).catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(30);
  });

  it('copes with a non-JSON error body', async () => {
    mockFetch(502, 'Bad Gateway');
    const e = (await api.get('/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.detail).toBe('Bad Gateway');
  });

  it('calls the 401 handler unless told not to', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    mockFetch(401, { title: 'Unauthorized', status: 401 });
    await api.get('/users').catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
    await api.post('/sessions', {}, { noAuthRedirect: true }).catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
