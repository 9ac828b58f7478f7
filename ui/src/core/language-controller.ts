// Re-renders a component when the operator switches language: add `new LanguageController(this)`
// in the constructor of any component whose text comes from t() or core/format. A parent's
// re-render does not reach a child whose properties did not change, so each one listens itself.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { languageEvents } from './i18n';

export class LanguageController implements ReactiveController {
  private readonly changed = () => this.host.requestUpdate();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    languageEvents.addEventListener('language-changed', this.changed);
  }

  hostDisconnected(): void {
    languageEvents.removeEventListener('language-changed', this.changed);
  }
}
