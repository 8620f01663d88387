import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks.ts';
import { selectUser } from '../auth/authSlice.ts';
import { HlsPlayer } from './HlsPlayer.tsx';
import {
  useDeleteRecordingMutation,
  useGetRecordingAccessQuery,
  useGetRecordingsQuery,
  useSetRetentionMutation,
  type RecordingItem,
} from './recordingsApi.ts';

const size = (bytes: number) => (bytes > 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);
const duration = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

function Player(props: { recording: RecordingItem }) {
  const { t } = useTranslation();
  const { data: access, isError } = useGetRecordingAccessQuery(props.recording.id);
  if (isError) return <p className="error">{t('recordings.accessFailed')}</p>;
  if (!access) return null;
  return (
    <div className="panel player" data-testid="recording-player">
      <h3>
        {props.recording.meetingTitle} {access.live && <span className="rec-dot">{t('recordings.live')}</span>}
      </h3>
      <HlsPlayer url={access.playlistUrl} live={access.live} />
      {access.mp4Url && (
        <a href={`${access.mp4Url}?download=1`} data-testid="recording-download" download>
          {t('recordings.download')}
        </a>
      )}
    </div>
  );
}

/** 直播 and 点播: the recordings library with live and on-demand playback, download and retention. */
export function RecordingsPage(props: { initialRecordingId?: string }) {
  const { t, i18n } = useTranslation();
  const user = useAppSelector(selectUser);
  const isAdmin = user?.role === 'admin';
  const { data } = useGetRecordingsQuery(undefined, { pollingInterval: 5_000 });
  const [remove] = useDeleteRecordingMutation();
  const [setRetention] = useSetRetentionMutation();
  const [playing, setPlaying] = useState<string | undefined>(props.initialRecordingId);
  const [days, setDays] = useState('');
  const current = data?.recordings.find((r) => r.id === playing);

  return (
    <section className="recordings">
      <h2>{t('recordings.title')}</h2>
      {current && <Player key={current.id} recording={current} />}
      <table className="board" data-testid="recordings-table">
        <thead>
          <tr>
            <th>{t('recordings.meeting')}</th>
            <th>{t('recordings.started')}</th>
            <th>{t('recordings.duration')}</th>
            <th>{t('recordings.size')}</th>
            <th>{t('recordings.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.recordings.map((r) => (
            <tr key={r.id} data-testid={`recording-${r.id}`} data-meeting={r.meetingId} data-status={r.status}>
              <td>{r.meetingTitle}</td>
              <td>{new Date(r.startedAt).toLocaleString(i18n.language)}</td>
              <td>{duration(r.durationS)}</td>
              <td>{size(r.sizeBytes)}</td>
              <td>{t(`recordings.statuses.${r.status}`)}</td>
              <td className="actions">
                <button type="button" data-testid={`recording-play-${r.id}`} onClick={() => setPlaying(r.id)}>
                  {r.status === 'recording' ? t('recordings.watchLive') : t('recordings.play')}
                </button>
                {isAdmin && r.status !== 'recording' && (
                  <button type="button" className="danger" onClick={() => void remove(r.id)}>
                    {t('recordings.delete')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!data?.recordings.length && <p className="muted">{t('recordings.empty')}</p>}
      {isAdmin && (
        <div className="chair-row">
          <span>{t('recordings.retention', { days: data?.retentionDays ?? '∞' })}</span>
          <input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} />
          <button type="button" onClick={() => void setRetention(days ? Number(days) : null)}>
            {t('recordings.setRetention')}
          </button>
        </div>
      )}
    </section>
  );
}
