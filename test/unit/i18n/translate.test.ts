// Putting a Message into words: values that are themselves words to translate (a Message inside
// a Message, a moment) come out in the reader's language, not in English.
import { expect } from 'chai';
import { msg, t, textIn } from '../../../server/i18n/translate.js';

describe('translate', () => {
  it('puts a Message inside a Message into the same language', () => {
    const between = msg('forms.between', { label: msg('forms.label.wordLimit'), min: 10, max: 500 });
    expect(textIn('en', between)).to.equal('Enter the word limit between 10 and 500.');
    expect(textIn('es', between)).to.equal('Escriba el límite de palabras entre 10 y 500.');
  });

  it('writes a moment in the reader’s language and the given time zone', () => {
    const deadline = { at: new Date('2027-01-31T06:59:00Z'), zone: 'America/Denver' };
    expect(t('en', 'applications.errors.extendAfter', { deadline })).to.equal(
      'Choose a moment after the cycle’s deadline, Saturday, January 30, 2027, 11:59 PM MT.',
    );
    expect(t('es', 'applications.errors.extendAfter', { deadline })).to.match(
      /^Elija un momento posterior a la fecha límite de la convocatoria, sábado, 30 de enero de 2027, 11:59\s?p\.\s?m\. MT\.$/,
    );
  });

  it('leaves values that are neither as they are, and a string Text as it is', () => {
    expect(t('en', 'forms.tooLong', { max: 40 })).to.equal('Use at most 40 characters.');
    expect(textIn('es', 'Lincoln High School')).to.equal('Lincoln High School');
  });
});
