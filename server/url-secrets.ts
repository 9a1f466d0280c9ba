// Links that act for someone (reset a password, confirm an address, accept an invitation,
// unsubscribe) carry their secret in the URL. The request log and the copies of e-mail that
// admins can read must not hold a working one; this module finds those secrets so they can be
// hidden. It recognises them two ways, so a new kind of link is caught even if nobody lists it:
// by the routes known to take a token, and by shape (a long run of base64url characters, which
// is what a random token looks like and what ids, dates and words never are).

/** Routes whose next path segment is a secret token (routes/ declares them as `.../:token`). */
export const TOKEN_ROUTES = [
  'verify-email',
  'reset-password',
  'invitations',
  'nominations/confirm',
  'reviewer-invitations',
];

/** Query parameters that are secrets whatever their length: CSRF tokens and link signatures. */
const SECRET_QUERY_KEYS = new Set(['_csrf', 't', 'token', 'sig', 'signature']);

// 32 characters of base64url is 192 bits: every token the portal makes (32 random bytes) is
// longer, and so is a hex or UUID token; no id, slug part or word in a URL comes close.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,}={0,2}$/;
const TOKEN_RUN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g;
const ABSOLUTE_URL = /https?:\/\/[^\s"'<>]+/gi;

export function looksLikeToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function followsTokenRoute(segments: string[], index: number): boolean {
  return TOKEN_ROUTES.some((route) => {
    const parts = route.split('/');
    const start = index - parts.length;
    return start >= 0 && parts.every((part, k) => segments[start + k] === part);
  });
}

function hidePath(path: string, mask: string): string {
  const segments = path.split('/');
  return segments
    .map((segment, index) =>
      segment && (followsTokenRoute(segments, index) || looksLikeToken(decoded(segment))) ? mask : segment,
    )
    .join('/');
}

function hideQueryValue(key: string, value: string, mask: string): string {
  if (SECRET_QUERY_KEYS.has(decoded(key))) return mask;
  const plain = decoded(value);
  // A `next=` parameter can hold a whole token link (/login?next=%2Finvitations%2F...).
  if (/^(\/|https?:)/i.test(plain)) {
    const hidden = hideUrlSecrets(plain, mask);
    return hidden === plain ? value : encodeURIComponent(hidden);
  }
  return looksLikeToken(plain) ? mask : value;
}

function hideQuery(query: string, mask: string): string {
  // The same links appear HTML-escaped in the html part of e-mails: `&amp;` and `&#x3D;`.
  return query
    .split(/(&amp;|&(?!#))/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      const equals = /=|&#x3D;/.exec(part);
      if (!equals) return looksLikeToken(decoded(part)) ? mask : part;
      const key = part.slice(0, equals.index);
      return `${key}${equals[0]}${hideQueryValue(key, part.slice(equals.index + equals[0].length), mask)}`;
    })
    .join('');
}

/** The URL (absolute, or a path with its query) with every secret in it replaced by `mask`. */
export function hideUrlSecrets(url: string, mask: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  const rest = url.slice(origin.length);
  const hash = rest.indexOf('#');
  const beforeHash = hash < 0 ? rest : rest.slice(0, hash);
  const fragment = hash < 0 ? '' : rest.slice(hash + 1);
  const question = beforeHash.indexOf('?');
  const path = question < 0 ? beforeHash : beforeHash.slice(0, question);
  const query = question < 0 ? undefined : beforeHash.slice(question + 1);
  return (
    origin +
    hidePath(path, mask) +
    (query === undefined ? '' : `?${hideQuery(query, mask)}`) +
    (hash < 0 ? '' : `#${looksLikeToken(decoded(fragment)) ? mask : fragment}`)
  );
}

/** A text (an e-mail body, plain or HTML) with the secrets of every link in it replaced. */
export function hideSecretsInText(text: string, mask: string): string {
  return text.replace(ABSOLUTE_URL, (url) => hideUrlSecrets(url, mask)).replace(TOKEN_RUN, mask);
}
