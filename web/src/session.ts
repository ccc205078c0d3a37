import { computed, reactive } from 'vue';

export type Role = 'admin' | 'officer' | 'analyst' | 'handler' | 'citizen';
export const ROLES: Role[] = ['admin', 'officer', 'analyst', 'handler', 'citizen'];

export interface SessionUser {
  id: string | null;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  /** May manage users: admins; officers within their department when the platform allows it. */
  manageUsers?: boolean;
}

const TOKEN_KEY = 'govhub.token';
const USER_KEY = 'govhub.user';
const EXPIRES_KEY = 'govhub.expiresAt';

function load(): { token: string | null; user: SessionUser | null; expiresAt: string | null } {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const user = JSON.parse(sessionStorage.getItem(USER_KEY) ?? 'null') as SessionUser | null;
    const expiresAt = sessionStorage.getItem(EXPIRES_KEY);
    if (!token || !user || (expiresAt && Date.parse(expiresAt) <= Date.now())) return { token: null, user: null, expiresAt: null };
    return { token, user, expiresAt };
  } catch {
    return { token: null, user: null, expiresAt: null };
  }
}

/** The logged-in user. The bearer token lives in sessionStorage: it ends with the browser tab. */
export const session = reactive(load());

export function setSession(token: string, user: SessionUser, expiresAt: string): void {
  session.token = token;
  session.user = user;
  session.expiresAt = expiresAt;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  sessionStorage.setItem(EXPIRES_KEY, expiresAt);
}

export function clearSession(): void {
  session.token = null;
  session.user = null;
  session.expiresAt = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  sessionStorage.removeItem(EXPIRES_KEY);
}

export const isLoggedIn = (): boolean => {
  if (!session.token) return false;
  if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
    clearSession();
    return false;
  }
  return true;
};

export const isAdmin = computed(() => session.user?.role === 'admin');
/** The server says who manages users (admins; officers only where the platform allows it). */
export const canManageUsers = computed(() => session.user?.manageUsers ?? session.user?.role === 'admin');
