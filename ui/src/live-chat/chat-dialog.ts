// The shell of the chat's modal <dialog>s (focus stays inside, Escape cancels): the parent sets
// `open`, and the dialog answers once per opening, closing any other way being 'cancel'.
import { LitElement, type PropertyDeclarations } from 'lit';
import { LanguageController } from '../core/language-controller';

export abstract class ChatDialog extends LitElement {
  static properties: PropertyDeclarations = { open: { type: Boolean } };
  open = false;
  /** Set once this opening has answered (or the parent closed it), so the close that follows sends nothing more. */
  private answered = false;

  constructor() {
    super();
    new LanguageController(this);
  }

  protected get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  updated(changed: Map<string, unknown>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.answered = false;
      this.dialog.showModal();
      this.opened();
    } else if (!this.open && this.dialog.open) {
      this.answered = true;
      this.dialog.close();
    }
  }

  /** Each time the dialog opens (after it shows). */
  protected opened(): void {}

  /** Closes the dialog and sends `type` (bubbling out of the shadow root), unless it has answered already. */
  protected answer(type: string, detail?: unknown): void {
    if (this.answered) return;
    this.answered = true;
    if (this.dialog.open) this.dialog.close();
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
