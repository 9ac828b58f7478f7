// Labels as small coloured chips, by id, named from the catalog (a label deleted meanwhile is
// left out). Used on list rows and under the chat's name.
import { LitElement, css, html } from 'lit';
import { catalog } from './contact-catalog';

/** Dark text on light colours, white on dark ones. */
export function textOn(color: string): string {
  const n = Number.parseInt(color.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#0f172a' : '#ffffff';
}

export class LabelChips extends LitElement {
  static properties = { ids: { attribute: false } };
  ids: number[] = [];
  private readonly changed = () => this.requestUpdate();

  connectedCallback(): void {
    super.connectedCallback();
    catalog.addEventListener('change', this.changed);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    catalog.removeEventListener('change', this.changed);
  }

  render() {
    const labels = this.ids.map((id) => catalog.label(id)).filter((l) => l !== undefined);
    return labels.map((l) => html`<span class="chip" data-label=${l.id} style="background:${l.color};color:${textOn(l.color)}">${l.name}</span>`);
  }

  static styles = css`
    :host { display: inline-flex; flex-wrap: wrap; gap: 0.25rem; min-width: 0; }
    .chip { border-radius: 999px; padding: 0 0.45rem; font-size: 0.72rem; line-height: 1.3rem; white-space: nowrap; max-width: 10rem; overflow: hidden; text-overflow: ellipsis; }
  `;
}
customElements.define('llc-label-chips', LabelChips);
