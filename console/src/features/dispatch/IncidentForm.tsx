import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  INCIDENT_TYPES,
  incidentLevelSchema,
  incidentTypeSchema,
  type CreateIncidentBody,
  type IncidentLevel,
  type IncidentType,
} from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useCreateIncidentMutation } from './dispatchApi.ts';

const TYPES = Object.keys(INCIDENT_TYPES) as IncidentType[];

export function IncidentForm({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [create, { isLoading, error }] = useCreateIncidentMutation();
  const [type, setType] = useState<IncidentType>('flood');
  const [level, setLevel] = useState<IncidentLevel>('IV');
  const [title, setTitle] = useState('');
  const [locationText, setLocation] = useState('');
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [reporterName, setReporterName] = useState('');
  const [reporterContact, setReporterContact] = useState('');
  const [description, setDescription] = useState('');
  const [channel, setChannel] = useState<'console' | 'phone'>('console');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body: CreateIncidentBody = { type, level, locationText, reporterName, reporterContact, description, channel };
    if (title.trim()) body.title = title;
    if (lat.trim() && lon.trim()) body.coordinates = { lat: Number(lat), lon: Number(lon) };
    const result = await create(body);
    if ('data' in result && result.data) onCreated(result.data.incident.id);
  };

  return (
    <form className="dispatch-panel" onSubmit={(e) => void onSubmit(e)} data-testid="incident-form">
      <h3>{t('dispatch.form.title')}</h3>
      <div className="dispatch-form">
        <label>
          {t('dispatch.field.type')}
          <select data-testid="incident-type" value={type} onChange={(e) => setType(incidentTypeSchema.parse(e.target.value))}>
            {TYPES.map((key) => (
              <option key={key} value={key}>
                {t(`dispatch.type.${key}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dispatch.field.level')}
          <select data-testid="incident-level" value={level} onChange={(e) => setLevel(incidentLevelSchema.parse(e.target.value))}>
            {incidentLevelSchema.options.map((key) => (
              <option key={key} value={key}>
                {t(`dispatch.level.${key}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dispatch.form.channel')}
          <select data-testid="incident-channel" value={channel} onChange={(e) => setChannel(e.target.value === 'phone' ? 'phone' : 'console')}>
            <option value="console">{t('dispatch.channel.console')}</option>
            <option value="phone">{t('dispatch.channel.phone')}</option>
          </select>
        </label>
        <label className="wide">
          {t('dispatch.form.titleOptional')}
          <input data-testid="incident-title" value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label className="wide">
          {t('dispatch.field.locationText')}
          <input data-testid="incident-location" value={locationText} maxLength={200} required onChange={(e) => setLocation(e.target.value)} />
        </label>
        <label>
          {t('dispatch.form.latitude')}
          <input data-testid="incident-lat" inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} />
        </label>
        <label>
          {t('dispatch.form.longitude')}
          <input data-testid="incident-lon" inputMode="decimal" value={lon} onChange={(e) => setLon(e.target.value)} />
        </label>
        <label>
          {t('dispatch.field.reporterName')}
          <input data-testid="incident-reporter" value={reporterName} maxLength={50} onChange={(e) => setReporterName(e.target.value)} />
        </label>
        <label>
          {t('dispatch.field.reporterContact')}
          <input data-testid="incident-contact" value={reporterContact} maxLength={50} onChange={(e) => setReporterContact(e.target.value)} />
        </label>
        <label className="wide">
          {t('dispatch.field.description')}
          <textarea data-testid="incident-description" value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      {error && <p className="error">{t('dispatch.form.failed', { message: errorMessage(error) })}</p>}
      <div className="dispatch-row">
        <button type="submit" data-testid="incident-submit" disabled={isLoading}>
          {isLoading ? t('dispatch.form.submitting') : t('dispatch.form.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('dispatch.form.cancel')}
        </button>
      </div>
    </form>
  );
}
