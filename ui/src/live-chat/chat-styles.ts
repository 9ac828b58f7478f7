// The live chat page's colours (seed §5.1): orange waiting, emerald active, cyan held by someone
// else, slate bot; the #7367F0 primary, the #EA5455 unread count; slate user bubbles, indigo
// operator bubbles, muted centred system lines.
import { css } from 'lit';

export const chatTokens = css`
  :host {
    --lc-primary: #7367f0;
    --lc-primary-hover: #5e50ee;
    --lc-danger: #ea5455;
    --lc-muted: #64748b;
    --lc-selected: #eef2ff;
  }
  button.send { background: var(--lc-primary); border-color: var(--lc-primary); color: #fff; }
  button.send:hover:not(:disabled) { background: var(--lc-primary-hover); }
  .pill { display: inline-block; border-radius: 999px; padding: 0.05rem 0.55rem; font-size: 0.75rem; font-weight: 600; white-space: nowrap; }
  .pill.waiting { background: #ffedd5; color: #c2410c; }
  .pill.active { background: #d1fae5; color: #047857; }
  .pill.held { background: #cffafe; color: #0e7490; }
  .pill.bot, .pill.closed { background: #f1f5f9; color: #475569; }
  .pill.missed { background: #fee2e2; color: #b91c1c; }
  .pill.friend { background: #d1fae5; color: #047857; }
  .pill.blocked, .pill.unfollowed { background: #fee2e2; color: #b91c1c; }
  .unread { display: inline-block; min-width: 1.2rem; text-align: center; border-radius: 999px; padding: 0 0.35rem; font-size: 0.72rem; font-weight: 700; background: var(--lc-danger); color: #fff; }
  .muted { color: var(--lc-muted); }
  .icon { border: none; background: transparent; padding: 0.3rem 0.45rem; border-radius: var(--llc-radius); line-height: 1; }
  .icon:hover:not(:disabled) { background: #f1f5f9; }
`;
