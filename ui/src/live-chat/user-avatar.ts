// A LINE user's picture, or the first letter of their name on a colour of their own when there
// is no picture (or it does not load). Decorative: the name is always written beside it.
import { LitElement, css, html } from 'lit';

const COLOURS = ['#7367f0', '#0e7490', '#047857', '#c2410c', '#be185d', '#4338ca', '#0369a1', '#4d7c0f'];

export class UserAvatar extends LitElement {
  static properties = { name: {}, src: {}, size: { type: Number }, failed: { state: true } };
  name = '';
  src: string | null = null;
  size = 40;
  failed = false;

  willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('src')) this.failed = false;
  }

  render() {
    const px = `${this.size}px`;
    const usable = !!this.src && /^https?:\/\//i.test(this.src) && !this.failed;
    if (usable) {
      return html`<img src=${this.src!} alt="" width=${this.size} height=${this.size} style="width:${px};height:${px}" referrerpolicy="no-referrer" @error=${() => (this.failed = true)}>`;
    }
    const name = this.name.trim();
    // Thai leading vowels (เ แ โ ใ ไ) are not the initial: the consonant after them is.
    const initial = [...name.replace(/^[\u0e40-\u0e44]/, '')][0]?.toUpperCase() ?? '?';
    let hash = 0;
    for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
    return html`<span aria-hidden="true" style="width:${px};height:${px};font-size:${this.size * 0.42}px;background:${COLOURS[hash % COLOURS.length]}">${initial}</span>`;
  }

  static styles = css`
    :host { display: inline-block; flex: none; line-height: 0; }
    img, span { border-radius: 50%; object-fit: cover; }
    span { display: inline-grid; place-items: center; color: #fff; font-weight: 700; line-height: 1; }
  `;
}
customElements.define('llc-user-avatar', UserAvatar);
