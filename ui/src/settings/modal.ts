// The settings' modals are native <dialog>s opened with showModal() (focus kept inside, Escape
// closes, the rest of the page inert). A component owns `open`; this keeps the element in step
// and shares the modals' look.
import { css } from 'lit';

export function syncDialog(dialog: HTMLDialogElement | null | undefined, open: boolean): void {
  if (!dialog) return;
  if (open && !dialog.open) dialog.showModal();
  else if (!open && dialog.open) dialog.close();
}

export const modalStyles = css`
  dialog { border: none; border-radius: 0.75rem; padding: 0; width: min(34rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem); box-shadow: 0 20px 40px rgb(15 23 42 / 0.25); color: var(--llc-text); }
  dialog::backdrop { background: rgb(15 23 42 / 0.45); }
  form { display: grid; gap: 0.9rem; padding: 1.25rem 1.5rem; }
  h2 { margin: 0; font-size: 1.15rem; }
  .actions { display: flex; gap: 0.5rem; justify-content: flex-end; flex-wrap: wrap; margin-top: 0.25rem; }
  .actions .start { margin-right: auto; }
  .form-error { margin: 0; padding: 0.5rem 0.75rem; border-radius: var(--llc-radius); background: #fef2f2; }
`;
