// Reads the CSV the exports write, so a test can hold their content against what it expects.

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks); a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted && ch === '"' && body[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && ch === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

/** The friends export's own columns, ahead of one per contact field. */
export const FRIEND_COLUMNS = ['line_user_id', 'display_name', 'friend_status', 'friend_since', 'chat_mode', 'last_message_at', 'labels', 'note'];
