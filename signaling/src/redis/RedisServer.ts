import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EnhancedEventEmitter, getLogger, type Logger } from '../../../sfu/src/index.ts';

export type RedisServerEvents = {
  /** The process exited without close() being called. */
  died: [code: number | null, signal: NodeJS.Signals | null];
};

export interface RedisServerOptions {
  port: number;
  dir: string;
  /** `always` loses no acknowledged write even on power loss; `everysec` is faster. */
  appendfsync?: 'always' | 'everysec';
  bin?: string;
}

/**
 * An embedded redis-server child process (AOF on, bound to 127.0.0.1), wrapped like a mediasoup
 * Worker: failing to start rejects create(), an unexpected exit is `died`, close() awaits exit.
 */
export class RedisServer extends EnhancedEventEmitter<RedisServerEvents> {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #logger: Logger;
  readonly #exited: Promise<void>;
  #closed = false;

  static async create(options: RedisServerOptions): Promise<RedisServer> {
    await mkdir(options.dir, { recursive: true });
    const confPath = path.join(options.dir, 'redis.conf');
    await writeFile(
      confPath,
      [
        'bind 127.0.0.1',
        `port ${options.port}`,
        `dir ${options.dir}`,
        'daemonize no',
        'appendonly yes',
        `appendfsync ${options.appendfsync ?? 'everysec'}`,
        'save ""',
        'protected-mode yes',
        'loglevel notice',
        '',
      ].join('\n'),
    );
    const child = spawn(options.bin ?? 'redis-server', [confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new RedisServer(options.port, child);
    await server.#whenReady();
    return server;
  }

  private constructor(port: number, child: ChildProcess) {
    super();
    this.port = port;
    this.#child = child;
    this.#logger = getLogger('RedisServer', { port, pid: child.pid });
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (this.#closed) return;
      this.#closed = true;
      this.#logger.error({ code, signal }, 'redis-server exited');
      this.safeEmit('died', code, signal);
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#logger.info('stopping redis-server');
      this.#child.kill('SIGTERM');
    }
    await this.#exited;
  }

  #whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const recent: string[] = [];
      let ready = false;
      const onExit = (code: number | null) => {
        if (!ready) reject(new Error(`redis-server failed to start (exit ${code}): ${recent.join(' | ')}`));
      };
      this.#child.once('error', (err) => reject(new Error(`redis-server could not be run: ${err.message}`)));
      this.#child.once('exit', onExit);
      const lines = createInterface({ input: this.#child.stdout! });
      lines.on('line', (line) => {
        recent.push(line);
        if (recent.length > 5) recent.shift();
        if (!ready && /Ready to accept connections/.test(line)) {
          ready = true;
          this.#child.off('exit', onExit);
          this.#logger.info('redis-server ready');
          resolve();
        } else if (/WARNING|error/i.test(line)) {
          this.#logger.warn({ line }, 'redis-server');
        } else {
          this.#logger.debug({ line }, 'redis-server');
        }
      });
      createInterface({ input: this.#child.stderr! }).on('line', (line) => this.#logger.warn({ line }, 'redis-server'));
    });
  }
}
