// How two spellings of one school are recognized as the same: nominations typed by the public
// and the profiles schools create are grouped and linked by this key.

const COMMON_WORDS = new Set(['the', 'school', 'high', 'hs', 'senior', 'sr', 'of', 'and', 'at']);

/**
 * Folds a school's name, city and state so that "Lincoln High School, Portland, OR" and
 * "lincoln h.s. portland or" match: case, punctuation and common words are dropped.
 */
export function schoolMatchKey(name: string, city: string, state: string): string {
  const fold = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/\bh\.\s*s\.?/g, ' hs ')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .filter((word) => word && !COMMON_WORDS.has(word))
      .join(' ');
  return `${fold(name)}|${fold(city)}|${state.trim().toUpperCase()}`;
}
