import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The HTTPS certificate: the configured one, or a self-signed one generated on first run
 * under the data folder (browsers at township venues need a secure context for the camera).
 */
export async function loadTls(options: {
  certFile: string | undefined;
  keyFile: string | undefined;
  dataDir: string;
}): Promise<{ cert: Buffer; key: Buffer; generated: boolean }> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new Error('set both TLS_CERT_FILE and TLS_KEY_FILE');
    return { cert: await readFile(options.certFile), key: await readFile(options.keyFile), generated: false };
  }
  const dir = path.join(options.dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  let generated = false;
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '825',
      '-subj', '/CN=yilian.local/O=Yilian',
      '-addext', 'subjectAltName=DNS:localhost,DNS:yilian.local,IP:127.0.0.1',
      '-keyout', keyFile, '-out', certFile,
    ]);
    generated = true;
  }
  return { cert: await readFile(certFile), key: await readFile(keyFile), generated };
}
