// Shared look (seed §5 colours): LINE green for the brand and BOT, blue for HUMAN/active,
// amber for waiting, red for errors; visible focus rings everywhere.
import { css } from 'lit';

export const tokens = css`
  :host {
    --llc-green: #06c755;
    --llc-blue: #2563eb;
    --llc-amber: #d97706;
    --llc-red: #dc2626;
    --llc-grey: #64748b;
    --llc-border: #e2e8f0;
    --llc-bg: #f8fafc;
    --llc-surface: #ffffff;
    --llc-text: #1e293b;
    --llc-radius: 0.5rem;
    color: var(--llc-text);
    font-family: inherit;
  }
  button, input, select, textarea { font: inherit; }
  button { cursor: pointer; border: 1px solid var(--llc-border); background: var(--llc-surface); color: inherit; border-radius: var(--llc-radius); padding: 0.4rem 0.8rem; }
  button.primary { background: var(--llc-green); border-color: var(--llc-green); color: #fff; }
  button.danger { background: var(--llc-red); border-color: var(--llc-red); color: #fff; }
  button:disabled { opacity: 0.5; cursor: default; }
  input, select, textarea { border: 1px solid var(--llc-border); border-radius: var(--llc-radius); padding: 0.4rem 0.6rem; background: #fff; color: inherit; }
  :focus-visible { outline: 2px solid var(--llc-blue); outline-offset: 2px; }
  .badge { white-space: nowrap; display: inline-block; border-radius: 999px; padding: 0.05rem 0.5rem; font-size: 0.75rem; font-weight: 600; color: #fff; background: var(--llc-grey); }
  .badge.waiting { background: var(--llc-amber); }
  .badge.active, .badge.human { background: var(--llc-blue); }
  .badge.bot { background: var(--llc-green); }
  .badge.closed { background: var(--llc-grey); }
  .error { color: var(--llc-red); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
