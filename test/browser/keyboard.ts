// Driving forms with the keyboard alone, as a person who cannot use a mouse does.
import type { Page } from 'playwright-core';

/** The accessible label of the focused element (its <label>, aria-label or button text). */
async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    const id = el.getAttribute('id');
    const label = (id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null) ?? el.closest('label');
    return (label?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
  });
}

/** Presses Tab until the focused control's label starts with `label`; fails after `max` presses. */
export async function tabTo(page: Page, label: string | RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const current = await focusedLabel(page);
    if (typeof label === 'string' ? current.startsWith(label) : label.test(current)) return;
  }
  throw new Error(`Tab never reached a control labelled ${String(label)}`);
}

export async function tabAndType(page: Page, label: string | RegExp, text: string): Promise<void> {
  await tabTo(page, label);
  await page.keyboard.type(text);
}

/** Chooses an <option> of the focused select by typing its first letters, as keyboards do. */
export async function tabAndSelect(page: Page, label: string | RegExp, optionText: string): Promise<void> {
  await tabTo(page, label);
  await page.keyboard.type(optionText);
}

export async function tabAndCheck(page: Page, label: string | RegExp): Promise<void> {
  await tabTo(page, label);
  await page.keyboard.press('Space');
}
