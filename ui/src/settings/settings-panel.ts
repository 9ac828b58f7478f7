// What every Settings tab does the same way: it re-renders when the language changes and reads
// its data from the API each time it is shown.
import { LitElement } from 'lit';
import { LanguageController } from '../core/language-controller';

export abstract class SettingsPanel extends LitElement {
  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the tab's data; a failure is the tab's to show. */
  protected abstract load(): Promise<void>;
}
