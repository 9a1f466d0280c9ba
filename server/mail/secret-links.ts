// The outbox keeps a message's working links only while it waits to be sent: the worker hides
// them in the same update that marks it sent (or given up), and admins are always shown the
// hidden form. Only the recipient's copy (their mailbox, or the .eml file in development) keeps
// them. Which parts of a link are secret is decided in server/url-secrets.ts, by route and by
// shape, so a new template needs no declaration to be covered.
import { hideSecretsInText, hideUrlSecrets } from '../url-secrets.js';

export const HIDDEN = '[hidden]';

export function hideMailSecrets(text: string): string {
  return hideSecretsInText(text, HIDDEN);
}

interface StoredMessage {
  subject: string;
  textBody: string;
  htmlBody: string;
  unsubscribeUrl: string | null;
  lastError: string | null;
}

/** The stored parts of a message with every secret link hidden (for admins, and once sent). */
export function withSecretsHidden<T extends StoredMessage>(message: T): T {
  return {
    ...message,
    subject: hideMailSecrets(message.subject),
    textBody: hideMailSecrets(message.textBody),
    htmlBody: hideMailSecrets(message.htmlBody),
    lastError: message.lastError === null ? null : hideMailSecrets(message.lastError),
    // Signed for one address: whoever holds it can unsubscribe that person.
    unsubscribeUrl: message.unsubscribeUrl === null ? null : hideUrlSecrets(message.unsubscribeUrl, HIDDEN),
  };
}
