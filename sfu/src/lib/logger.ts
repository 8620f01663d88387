import { pino, type Logger, type LevelWithSilent } from 'pino';

let root: Logger = pino({ level: 'info', base: { pid: process.pid } });

/** Called once by a service's index.ts (or a test) before long-lived objects are created. */
export function configureLogging(options: { level: LevelWithSilent }): void {
  root = pino({ level: options.level, base: { pid: process.pid } });
}

/** One child logger per component or object, bound to its ids. */
export function getLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}

export type { Logger };
