import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch } from '../../app/hooks.ts';
import { LanguageSelect } from '../shell/Header.tsx';
import { useLoginMutation } from './authApi.ts';
import { loggedIn } from './authSlice.ts';
import { errorMessage } from '../../app/errorMessage.ts';

export function LoginPage() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const [login, { isLoading, error }] = useLoginMutation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await login({ username, password });
    if ('data' in result && result.data) dispatch(loggedIn(result.data));
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={(e) => void onSubmit(e)}>
        <h1>{t('app.name')}</h1>
        <p className="subtitle">{t('app.subtitle')}</p>
        <h2>{t('login.title')}</h2>
        <label>
          {t('login.username')}
          <input data-testid="login-username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t('login.password')}
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {t('login.failed', { message: errorMessage(error) })}
          </p>
        )}
        <button type="submit" data-testid="login-submit" disabled={isLoading || !username || !password}>
          {isLoading ? t('login.submitting') : t('login.submit')}
        </button>
        <LanguageSelect />
      </form>
    </div>
  );
}
