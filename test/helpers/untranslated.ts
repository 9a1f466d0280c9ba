// Finding words a person would read that do not come from the catalogues: text in a template
// outside {{…}}, and English assigned to a field error, a flash or an error page in code. The
// catalogue test (test/unit/i18n/catalogue.test.ts) fails on any, except in a file that still
// carries the marker below (what is left to translate; the test prints how many).
export const NOT_YET_TRANSLATED = 'i18n: not yet translated';

/** Attributes whose value people read (or hear, through a screen reader). */
const READ_ATTRIBUTES =
  /\b(alt|title|placeholder|aria-label|aria-description|label|content|data-confirm)\s*=\s*"([^"]*)"/gi;
/** Parameters of helpers and partials whose value is shown: {{> field (fieldOf "x" label="Title")}}. */
const READ_PARAMETERS =
  /\b(label|hint|emptyOption|legend|title|placeholder|confirm|text|caption|summary|prompt|heading|description|button)=(?:"([^"]*)"|'([^']*)')/g;
/** Helpers that write English from their own string arguments. */
const ENGLISH_HELPERS = /\{\{\s*counted\b[^}]*"[^"]*\p{L}{2,}/u;
const HAS_WORDS = /\p{L}{2,}/u;

/** The words of a Handlebars template that are not from the catalogues, one entry each. */
export function untranslatedInTemplate(source: string): string[] {
  let s = source
    .replace(/\{\{!--[\s\S]*?--\}\}/g, ' ')
    .replace(/\{\{![\s\S]*?\}\}/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    // Commands and code are the same in every language.
    .replace(/<(code|kbd|samp)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/^Subject: /, '');
  const found: string[] = [];
  for (const mustache of s.match(/\{\{[\s\S]*?\}\}/g) ?? []) {
    for (const match of mustache.matchAll(READ_PARAMETERS)) {
      const value = match[2] ?? match[3] ?? '';
      if (HAS_WORDS.test(value)) found.push(`${match[1]}="${value}"`);
    }
    if (ENGLISH_HELPERS.test(mustache)) found.push(mustache);
  }
  // Mustaches, innermost first, so a subexpression's quotes do not confuse the outer one.
  s = s.replace(/\{\{\{[\s\S]*?\}\}\}/g, ' ').replace(/\{\{[\s\S]*?\}\}/g, ' ');
  for (const match of s.matchAll(READ_ATTRIBUTES)) {
    const name = match[1]!.toLowerCase();
    const value = match[2]!;
    // <meta content> of charset/viewport/og:type are machine words.
    if (name === 'content' && /^(width=|website$|article$|summary$)/.test(value.trim())) continue;
    if (HAS_WORDS.test(value.replace(/\bLaurel\b/g, ''))) found.push(`${name}="${value.trim()}"`);
  }
  const text = s.replace(/<[^>]*>/g, '\n').replace(/&[a-z]+;|&#\d+;/gi, ' ');
  for (const line of text.split('\n')) {
    const words = line.trim();
    if (HAS_WORDS.test(words.replace(/\bLaurel\b/g, ''))) found.push(words);
  }
  return found;
}

const IN_CODE = [
  // errors.name = 'Enter …' / errors[field] = `Use …`
  /\berrors(?:\.\w+|\[[^\]]{1,80}\])\s*=\s*(['`"])(?=[^'`"]*\p{L}{2,})/u,
  // res.flash('success', 'Saved.')
  /\.flash\(\s*'\w+',\s*(['`"])/,
  // new NotFound('…'), new Forbidden(`…`), new Invalid({...}, '…') is caught by the first rule's fields
  /new (?:NotFound|Forbidden|TooManyRequests|StaleEdit)\(\s*(['`"])/,
  // formError: 'Something' in a render call
  /\bformError:\s*(['`"])(?=[^'`"]*\p{L}{2,})/u,
];

/** Lines of TypeScript that hand English to a person instead of a Message. */
export function untranslatedInCode(source: string): string[] {
  return source
    .split('\n')
    .filter((line) => !line.trim().startsWith('//') && !line.trim().startsWith('*'))
    .filter((line) => IN_CODE.some((pattern) => pattern.test(line)))
    .map((line) => line.trim());
}
