// The settings tables on a phone: below 40rem each row is a card (the header row hidden, the
// cells stacked, the actions on their own line), so that no action sits off-screen to the right.
import { css } from 'lit';

export const tableCards = css`
  @media (max-width: 40rem) {
    table, tbody, tr, th, td { display: block; }
    thead { display: none; }
    tbody tr { padding: 0.6rem 0.75rem; border-bottom: 1px solid var(--llc-border); }
    tbody tr:last-child { border-bottom: none; }
    tbody th, tbody td { border: none; padding: 0.15rem 0; min-width: 0; }
    tbody td.actions { min-width: 0; padding-top: 0.4rem; }
  }
`;
