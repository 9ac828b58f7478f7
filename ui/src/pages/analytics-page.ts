// Placeholder until the page is built.
import { LitElement, html } from 'lit';

export class AnalyticsPage extends LitElement {
  render() {
    return html`<p>analytics</p>`;
  }
}
customElements.define('llc-analytics-page', AnalyticsPage);
