// The contacts' search (migration 0032): their names, LINE ids, details and labels, copied into
// contact_search by triggers on contacts and indexed there, apart from the row every message
// updates. Contacts are found by a condition on contact_search (each of the conditions below,
// whose parameters are numbered by the caller), then read from contacts by primary key.

export const contactSearch = {
  /** The contact has a conversation (its conv_activity_at is set): the partial grams index's condition. */
  talked: 'talked',
  /** Its name, LINE id or details contain the ILIKE pattern `$n` (trigram indexes, 3 characters on). */
  anyTextLike: (n: number) => `(display_name ILIKE $${n} OR line_user_id ILIKE $${n} OR details_search ILIKE $${n})`,
  /** Its name or LINE id contain the ILIKE pattern `$n`. */
  nameOrLineIdLike: (n: number) => `(display_name ILIKE $${n} OR line_user_id ILIKE $${n})`,
  /**
   * `lower($n)`, one or two characters, is among the 1- and 2-character substrings of its name and
   * details (migration 0025's grams; indexed for contacts that talked). ILIKE compares lower() of
   * both sides, so this is anyTextLike's test but for the LINE id, whose hex digits would match
   * nearly everyone; a LINE id is found from three characters on.
   */
  hasGram: (n: number) => `short_grams @> ARRAY[lower($${n}::text)]`,
  /** It has the label `$n` (the label index). */
  labelled: (n: number) => `label_ids @> ARRAY[$${n}::int]`,
};

/** A condition on contacts: those whose search row meets every one of `conditions`. */
export const searchedContacts = (conditions: string[]) => `id IN (SELECT contact_id FROM contact_search WHERE ${conditions.join(' AND ')})`;

/** How many contacts meet every one of `conditions`, from contact_search alone. */
export const countSearched = (conditions: string[]) => `SELECT count(*)::int AS total FROM contact_search WHERE ${conditions.join(' AND ')}`;
