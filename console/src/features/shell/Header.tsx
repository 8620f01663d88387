import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { LANGUAGES, changeLanguage, type LanguageCode } from '../../i18n/index.ts';
import { useLogoutMutation } from '../auth/authApi.ts';
import { loggedOut, selectUser } from '../auth/authSlice.ts';
import { leaveMeeting } from '../meeting/meetingThunks.ts';

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span>{t('shell.language')}</span>
      <select
        data-testid="language-select"
        value={i18n.language}
        onChange={(e) => void changeLanguage(e.target.value as LanguageCode)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Header() {
  const { t } = useTranslation();
  const user = useAppSelector(selectUser);
  const dispatch = useAppDispatch();
  const [logout] = useLogoutMutation();
  const onLogout = async () => {
    await dispatch(leaveMeeting());
    await logout().unwrap().catch(() => undefined);
    dispatch(loggedOut());
  };
  return (
    <header className="header">
      <div className="brand">
        <strong>{t('app.name')}</strong>
        <span>{t('app.subtitle')}</span>
      </div>
      <div className="header-right">
        {user && (
          <span className="user" data-testid="current-user">
            {user.displayName} · {t(`shell.role.${user.role}`)}
          </span>
        )}
        <LanguageSelect />
        <button type="button" data-testid="logout" onClick={() => void onLogout()}>
          {t('shell.logout')}
        </button>
      </div>
    </header>
  );
}
