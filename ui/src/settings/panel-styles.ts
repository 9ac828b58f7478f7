// The look the settings' three panels share: a heading row with its main action, a status line.
import { css } from 'lit';

export const panelStyles = css`
  :host { display: block; }
  .toolbar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
  h2 { margin: 0; font-size: 1.1rem; }
  .intro { margin: 0 0 1rem; color: var(--llc-grey); font-size: 0.9rem; max-width: 50rem; }
  .status { margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; border-radius: var(--llc-radius); overflow-wrap: anywhere; }
  .status:empty { display: none; }
  .status.ok { background: #ecfdf5; color: #047857; }
  .status.failed { background: #fef2f2; color: var(--llc-red); }
  .loading { color: var(--llc-grey); }
`;
