import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { PLAYLIST_NAME } from '../../../recorder/src/index.ts';
import type { AuthService } from '../auth/AuthService.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import type { SessionUser } from '../protocol/index.ts';
import type { MediaSigner } from './MediaSigner.ts';
import type { RecordingService } from './RecordingService.ts';

/** How long a signed link to a recording stays valid (long enough to watch a meeting live). */
const LINK_TTL_SECONDS = 6 * 3600;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mp4': 'video/mp4',
};

const recordingActionSchema = z.object({ action: z.enum(['start', 'stop']) });
const retentionSchema = z.object({ days: z.number().int().min(1).max(3650).nullable() });

/**
 * /api/recordings…: the library, start/stop, signed links, delete and retention (logged-in users).
 * /media/recordings/<id>/<expires>/<signature>/<file>: the files themselves, for whoever holds a
 * valid, unexpired signed link (hls.js and <a download> cannot send our bearer token).
 */
export function createRecordingRoutes(deps: { recordings: RecordingService; signer: MediaSigner; auth: AuthService }) {
  const api = express.Router();
  const authed = (handler: (req: Request, res: Response, user: SessionUser) => Promise<void>) => async (req: Request, res: Response) => {
    const header = req.get('authorization');
    const user = await deps.auth.authenticate(header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    await handler(req, res, user);
  };
  const source = (req: Request) => req.ip ?? 'unknown';

  api.get('/recordings', authed(async (req, res, user) => {
    const meetingId = typeof req.query.meetingId === 'string' ? req.query.meetingId : undefined;
    res.json({ recordings: await deps.recordings.list(user, meetingId), retentionDays: await deps.recordings.retentionDays() });
  }));
  api.post('/meetings/:id/recording', authed(async (req, res, user) => {
    const { action } = recordingActionSchema.parse(req.body);
    const meetingId = String(req.params.id);
    const info = action === 'start'
      ? await deps.recordings.start(user, meetingId, source(req))
      : await deps.recordings.stop(user, meetingId, source(req));
    res.json({ recording: info });
  }));
  /** Signed links to a recording's live or finished playlist and its MP4. */
  api.get('/recordings/:id/access', authed(async (req, res, user) => {
    const info = await deps.recordings.visible(user, String(req.params.id));
    const base = deps.signer.basePath(info.id, LINK_TTL_SECONDS);
    res.json({
      playlistUrl: `${base}${PLAYLIST_NAME}`,
      mp4Url: info.mp4 ? `${base}${info.mp4}` : null,
      live: info.status === 'recording',
      expiresInSeconds: LINK_TTL_SECONDS,
    });
  }));
  api.delete('/recordings/:id', authed(async (req, res, user) => {
    await deps.recordings.delete(user, String(req.params.id), source(req));
    res.json({ ok: true });
  }));
  api.put('/settings/recording-retention', authed(async (req, res, user) => {
    const { days } = retentionSchema.parse(req.body);
    await deps.recordings.setRetentionDays(user, days, source(req));
    res.json({ retentionDays: days });
  }));

  const media = express.Router();
  media.get('/recordings/:id/:expires/:signature/:file', async (req, res) => {
    const { id, expires, signature, file } = req.params as Record<string, string>;
    if (!FILE_NAME.test(file!) || !/^[A-Za-z0-9_-]{1,64}$/.test(id!)) throw badRequest('invalid file name');
    if (!deps.signer.verify(id!, expires!, signature!)) throw forbidden('this link is not valid or has expired');
    const info = await deps.recordings.recorder.info(id!);
    if (!info) throw notFound('no such recording');
    const dir = path.resolve(info.dir);
    const full = path.resolve(dir, file!);
    if (!full.startsWith(dir + path.sep)) throw badRequest('invalid file name');
    const type = CONTENT_TYPES[path.extname(file!)];
    if (!type) throw notFound('no such file');
    res.type(type);
    if (file!.endsWith('.m3u8')) res.setHeader('Cache-Control', 'no-cache');
    if (req.query.download === '1') res.attachment(`${id}${path.extname(file!)}`);
    await new Promise<void>((resolve, reject) =>
      res.sendFile(full, { dotfiles: 'deny', lastModified: true }, (err) => {
        if (!err) resolve();
        else if ((err as NodeJS.ErrnoException).code === 'ENOENT') reject(notFound('no such file'));
        // The player went away (a live player moving on, a closed page): nothing to answer.
        else if ((err as NodeJS.ErrnoException).code === 'ECONNABORTED') resolve();
        else reject(err);
      }),
    );
  });
  return { api, media };
}
