// Who is logged in: the one shared piece of state every page reads. Login sets the HttpOnly
// cookie (the API's), so a reload stays signed in; me() asks the API who we are.
import { api } from './api';

export interface Operator {
  id: number;
  username: string;
  display_name: string;
  role: 'admin' | 'operator';
}

export const sessionEvents = new EventTarget();
let operator: Operator | null = null;

export function currentOperator(): Operator | null {
  return operator;
}

function set(next: Operator | null): void {
  operator = next;
  sessionEvents.dispatchEvent(new Event('session-changed'));
}

export async function restoreSession(): Promise<Operator | null> {
  try {
    const me = await api.get<{ operator: Operator }>('/auth/me');
    set(me.operator);
  } catch {
    set(null);
  }
  return operator;
}

export async function logIn(username: string, password: string): Promise<Operator> {
  const result = await api.post<{ operator: Operator }>('/auth/login', { username, password });
  set(result.operator);
  return result.operator;
}

export async function logOut(): Promise<void> {
  try {
    await api.post('/auth/logout');
  } finally {
    set(null);
  }
}

/** The API said our token is gone (expired, logged out elsewhere). */
export function sessionEnded(): void {
  if (operator) set(null);
}
