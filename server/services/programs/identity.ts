// The portal speaks as the program: its name, short name, logo, colour, contact details, privacy
// notice, accessibility statement and the sender name of its e-mails, edited by its admins.
// Pages and e-mails read the identity of the portal's first program (siteIdentity); with no
// program, or nothing set, Laurel's own defaults stand.
import { asc, eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { programs } from '../../../models/schema.js';
import type { Database } from '../../db/client.js';
import { Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { checkText, EMAIL, text, type Fields } from '../shared/form-input.js';
import { oneLine } from '../../text.js';
import { DEFAULT_TIME_ZONE } from '../../time.js';
import { forgetMailSender } from '../../mail/sender.js';
import { SOURCE_LANGUAGE } from '../../i18n/languages.js';
import { msg } from '../../i18n/translate.js';
import { inLanguage } from '../../i18n/content.js';
import type { Translations } from '../../../models/programs.js';
import { readTranslations, type TranslatableFields } from './translations.js';

export const DEFAULT_COLOR = '#2e6b3f';
/** WCAG AA for normal text: white text on the colour, and the colour as text on white. */
export const MIN_CONTRAST = 4.5;
const LOGO_MAX_WIDTH = 480;
const LOGO_MAX_HEIGHT = 160;
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;

export interface SiteIdentity {
  programId: number | undefined;
  name: string;
  shortName: string;
  timeZone: string;
  /** The language the program writes its own texts in first; pages fall back to it. */
  defaultLanguage: string;
  color: string;
  /** The colour darkened for headers and links. */
  colorDark: string;
  customColor: boolean;
  /** The colour without its #, for the stylesheet's address. */
  colorKey: string;
  contactEmail: string;
  postalAddress: string;
  hasPrivacyNotice: boolean;
  hasAccessibilityStatement: boolean;
  mailSenderName: string;
  /** Changes when the logo does, for cache-busting its address; undefined without a logo. */
  logoVersion: number | undefined;
  /** The name and short name in other languages: inLanguage(site, 'name', lang). */
  translations: Translations;
}

// ---------------------------------------------------------------- colour

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The colour with `share` of black mixed in. */
export function darken(hex: string, share = 0.3): string {
  return `#${channels(hex)
    .map((c) =>
      Math.round(c * (1 - share))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

// ---------------------------------------------------------------- the portal's identity

const KEEP_MS = 10_000;
const remembered = new WeakMap<Database, { identity: SiteIdentity; until: number }>();

/** The identity pages and e-mails speak with: the portal's first program's, or Laurel's. */
export async function siteIdentity(db: Database): Promise<SiteIdentity> {
  const kept = remembered.get(db);
  if (kept && kept.until > Date.now()) return kept.identity;
  const [row] = await db
    .select({
      id: programs.id,
      name: programs.name,
      shortName: programs.shortName,
      timeZone: programs.timeZone,
      defaultLanguage: programs.defaultLanguage,
      translations: programs.translations,
      primaryColor: programs.primaryColor,
      contactEmail: programs.contactEmail,
      postalAddress: programs.postalAddress,
      hasPrivacyNotice: sql<boolean>`${programs.privacyNotice} <> ''`,
      hasAccessibilityStatement: sql<boolean>`${programs.accessibilityStatement} <> ''`,
      mailSenderName: programs.mailSenderName,
      logoUpdatedAt: programs.logoUpdatedAt,
      hasLogo: sql<boolean>`${programs.logoPng} is not null`,
    })
    .from(programs)
    .orderBy(asc(programs.id))
    .limit(1);
  const color = row?.primaryColor || DEFAULT_COLOR;
  const identity: SiteIdentity = {
    programId: row?.id,
    name: row?.name ?? 'Laurel',
    shortName: row?.shortName ?? '',
    timeZone: row?.timeZone ?? DEFAULT_TIME_ZONE,
    defaultLanguage: row?.defaultLanguage ?? SOURCE_LANGUAGE,
    color,
    colorDark: darken(color),
    customColor: Boolean(row?.primaryColor),
    colorKey: color.slice(1),
    contactEmail: row?.contactEmail ?? '',
    postalAddress: row?.postalAddress ?? '',
    hasPrivacyNotice: Boolean(row?.hasPrivacyNotice),
    hasAccessibilityStatement: Boolean(row?.hasAccessibilityStatement),
    mailSenderName: row?.mailSenderName || row?.name || 'Laurel',
    logoVersion: row?.hasLogo && row.logoUpdatedAt ? row.logoUpdatedAt.getTime() : undefined,
    // Only the words a page shows as the program's own: its name and short name.
    translations: Object.fromEntries(
      Object.entries(row?.translations ?? {}).map(([language, texts]) => [
        language,
        Object.fromEntries(Object.entries(texts).filter(([field]) => field === 'name' || field === 'shortName')),
      ]),
    ),
  };
  remembered.set(db, { identity, until: Date.now() + KEEP_MS });
  return identity;
}

/** Forgets the remembered identity, after a program changed here. */
export function forgetSiteIdentity(db: Database): void {
  remembered.delete(db);
  forgetMailSender(db);
}

/** The portal's logo as stored (PNG bytes), or undefined. */
export async function siteLogo(db: Database): Promise<Buffer | undefined> {
  const [row] = await db.select({ logo: programs.logoPng }).from(programs).orderBy(asc(programs.id)).limit(1);
  return row?.logo ? Buffer.from(row.logo) : undefined;
}

/**
 * The privacy notice or accessibility statement of the portal's first program, in `language`
 * when it is translated (else in the program's own language).
 */
export async function sitePage(db: Database, page: 'privacy' | 'accessibility', language?: string): Promise<string> {
  const [row] = await db
    .select({
      privacyNotice: programs.privacyNotice,
      accessibilityStatement: programs.accessibilityStatement,
      translations: programs.translations,
    })
    .from(programs)
    .orderBy(asc(programs.id))
    .limit(1);
  if (!row) return '';
  const field = page === 'privacy' ? 'privacyNotice' : 'accessibilityStatement';
  return language ? inLanguage(row, field, language) : row[field];
}

/** The identity form's texts that have translations, checked like their columns. */
export const IDENTITY_TRANSLATED: TranslatableFields = {
  shortName: { max: 40, singleLine: true },
  privacyNotice: { max: 20_000 },
  accessibilityStatement: { max: 20_000 },
};

// ---------------------------------------------------------------- editing

export type IdentityField =
  | 'shortName'
  | 'primaryColor'
  | 'contactEmail'
  | 'postalAddress'
  | 'privacyNotice'
  | 'accessibilityStatement'
  | 'mailSenderName';

/** `translations` is the posted form: its `<field>__<language>` entries (translations.ts). */
export async function saveIdentity(
  db: Database,
  programId: number,
  input: Fields<IdentityField> & { translations?: Record<string, unknown> },
): Promise<void> {
  const [program] = await db
    .select({ defaultLanguage: programs.defaultLanguage, translations: programs.translations })
    .from(programs)
    .where(eq(programs.id, programId));
  if (!program) throw new NotFound(msg('programs.errors.notFound'));
  const errors: FieldErrors = {};
  const shortName = checkText(errors, 'shortName', input.shortName, { max: 40, singleLine: true });
  const color = text(input.primaryColor).toLowerCase();
  if (color !== '' && !/^#[0-9a-f]{6}$/.test(color)) {
    errors.primaryColor = msg('programs.identity.errors.colorFormat');
  } else if (color !== '') {
    const ratio = contrastRatio(color, '#ffffff');
    if (ratio < MIN_CONTRAST) {
      errors.primaryColor = msg('programs.identity.errors.contrast', { ratio: ratio.toFixed(1), min: MIN_CONTRAST });
    }
  }
  const contactEmail = text(input.contactEmail).toLowerCase();
  // Shown as a mailto: link on every page, so no quote or angle bracket either.
  if (contactEmail !== '' && (!EMAIL.test(contactEmail) || /[<>"]/.test(contactEmail) || contactEmail.length > 254)) {
    errors.contactEmail = msg('programs.identity.errors.email');
  }
  const postalAddress = checkText(errors, 'postalAddress', input.postalAddress, { max: 500 });
  const privacyNotice = checkText(errors, 'privacyNotice', input.privacyNotice, { max: 20_000 });
  const accessibilityStatement = checkText(errors, 'accessibilityStatement', input.accessibilityStatement, {
    max: 20_000,
  });
  const mailSenderName = oneLine(
    checkText(errors, 'mailSenderName', input.mailSenderName, { max: 80, singleLine: true }),
  );
  const translations = readTranslations(
    errors,
    input.translations ?? {},
    IDENTITY_TRANSLATED,
    program.defaultLanguage,
    program.translations,
  );
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  const updated = await db
    .update(programs)
    .set({
      translations,
      shortName,
      primaryColor: color,
      contactEmail,
      postalAddress,
      privacyNotice,
      accessibilityStatement,
      mailSenderName,
    })
    .where(eq(programs.id, programId))
    .returning({ id: programs.id });
  if (updated.length === 0) throw new NotFound(msg('programs.errors.notFound'));
  forgetSiteIdentity(db);
}

/**
 * Checks the bytes of an uploaded logo (a PNG, JPEG or WebP image, whatever its name says),
 * resizes it to fit 480 × 160 and stores it as a PNG.
 */
export async function saveLogo(
  db: Database,
  { programId, bytes, now }: { programId: number; bytes: Buffer; now: Date },
): Promise<void> {
  const refused = new Invalid({ logo: msg('programs.identity.errors.logo') });
  let png: Buffer;
  try {
    const image = sharp(bytes, { limitInputPixels: 40_000_000, failOn: 'error' });
    const { format } = await image.metadata();
    if (!format || !['png', 'jpeg', 'webp'].includes(format)) throw refused;
    png = await image
      .rotate()
      .resize({ width: LOGO_MAX_WIDTH, height: LOGO_MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw refused;
  }
  const updated = await db
    .update(programs)
    .set({ logoPng: png, logoUpdatedAt: now })
    .where(eq(programs.id, programId))
    .returning({ id: programs.id });
  if (updated.length === 0) throw new NotFound(msg('programs.errors.notFound'));
  forgetSiteIdentity(db);
}

export async function removeLogo(db: Database, programId: number): Promise<void> {
  await db.update(programs).set({ logoPng: null, logoUpdatedAt: null }).where(eq(programs.id, programId));
  forgetSiteIdentity(db);
}
