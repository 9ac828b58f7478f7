// Does a user's text ask for a human? Texts are compared after the normalisation people never
// see: Unicode NFC (Thai vowels and tone marks typed in different orders), zero-width
// characters (LINE keyboards and copy-paste insert them), surrounding and repeated spaces, case.
import type { KeywordMatchMode } from './live-chat-settings';

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

export function normaliseForMatch(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().toLocaleLowerCase();
}

export function matchesKeyword(text: string, keywords: readonly string[], mode: KeywordMatchMode): boolean {
  const said = normaliseForMatch(text);
  if (said === '') return false;
  return keywords.some((keyword) => {
    const wanted = normaliseForMatch(keyword);
    if (wanted === '') return false;
    return mode === 'exact' ? said === wanted : said.includes(wanted);
  });
}

/** A postback asking for a human: data `action=handoff` (a rich-menu button), in any order of fields. */
export function isHandoffPostback(data: unknown): boolean {
  if (typeof data !== 'string') return false;
  return new URLSearchParams(data).get('action') === 'handoff';
}
