// The system under test in its own process (forked by bench/fullnet.ts), so that the server's
// RSS and CPU are measured apart from the synthetic venues': the signalling server with its
// embedded Redis and mediasoup workers, exactly as the tests start it.
import { startStack } from '../../test/helpers/stack.ts';

export type ToStackProcess = { type: 'stats' } | { type: 'close' };
export type FromStackProcess =
  | { type: 'ready'; baseUrl: string; pid: number; workerPids: number[] }
  | { type: 'stats'; sfu: ReturnType<import('../../sfu/src/Sfu.ts').Sfu['stats']>; rssBytes: number; heapUsedBytes: number }
  | { type: 'closed' };

const stack = await startStack();

function send(message: FromStackProcess): void {
  process.send?.(message);
}

// Messages come from this bench's own parent process.
process.on('message', (message) => {
  const m = message as ToStackProcess;
  if (m.type === 'stats') {
    const memory = process.memoryUsage();
    send({ type: 'stats', sfu: stack.server.sfu.stats(), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed });
  } else if (m.type === 'close') {
    stack.close().then(
      () => {
        send({ type: 'closed' });
        process.disconnect();
      },
      (error: unknown) => {
        process.stderr.write(`stack close failed: ${String(error)}\n`);
        process.disconnect();
      },
    );
  }
});

send({ type: 'ready', baseUrl: stack.baseUrl, pid: process.pid, workerPids: stack.server.sfu.workerPids });
