import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { HIDDEN, hideMailSecrets } from '../../../server/mail/secret-links.js';
import { hideSecretsInText, hideUrlSecrets, TOKEN_ROUTES } from '../../../server/url-secrets.js';
import { projectRoot } from '../../../server/paths.js';

const M = '[x]';
const token = () => randomBytes(32).toString('base64url');

/** Every route declared with a `:token` parameter, as a path prefix ('reset-password', 'nominations/confirm' ...). */
function tokenRoutesInRoutes(): string[] {
  const routesDir = path.join(projectRoot, 'routes');
  const found = new Set<string>();
  // Every file below routes/, in whichever domain folder it sits.
  for (const file of readdirSync(routesDir, { recursive: true, encoding: 'utf8' }).filter((name) =>
    name.endsWith('.ts'),
  )) {
    const source = readFileSync(path.join(routesDir, file), 'utf8');
    for (const match of source.matchAll(/['`]\/([\w/-]+)\/:token\b/g)) found.add(match[1]!);
  }
  return [...found];
}

describe('hideUrlSecrets', () => {
  it('hides the token of every route that takes one, long or short', () => {
    const routes = tokenRoutesInRoutes();
    expect(routes).to.include.members([
      'verify-email',
      'reset-password',
      'invitations',
      'nominations/confirm',
      'reviewer-invitations',
    ]);
    for (const route of routes) {
      expect(TOKEN_ROUTES, `routes/ declares /${route}/:token`).to.include(route);
      const t = token();
      expect(hideUrlSecrets(`/${route}/${t}`, M)).to.equal(`/${route}/${M}`);
      expect(hideUrlSecrets(`/${route}/short`, M)).to.equal(`/${route}/${M}`);
      expect(hideUrlSecrets(`https://awards.example.org/${route}/${t}?next=%2Fmy%2Fapplications`, M)).to.equal(
        `https://awards.example.org/${route}/${M}?next=%2Fmy%2Fapplications`,
      );
    }
  });

  it('hides anything shaped like a token anywhere in a path, a query or a fragment', () => {
    const base64url = token();
    const hex = randomBytes(32).toString('hex');
    const uuidish = `${randomUUID()}`;
    expect(hideUrlSecrets(`/some/new/link/${base64url}/done`, M)).to.equal(`/some/new/link/${M}/done`);
    expect(hideUrlSecrets(`/k/${hex}`, M)).to.equal(`/k/${M}`);
    expect(hideUrlSecrets(`/k/${uuidish}`, M)).to.equal(`/k/${M}`);
    expect(hideUrlSecrets(`/k?code=${base64url}&page=2`, M)).to.equal(`/k?code=${M}&page=2`);
    expect(hideUrlSecrets(`/k#${base64url}`, M)).to.equal(`/k#${M}`);
  });

  it('hides CSRF tokens and link signatures by name, and token links inside a next= parameter', () => {
    const t = token();
    expect(hideUrlSecrets('/applications/12/evidence?_csrf=abc.def&criterion=3', M)).to.equal(
      `/applications/12/evidence?_csrf=${M}&criterion=3`,
    );
    expect(hideUrlSecrets('http://laurel.test/unsubscribe?e=YUBiLmM&t=short', M)).to.equal(
      `http://laurel.test/unsubscribe?e=YUBiLmM&t=${M}`,
    );
    expect(hideUrlSecrets(`/login?next=${encodeURIComponent(`/invitations/${t}`)}`, M)).to.equal(
      `/login?next=${encodeURIComponent(`/invitations/${M}`)}`,
    );
    expect(hideUrlSecrets(`/login?next=${encodeURIComponent(`/invitations/${t}`)}`, M)).not.to.contain(t);
  });

  it('leaves ordinary paths alone', () => {
    for (const url of [
      '/admin/outbox?before=10',
      '/honorees/2027/lincoln-high-school',
      '/applications/12/sections/3',
      '/login?next=%2Fadmin',
      'http://laurel.test/my/applications',
      '/honorees?year=2027',
      '/static/css/site.css',
    ]) {
      expect(hideUrlSecrets(url, M), url).to.equal(url);
    }
  });
});

describe('hideMailSecrets', () => {
  it('hides links in plain text and in HTML, escaped as Handlebars escapes them', () => {
    const reset = token();
    const signature = token();
    const text = `Open this link:\n\nhttp://laurel.test/reset-password/${reset}\n\nTo stop e-mail from Laurel: http://laurel.test/unsubscribe?e=YQ&t=${signature}\n`;
    expect(hideMailSecrets(text)).to.equal(
      `Open this link:\n\nhttp://laurel.test/reset-password/${HIDDEN}\n\nTo stop e-mail from Laurel: http://laurel.test/unsubscribe?e=YQ&t=${HIDDEN}\n`,
    );
    const html = `<a href="http://laurel.test/unsubscribe?e&#x3D;YQ&amp;t&#x3D;${signature}">Stop</a> <a href="http://laurel.test/invitations/${reset}">Start</a>`;
    expect(hideMailSecrets(html)).to.equal(
      `<a href="http://laurel.test/unsubscribe?e&#x3D;YQ&amp;t&#x3D;${HIDDEN}">Stop</a> <a href="http://laurel.test/invitations/${HIDDEN}">Start</a>`,
    );
  });

  it('hides a token even outside a link, and keeps the rest of the message', () => {
    const code = token();
    expect(hideSecretsInText(`Your code is ${code}. Thank you.`, M)).to.equal(`Your code is ${M}. Thank you.`);
    const plain =
      'Hello Ana,\n\nThe honorees: http://laurel.test/honorees?year=2027 and http://laurel.test/honorees/2027/lincoln-high\n';
    expect(hideMailSecrets(plain)).to.equal(plain);
  });
});
