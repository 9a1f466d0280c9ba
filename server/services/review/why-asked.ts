// Why a reviewer was asked to read an application, in the words the admin's plan uses
// (assignment/match-words.ts): the focus topics they share with the school and its grade level.
// The region is left out in a blind cycle, where the school's state is not the reviewer's to know.
import { eq } from 'drizzle-orm';
import { reviewerProfiles } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import type { Message } from '../../i18n/translate.js';
import { whyMatched } from '../assignment/match-words.js';

const REGION_KEYS = new Set(['assignment.why.state', 'assignment.why.region']);

export async function whyAsked(
  db: Database,
  {
    reviewerId,
    school,
    blind,
  }: { reviewerId: number; school: { state: string; level: string; focus: string[] }; blind: boolean },
): Promise<Message[]> {
  const [profile] = await db
    .select({
      expertise: reviewerProfiles.expertise,
      gradeLevels: reviewerProfiles.gradeLevels,
      state: reviewerProfiles.state,
    })
    .from(reviewerProfiles)
    .where(eq(reviewerProfiles.userId, reviewerId));
  if (!profile) return [];
  const why = whyMatched(profile, school);
  return blind ? why.filter((m) => !REGION_KEYS.has(m.key)) : why;
}
