// Placeholder until the page is built.
import { LitElement, html } from 'lit';

export class FriendsPage extends LitElement {
  render() {
    return html`<p>friends</p>`;
  }
}
customElements.define('llc-friends-page', FriendsPage);
