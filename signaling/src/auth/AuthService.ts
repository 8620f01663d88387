import type { SessionUser } from '../protocol/index.ts';
import { unauthorized } from '../errors.ts';
import type { AuditLog } from '../audit/AuditLog.ts';
import type { SessionStore } from '../store/SessionStore.ts';
import { toSessionUser, type UserStore } from '../store/UserStore.ts';
import { verifyPassword } from './password.ts';

/** Password login and bearer-token sessions. Every attempt is audited. */
export class AuthService {
  readonly #users: UserStore;
  readonly #sessions: SessionStore;
  readonly #audit: AuditLog;

  constructor(options: { users: UserStore; sessions: SessionStore; audit: AuditLog }) {
    this.#users = options.users;
    this.#sessions = options.sessions;
    this.#audit = options.audit;
  }

  async login(username: string, password: string, source: string): Promise<{ token: string; user: SessionUser }> {
    const stored = await this.#users.get(username);
    const ok = stored !== null && (await verifyPassword(password, stored.passwordHash));
    const at = new Date().toISOString();
    if (!ok || !stored) {
      await this.#audit.append({ at, actor: username, action: 'login.failed', source, target: `user:${username}` });
      throw unauthorized('wrong username or password');
    }
    const user = toSessionUser(stored);
    const token = await this.#sessions.create(user);
    await this.#audit.append({ at, actor: username, action: 'login', source, target: `user:${username}` });
    return { token, user };
  }

  async logout(token: string, user: SessionUser, source: string): Promise<void> {
    await this.#sessions.delete(token);
    await this.#audit.append({
      at: new Date().toISOString(),
      actor: user.username,
      action: 'logout',
      source,
      target: `user:${user.username}`,
    });
  }

  /** The session's user, or an `unauthorized` error. */
  async authenticate(token: string | undefined): Promise<SessionUser> {
    const user = token ? await this.#sessions.get(token) : null;
    if (!user) throw unauthorized('your session has expired or is invalid, please log in again');
    return user;
  }
}
