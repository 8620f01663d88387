import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { LAYOUT_PANES, layoutKindSchema, pollingNext, type ChairCommand, type LayoutKind } from '../../../../signaling/src/protocol/index.ts';
import { selectMeeting, selectRemoteVenues } from './meetingSlice.ts';
import { chairCommand } from './meetingThunks.ts';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const kbps = (x: number) => `${Math.round(x / 1000)} kbps`;

/** The chair's console: raise-hand queue, global controls, and the status board with per-venue actions. */
export function ChairPanel(props: { names: Map<string, string> }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const meeting = useAppSelector(selectMeeting);
  const present = new Set(useAppSelector(selectRemoteVenues).map((v) => v.venueId));
  const [selection, setSelection] = useState<string[]>([]);
  const [kind, setKind] = useState<LayoutKind>('2x2');
  const [interval, setIntervalS] = useState(10);
  const [pollTarget, setPollTarget] = useState<'broadcast' | 'chairView'>('broadcast');
  const control = meeting.control;
  if (!control || !meeting.chairVenueId) return null;
  const chairVenue = meeting.chairVenueId;
  const send = (command: ChairCommand) => void dispatch(chairCommand(command));
  const name = (id: string) => props.names.get(id) ?? id;
  const toggle = (id: string) => setSelection((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  return (
    <aside className="chair-panel" data-testid="chair-panel">
      <h3>{t('chair.title')}</h3>
      <section>
        <h4>{t('chair.hands', { count: control.hands.length })}</h4>
        {control.hands.length === 0 && <p className="muted">{t('chair.noHands')}</p>}
        <ul className="hands" data-testid="hand-queue">
          {control.hands.map((v) => (
            <li key={v} data-testid={`hand-${v}`}>
              <span>{name(v)}</span>
              <button type="button" data-testid={`chair-floor-${v}`} onClick={() => send({ type: 'giveFloor', venueId: v })}>
                {t('chair.floor')}
              </button>
              <button type="button" onClick={() => send({ type: 'dismissHand', venueId: v })}>
                {t('chair.dismiss')}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="chair-row">
        <button type="button" data-testid="chair-mute-all" onClick={() => send({ type: 'muteAll', muted: true })}>{t('chair.muteAll')}</button>
        <button type="button" data-testid="chair-unmute-all" onClick={() => send({ type: 'muteAll', muted: false })}>{t('chair.unmuteAll')}</button>
        {control.rollCall && (
          <button type="button" data-testid="chair-end-rollcall" onClick={() => send({ type: 'endRollCall' })}>{t('chair.endRollCall')}</button>
        )}
        {control.broadcast && (
          <button type="button" data-testid="chair-stop-broadcast" onClick={() => send({ type: 'broadcast', venueId: null })}>{t('chair.stopBroadcast')}</button>
        )}
        {control.chairView && (
          <button type="button" data-testid="chair-clear-view" onClick={() => send({ type: 'view', layout: null })}>{t('chair.clearView')}</button>
        )}
        <button type="button" data-testid="chair-voice-toggle" onClick={() => send({ type: 'voiceActivated', enabled: !control.voiceActivated })}>
          {control.voiceActivated ? t('chair.voiceOff') : t('chair.voiceOn')}
        </button>
        <button type="button" data-testid="chair-lock-toggle" onClick={() => send({ type: 'lock', locked: !control.locked })}>
          {control.locked ? t('chair.unlock') : t('chair.lock')}
        </button>
        <button type="button" className="danger" data-testid="chair-end-meeting" onClick={() => send({ type: 'end' })}>{t('chair.end')}</button>
      </section>
      <section className="chair-row">
        <span data-testid="chair-selection">{t('chair.selection', { count: selection.length })}</span>
        <button type="button" onClick={() => setSelection([])}>{t('chair.clearSelection')}</button>
      </section>
      <section className="chair-row">
        <label>
          {t('chair.layout')}
          <select data-testid="chair-layout-kind" value={kind} onChange={(e) => setKind(layoutKindSchema.parse(e.target.value))}>
            {layoutKindSchema.options.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-testid="chair-layout-apply"
          disabled={selection.length === 0}
          onClick={() => send({ type: 'layout', layout: { kind, panes: selection.slice(0, LAYOUT_PANES[kind]) } })}
        >
          {t('chair.applyLayout')}
        </button>
        {control.layout && (
          <button type="button" data-testid="chair-layout-clear" onClick={() => send({ type: 'layout', layout: null })}>{t('chair.clearLayout')}</button>
        )}
      </section>
      <section className="chair-row">
        <label>
          {t('chair.interval')}
          <input type="number" min={2} max={600} data-testid="chair-polling-interval" value={interval} onChange={(e) => setIntervalS(Number(e.target.value))} />
        </label>
        <select data-testid="chair-polling-target" value={pollTarget} onChange={(e) => setPollTarget(e.target.value === 'chairView' ? 'chairView' : 'broadcast')}>
          <option value="broadcast">{t('chair.pollTarget.broadcast')}</option>
          <option value="chairView">{t('chair.pollTarget.chairView')}</option>
        </select>
        {!control.polling ? (
          <button
            type="button"
            data-testid="chair-polling-start"
            disabled={selection.length === 0}
            onClick={() => send({ type: 'startPolling', venueIds: selection, intervalS: interval, target: pollTarget, kind: pollTarget === 'chairView' ? kind : '1' })}
          >
            {t('chair.startPolling')}
          </button>
        ) : (
          <>
            {control.polling.paused ? (
              <button type="button" data-testid="chair-polling-resume" onClick={() => send({ type: 'resumePolling' })}>{t('chair.resume')}</button>
            ) : (
              <button type="button" data-testid="chair-polling-pause" onClick={() => send({ type: 'pausePolling' })}>{t('chair.pause')}</button>
            )}
            <button type="button" data-testid="chair-polling-skip" onClick={() => send({ type: 'skipPolling' })}>{t('chair.skip')}</button>
            <button type="button" data-testid="chair-polling-stop" onClick={() => send({ type: 'stopPolling' })}>{t('chair.stop')}</button>
            <span data-testid="polling-next">{t('chair.next', { venues: pollingNext(control.polling).map(name).join('、') })}</span>
          </>
        )}
      </section>
      <h4>{t('chair.board')}</h4>
      <table className="board" data-testid="status-board">
        <thead>
          <tr>
            <th />
            <th>{t('chair.venue')}</th>
            <th>{t('chair.status')}</th>
            <th>{t('chair.camera')}</th>
            <th>{t('chair.loss')}</th>
            <th>{t('chair.rtt')}</th>
            <th>{t('chair.bitrate')}</th>
            <th>{t('chair.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {meeting.invited.map(({ venueId }) => {
            const online = present.has(venueId) || venueId === chairVenue;
            const muted = control.muted.includes(venueId);
            const s = meeting.stats[venueId];
            return (
              <tr
                key={venueId}
                data-testid={`status-${venueId}`}
                data-online={online}
                data-muted={muted}
                data-hand={control.hands.includes(venueId)}
                data-loss={s?.uplinkLoss ?? ''}
                data-rtt={s?.rttMs ?? ''}
                className={online ? '' : 'offline'}
              >
                <td>
                  <input type="checkbox" data-testid={`chair-select-${venueId}`} checked={selection.includes(venueId)} onChange={() => toggle(venueId)} />
                </td>
                <td>{name(venueId)}</td>
                <td>
                  {online ? t('chair.online') : t('chair.offline')} · {muted ? t('chair.muted') : t('chair.speaking')}
                  {control.hands.includes(venueId) ? ` · ${t('chair.hand')}` : ''}
                </td>
                <td>{s ? (s.camera ? t('chair.cameraOn') : t('chair.cameraOff')) : '—'}</td>
                <td>{s ? percent(Math.max(s.uplinkLoss, s.downlinkLoss)) : '—'}</td>
                <td>{s?.rttMs != null ? `${s.rttMs} ms` : '—'}</td>
                <td>{s ? kbps(s.uplinkBitrate) : '—'}</td>
                <td className="actions">
                  {venueId !== chairVenue && (
                    <button type="button" data-testid={`chair-mute-${venueId}`} onClick={() => send({ type: 'mute', venueIds: [venueId], muted: !muted })}>
                      {muted ? t('chair.unmute') : t('chair.mute')}
                    </button>
                  )}
                  <button type="button" data-testid={`chair-rollcall-${venueId}`} onClick={() => send({ type: 'rollCall', venueId })}>{t('chair.rollCall')}</button>
                  <button type="button" data-testid={`chair-broadcast-${venueId}`} onClick={() => send({ type: 'broadcast', venueId })}>{t('chair.broadcast')}</button>
                  <button type="button" data-testid={`chair-view-${venueId}`} onClick={() => send({ type: 'view', layout: { kind: '1', panes: [venueId] } })}>{t('chair.view')}</button>
                  {venueId !== chairVenue && (
                    <button type="button" data-testid={`chair-remove-${venueId}`} onClick={() => send({ type: 'remove', venueId })}>{t('chair.remove')}</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </aside>
  );
}
