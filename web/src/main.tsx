import { render } from 'preact';
import { App } from './app.tsx';
import { loadConfig } from './config.ts';
import { translate } from './i18n.ts';
import './styles.css';

const root = document.getElementById('app') ?? document.body;
loadConfig().then(
  (config) => render(<App config={config} />, root),
  (err: Error) => {
    root.textContent = translate(navigator.language.startsWith('ru') ? 'ru' : 'en', 'app.configError', { error: err.message });
  },
);
