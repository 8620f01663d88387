import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errorMessage.ts';
import { useGetReportQuery } from './dispatchApi.ts';

/** YYYY-MM-DD of the local day `daysAgo` days back. */
const localDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toLocaleDateString('sv-SE');

/** Acknowledgement and completion times per department, p50 / p90, over a date range. */
export function DispatchReport() {
  const { t } = useTranslation();
  const [from, setFrom] = useState(localDay(6));
  const [to, setTo] = useState(localDay(0));
  const { data, error } = useGetReportQuery({ from, to });
  const secs = (v: number | null) => (v === null ? t('dispatch.report.none') : t('dispatch.report.seconds', { value: v }));
  return (
    <div className="dispatch-panel" data-testid="dispatch-report">
      <div className="dispatch-row">
        <h3>{t('dispatch.report.title')}</h3>
        <label>
          {t('dispatch.report.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('dispatch.report.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {error && <p className="error">{t('dispatch.list.loadFailed', { message: errorMessage(error) })}</p>}
      {data && data.rows.length === 0 && <p className="muted">{t('dispatch.report.empty')}</p>}
      {data && data.rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('dispatch.report.department')}</th>
              <th>{t('dispatch.report.tasks')}</th>
              <th>{t('dispatch.report.acknowledged')}</th>
              <th>{t('dispatch.report.completed')}</th>
              <th>{t('dispatch.report.ackP50')}</th>
              <th>{t('dispatch.report.ackP90')}</th>
              <th>{t('dispatch.report.doneP50')}</th>
              <th>{t('dispatch.report.doneP90')}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <tr key={row.departmentId} data-testid={`report-row-${row.departmentId}`}>
                <td>{row.departmentName}</td>
                <td>{row.tasks}</td>
                <td>{row.acknowledged}</td>
                <td>{row.completed}</td>
                <td>{secs(row.ackSecondsP50)}</td>
                <td>{secs(row.ackSecondsP90)}</td>
                <td>{secs(row.completionSecondsP50)}</td>
                <td>{secs(row.completionSecondsP90)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
