// The match score in words: what a reviewer and a school have in common (match.ts), for the
// admin's plan and the reviewer's list.
import { msg, type Message } from '../../i18n/translate.js';
import { matchParts, type ReviewerMatchProfile, type SchoolMatchProfile } from './match.js';

/** Why a reviewer suits a school, as the parts of the match score say it. */
export function whyMatched(reviewer: ReviewerMatchProfile, school: SchoolMatchProfile): Message[] {
  const parts = matchParts(reviewer, school);
  const why: Message[] = [
    parts.sharedTopics.length > 0
      ? msg('assignment.why.topics', {
          shared: parts.sharedTopics.length,
          count: parts.focusCount,
          topics: parts.sharedTopics.join(', '),
        })
      : msg('assignment.why.noTopics'),
  ];
  if (parts.gradeLevel === 'level') why.push(msg('assignment.why.level'));
  if (parts.gradeLevel === 'near') why.push(msg('assignment.why.nearLevel'));
  if (parts.region === 'state') why.push(msg('assignment.why.state'));
  if (parts.region === 'region') why.push(msg('assignment.why.region'));
  return why;
}
