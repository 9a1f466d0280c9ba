// Changing a program's default language: its columns hold that language's texts, so each text
// already translated into the new language takes the column's place, and the column's text
// becomes the translation into the old one. A text with no translation stays where it is.
// Nothing is lost either way. Eligibility options are values, not words (translations.ts).
import { eq, inArray } from 'drizzle-orm';
import {
  criteria,
  cycles,
  eligibilityQuestions,
  eligibilityRules,
  programs,
  type Program,
  type Translations,
} from '../../../models/schema.js';
import type { Database } from '../../db/client.js';

/** The texts of `row` and its translations, with `to` in the columns instead of `from`. */
export function swappedTexts(
  row: Record<string, unknown> & { translations: Translations },
  fields: readonly string[],
  from: string,
  to: string,
): { texts: Record<string, string>; translations: Translations } {
  const translations: Translations = Object.fromEntries(
    Object.entries(row.translations ?? {}).map(([language, texts]) => [language, { ...texts }]),
  );
  const texts: Record<string, string> = {};
  for (const field of fields) {
    const translated = translations[to]?.[field];
    if (!translated?.trim()) continue;
    const own = typeof row[field] === 'string' ? (row[field] as string) : '';
    texts[field] = translated;
    delete translations[to]![field];
    if (own.trim() !== '') (translations[from] ??= {})[field] = own;
  }
  for (const [language, entries] of Object.entries(translations)) {
    if (Object.keys(entries).length === 0) delete translations[language];
  }
  return { texts, translations };
}

const PROGRAM_FIELDS = ['name', 'description', 'shortName', 'privacyNotice', 'accessibilityStatement'];

/** Swaps every text of the program and its cycles; `program` already has its new language. */
export async function swapDefaultLanguage(db: Database, program: Program, from: string): Promise<Program> {
  const to = program.defaultLanguage;
  const own = swappedTexts(program, PROGRAM_FIELDS, from, to);
  const [saved] = await db
    .update(programs)
    .set({ ...own.texts, translations: own.translations })
    .where(eq(programs.id, program.id))
    .returning();
  const cycleRows = await db.select().from(cycles).where(eq(cycles.programId, program.id));
  const cycleIds = cycleRows.map((c) => c.id);
  for (const row of cycleRows) {
    const swapped = swappedTexts(row, ['name'], from, to);
    await db
      .update(cycles)
      .set({ ...swapped.texts, translations: swapped.translations })
      .where(eq(cycles.id, row.id));
  }
  if (cycleIds.length === 0) return saved!;
  for (const row of await db.select().from(criteria).where(inArray(criteria.cycleId, cycleIds))) {
    const swapped = swappedTexts(row, ['title', 'guidance', 'evidenceRequested'], from, to);
    await db
      .update(criteria)
      .set({ ...swapped.texts, translations: swapped.translations })
      .where(eq(criteria.id, row.id));
  }
  for (const row of await db
    .select()
    .from(eligibilityQuestions)
    .where(inArray(eligibilityQuestions.cycleId, cycleIds))) {
    const swapped = swappedTexts(row, ['prompt', 'help'], from, to);
    await db
      .update(eligibilityQuestions)
      .set({ ...swapped.texts, translations: swapped.translations })
      .where(eq(eligibilityQuestions.id, row.id));
  }
  for (const row of await db.select().from(eligibilityRules).where(inArray(eligibilityRules.cycleId, cycleIds))) {
    const swapped = swappedTexts(row, ['message'], from, to);
    await db
      .update(eligibilityRules)
      .set({ ...swapped.texts, translations: swapped.translations })
      .where(eq(eligibilityRules.id, row.id));
  }
  return saved!;
}
