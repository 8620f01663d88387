import { forbidden } from '../errors.ts';
import type { SessionUser } from '../protocol/index.ts';

/** Dispatchers and admins run incidents, tasks and rosters. */
export function canManage(user: SessionUser): boolean {
  return user.role === 'dispatcher' || user.role === 'admin';
}

/** Who may read every incident: those who manage them, and the county hall's chair. */
export function canReadAll(user: SessionUser): boolean {
  return canManage(user) || user.role === 'chair';
}

export function requireManager(user: SessionUser, what: string): void {
  if (!canManage(user)) throw forbidden(`only a dispatcher or an admin can ${what}`);
}

/**
 * The department an account acts for: a liaison's department, or a department venue's operator
 * (in the demo the venue operator of a department is its liaison). Null for everyone else.
 */
export function departmentOf(user: SessionUser, isDepartment: (venueId: string) => boolean): string | null {
  if (!user.venueId) return null;
  if (user.role === 'liaison' || user.role === 'operator') return isDepartment(user.venueId) ? user.venueId : null;
  return null;
}
