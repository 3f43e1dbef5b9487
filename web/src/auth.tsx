// Who is signed in: loads /me once, exposes permissions, and handles 401s and logout.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate, useLocation } from 'react-router-dom';
import { api, ApiError, setUnauthorizedHandler } from './api';
import type { Me } from './types';

interface AuthState {
  me: Me | null;
  loading: boolean;
  /** Loads /me again (after login or a change to the signed-in user). */
  reload: () => Promise<Me | null>;
  logout: () => Promise<void>;
  can: (permission: string) => boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function hasPermission(me: Me | null, permission: string): boolean {
  if (!me) return false;
  const perms = me.permissions ?? [];
  if (perms.includes('*') || perms.includes(permission)) return true;
  // "user.write" implies "user.read".
  const [group, action] = permission.split('.');
  return action === 'read' && perms.includes(`${group}.write`);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const navigate = useNavigate();
  const location = useLocation();

  const reload = useCallback(async () => {
    try {
      const m = await api.get<Me>('/me', undefined, { noAuthRedirect: true });
      setMe(m);
      return m;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setMe(null);
        return null;
      }
      throw e;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    reload().catch(() => setMe(null));
  }, [reload]);

  // A 401 from any call means the session ended: back to the login page, remembering where we were.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe(null);
      if (window.location.pathname !== '/login') {
        const next = window.location.pathname + window.location.search;
        navigate('/login?next=' + encodeURIComponent(next), { replace: true });
      }
    });
  }, [navigate, location]);

  const logout = useCallback(async () => {
    try {
      await api.del('/sessions/current', { noAuthRedirect: true });
    } finally {
      setMe(null);
      navigate('/login', { replace: true });
    }
  }, [navigate]);

  const value = useMemo<AuthState>(
    () => ({ me, loading, reload, logout, can: (p: string) => hasPermission(me, p) }),
    [me, loading, reload, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
