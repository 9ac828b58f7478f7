// Operator accounts and their API tokens: login, logout, who a token belongs to, and the
// admin's management of accounts.
import crypto from 'node:crypto';
import { HttpError, badRequest, conflict, notFound } from '../http/errors';
import { isUniqueViolation } from '../db/sql';
import type { Store } from '../store/store';
import type { OperatorRole, OperatorRow } from '../store/operators';
import type { TokenScope } from '../store/auth-tokens';
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './passwords';
import { LoginThrottle } from './login-throttle';

export const OPERATOR_ROLES: readonly OperatorRole[] = ['admin', 'operator'];
export const TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 8;

/** What the API shows of an operator: never the hash. */
export interface OperatorView {
  id: number;
  username: string;
  display_name: string;
  role: OperatorRole;
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
}

export function operatorView(row: OperatorRow): OperatorView {
  return {
    id: row.id,
    username: row.username,
    display_name: row.display_name,
    role: row.role,
    active: row.active,
    last_login_at: row.last_login_at,
    created_at: row.created_at,
  };
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export class Operators {
  private readonly throttle: LoginThrottle;

  constructor(private readonly store: Store) {
    this.throttle = new LoginThrottle(() => store.loginFailures);
  }

  /** Checks the password and hands out a new inbox token. Throws 401, or 429 while throttled. */
  async login(username: string, password: string, clientAddress: string): Promise<{ token: string; operator: OperatorView; expiresAt: Date }> {
    const operator = await this.checkPassword(username, password, clientAddress);
    return this.issueToken(operator, 'inbox', TOKEN_LIFETIME_MS);
  }

  /** A new token of `scope` for an operator whose password was just checked. */
  async issueToken(operator: OperatorView, scope: TokenScope, lifetimeMs: number): Promise<{ token: string; operator: OperatorView; expiresAt: Date }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + lifetimeMs);
    await this.store.authTokens.insert(hashToken(token), operator.id, expiresAt, scope);
    await this.store.operators.touchLogin(operator.id);
    await this.store.authTokens.removeExpired();
    return { token, operator: { ...operator, last_login_at: new Date() }, expiresAt };
  }

  /** The active operator with this username and password. Throws 401, or 429 while throttled. */
  async checkPassword(username: string, password: string, clientAddress: string): Promise<OperatorView> {
    const wait = await this.throttle.waitFor(username, clientAddress);
    if (wait > 0) {
      throw new HttpError(429, 'Too many failed logins; try again later', undefined, { retry_after: Math.ceil(wait / 1000) });
    }
    const row = await this.store.operators.byUsername(username);
    const matches = await verifyPassword(password, row?.password_hash ?? UNKNOWN_USER_HASH);
    if (!row || !matches || !row.active) {
      await this.throttle.failed(username, clientAddress);
      throw new HttpError(401, 'Wrong username or password');
    }
    await this.throttle.succeeded(username, clientAddress);
    return operatorView(row);
  }

  async logout(token: string): Promise<void> {
    await this.store.authTokens.remove(hashToken(token));
  }

  /** The active operator holding this token of `scope`, if it is live. */
  async authenticate(token: string, scope: TokenScope = 'inbox'): Promise<OperatorView | undefined> {
    const row = await this.store.authTokens.operatorFor(hashToken(token), scope);
    return row ? operatorView(row) : undefined;
  }

  async list(): Promise<OperatorView[]> {
    return (await this.store.operators.list()).map(operatorView);
  }

  async create(input: { username: string; password: string; display_name?: string; role?: OperatorRole }): Promise<OperatorView> {
    if (!/^[A-Za-z0-9._@-]{3,64}$/.test(input.username)) {
      throw badRequest('username must be 3 to 64 letters, digits or . _ @ -', 'username');
    }
    checkPassword(input.password);
    try {
      const row = await this.store.operators.insert({
        username: input.username,
        display_name: input.display_name ?? input.username,
        password_hash: await hashPassword(input.password),
        role: input.role ?? 'operator',
      });
      return operatorView(row);
    } catch (err) {
      if (isUniqueViolation(err, 'operators_username_key')) throw conflict(`username ${input.username} is taken`);
      throw err;
    }
  }

  /**
   * Changes an account. Deactivating or demoting is refused when it would leave no active
   * admin; a changed password or a deactivation ends the account's tokens.
   */
  async update(id: number, changes: { display_name?: string; password?: string; role?: OperatorRole; active?: boolean }): Promise<OperatorView> {
    if (changes.password !== undefined) checkPassword(changes.password);
    const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
    return this.store.transaction(async (tx) => {
      const current = await tx.operators.byId(id);
      if (!current) throw notFound('operator');
      const updated = await tx.operators.update(id, {
        ...(changes.display_name !== undefined ? { display_name: changes.display_name } : {}),
        ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.active !== undefined ? { active: changes.active } : {}),
      });
      if (current.role === 'admin' && current.active && (await tx.operators.countActiveAdmins()) === 0) {
        throw conflict('This would leave no active admin');
      }
      if (passwordHash !== undefined || changes.active === false) await tx.authTokens.removeForOperator(id);
      return operatorView(updated!);
    });
  }

  /**
   * Creates the first admin from the bootstrap credentials when there is no operator yet.
   * Answers whether it did.
   */
  async ensureBootstrapAdmin(username: string, password: string): Promise<boolean> {
    if ((await this.store.operators.count()) > 0) return false;
    try {
      await this.create({ username, password, display_name: 'Administrator', role: 'admin' });
      return true;
    } catch (err) {
      // another instance created it first
      if (err instanceof HttpError && err.status === 409) return false;
      throw err;
    }
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw badRequest(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
  }
  if (password.length > 200) throw badRequest('password must be at most 200 characters', 'password');
}
