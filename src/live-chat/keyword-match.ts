// Does a user's text ask for a human? Texts are compared after the normalisation people never
// see: Unicode NFC (Thai vowels and tone marks typed in different orders), zero-width
// characters (LINE keyboards and copy-paste insert them), surrounding and repeated spaces, case.
import type { KeywordMatchMode } from './live-chat-settings';

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
/** A letter, digit or mark of a script written with spaces between words (so not Thai). */
const SPACED_WORD_CHAR = /^(?!\p{Script=Thai})[\p{L}\p{N}\p{M}]$/u;

export function normaliseForMatch(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().toLocaleLowerCase();
}

/**
 * exact: the whole message is a keyword. contains: a keyword appears in it; a keyword that starts
 * or ends with a Latin (or other spaced-script) letter must do so at a word boundary, so "agent"
 * is found in "an agent please" and "ขอagentครับ" but not in "management". Thai is written without
 * spaces, so a Thai keyword is found anywhere.
 */
export function matchesKeyword(text: string, keywords: readonly string[], mode: KeywordMatchMode): boolean {
  const said = normaliseForMatch(text);
  if (said === '') return false;
  return normalisedKeywords(keywords).some((wanted) => (mode === 'exact' ? said === wanted : containsKeyword(said, wanted)));
}

/** The keywords normalised, blank ones left out: once per list (the settings' and a node's own lists live long), not per message. */
const normalised = new WeakMap<readonly string[], string[]>();
function normalisedKeywords(keywords: readonly string[]): string[] {
  let list = normalised.get(keywords);
  // a list that changed since (a caller's own array) is normalised again
  if (!list || !Object.isFrozen(keywords)) {
    list = keywords.map(normaliseForMatch).filter((k) => k !== '');
    if (Object.isFrozen(keywords)) normalised.set(keywords, list);
  }
  return list;
}

function containsKeyword(said: string, wanted: string): boolean {
  const needsStartBoundary = SPACED_WORD_CHAR.test(String.fromCodePoint(wanted.codePointAt(0)!));
  const needsEndBoundary = SPACED_WORD_CHAR.test([...wanted].at(-1)!);
  for (let at = said.indexOf(wanted); at !== -1; at = said.indexOf(wanted, at + 1)) {
    const before = at > 0 ? [...said.slice(0, at)].at(-1)! : '';
    const after = said.slice(at + wanted.length);
    const next = after === '' ? '' : String.fromCodePoint(after.codePointAt(0)!);
    if ((!needsStartBoundary || !SPACED_WORD_CHAR.test(before)) && (!needsEndBoundary || !SPACED_WORD_CHAR.test(next))) return true;
  }
  return false;
}

/** A postback asking for a human: data `action=handoff` (a rich-menu button), in any order of fields. */
export function isHandoffPostback(data: unknown): boolean {
  if (typeof data !== 'string') return false;
  return new URLSearchParams(data).get('action') === 'handoff';
}
