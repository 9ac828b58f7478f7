// Placeholder until the page is built.
import { LitElement, html } from 'lit';

export class SettingsPage extends LitElement {
  render() {
    return html`<p>settings</p>`;
  }
}
customElements.define('llc-settings-page', SettingsPage);
