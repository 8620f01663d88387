import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { configureLogging } from '../../sfu/src/index.ts';
import { readConfig, type SignalingConfig } from '../../signaling/src/config.ts';
import { YilianServer } from '../../signaling/src/YilianServer.ts';
import { DEMO_PASSWORD } from '../../signaling/src/seed/demoCounty.ts';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SessionUser } from '../../signaling/src/protocol/index.ts';
import { freePort } from './ports.ts';

export { DEMO_PASSWORD };

export { freePort };

export interface Stack {
  server: YilianServer;
  baseUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts the real system for a test: an embedded Redis with its own data folder, the mediasoup
 * workers and the signalling server on random loopback ports, seeded with the demo county.
 */
export async function startStack(
  overrides: Partial<Omit<SignalingConfig, 'sfu' | 'recorder'>> & {
    sfu?: Partial<SignalingConfig['sfu']>;
    recorder?: Partial<SignalingConfig['recorder']>;
  } = {},
): Promise<Stack> {
  configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
  const dataDir = overrides.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'yilian-test-')));
  const base = readConfig({ ...process.env, SFU_LISTEN_IP: '127.0.0.1', SFU_ANNOUNCED_ADDRESS: '127.0.0.1' });
  // Below the kernel's ephemeral ports (32768–60999), which clients' outgoing sockets take at
  // random: a worker's fixed WebRtcServer port there can already be in use. Up to base + 2999.
  const rtcPortBase = 10000 + Math.floor(Math.random() * 18000);
  const config: SignalingConfig = {
    ...base,
    httpHost: '127.0.0.1',
    httpPort: 0,
    httpsPort: 0,
    embeddedRedisPort: await freePort(),
    dataDir,
    seedDemo: true,
    smppPort: 0,
    ...overrides,
    sfu: { ...base.sfu, rtcPortBase, ...overrides.sfu },
    recorder: { ...base.recorder, outputDir: path.join(dataDir, 'recordings'), ...overrides.recorder },
  };
  const server = await YilianServer.create(config);
  await server.seedDemo();
  return {
    server,
    dataDir,
    baseUrl: `http://127.0.0.1:${server.httpPort}`,
    async close() {
      await server.close();
      if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<{ token: string; user: SessionUser }> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; user: SessionUser };
}

export async function api<T>(baseUrl: string, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client authenticated with a session token (connects, or rejects with the server's reason). */
export async function connectSocket(baseUrl: string, token: string | undefined): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Sends a request and returns its ack, whatever it is. */
export function request(socket: ClientSocket, method: string, data: unknown): Promise<Ack<unknown>> {
  return (socket as unknown as Socket).timeout(10_000).emitWithAck(method, data) as Promise<Ack<unknown>>;
}
