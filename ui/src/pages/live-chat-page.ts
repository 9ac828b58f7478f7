// Placeholder until the page is built.
import { LitElement, html } from 'lit';

export class LiveChatPage extends LitElement {
  render() {
    return html`<p>live-chat</p>`;
  }
}
customElements.define('llc-live-chat-page', LiveChatPage);
