// Saves a review draft in the background as it is written, so a long review is never lost to an
// expired session or a closed tab: a few seconds after the last keystroke, and every minute while
// there are changes. Says what happened in the status line, warns before leaving unsaved changes,
// and keeps the form's version current so the buttons still save. Without it the page works as
// before: the buttons save. The words are the page's language (#laurel-messages, client.json).
(function () {
  var form = document.querySelector('form[data-autosave]');
  var status = document.getElementById('autosave-status');
  if (!form || !status || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var messages = {};
  try {
    messages = JSON.parse(document.getElementById('laurel-messages').textContent);
  } catch (e) {
    messages = {};
  }
  function words(key, fallback, values) {
    return (messages[key] || fallback).replace(/\{(\w+)\}/g, function (_, name) {
      return values && values[name] !== undefined ? String(values[name]) : '';
    });
  }
  var language = document.documentElement.lang || 'en';
  // dirty: something typed is not saved yet (the warning before leaving follows it); edits counts
  // changes, so a save only clears dirty when nothing was typed while it was on its way; paused:
  // a save was refused for a reason only the buttons can settle (another tab, the due date).
  var dirty = false;
  var edits = 0;
  var paused = false;
  var saving = false;
  var timer = null;
  var QUIET_MS = 4000;
  var RETRY_MS = 60000;

  function show(text) {
    status.textContent = text;
  }
  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(save, ms);
  }
  function changed() {
    dirty = true;
    edits += 1;
    show(words('autosaveUnsaved', 'Changes not saved yet'));
    if (!paused) later(QUIET_MS);
  }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', function () {
    dirty = false;
    clearTimeout(timer);
  });
  window.addEventListener('beforeunload', function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = words('autosaveLeave', 'You have changes that are not saved yet.');
  });

  // After signing in again (in another tab) the session is new, and so must be the form's token:
  // read it from the page as the server writes it now.
  var signedOut = false;
  function freshToken() {
    if (!signedOut) return Promise.resolve();
    return fetch(window.location.href, { credentials: 'same-origin', redirect: 'manual' })
      .then(function (response) {
        return response.type === 'opaqueredirect' ? '' : response.text();
      })
      .then(function (html) {
        var found = /name="_csrf" value="([^"]+)"/.exec(html);
        var field = form.querySelector('input[name="_csrf"]');
        if (found && field) {
          field.value = found[1];
          signedOut = false;
        }
      });
  }

  function save() {
    if (!dirty || paused) return;
    if (saving) return later(QUIET_MS);
    if (signedOut) {
      saving = true;
      return freshToken()
        .catch(function () {})
        .then(function () {
          saving = false;
          if (signedOut) later(RETRY_MS);
          else save();
        });
    }
    saving = true;
    var sentAt = edits;
    show(words('autosaveSaving', 'Saving your draft…'));
    var body = new URLSearchParams(new FormData(form));
    body.set('action', 'save');
    fetch(form.getAttribute('data-autosave'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { Accept: 'application/json' },
    })
      .then(function (response) {
        var json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0;
        if (!json) {
          // A redirect to the sign-in page, or a page where JSON was expected: signed out.
          signedOut = true;
          show(words('autosaveSignedOut', 'Not saved: you are signed out.'));
          return later(RETRY_MS);
        }
        return response.json().then(function (answer) {
          if (answer.status === 'saved') {
            var version = form.querySelector('input[name="version"]');
            if (version) version.value = String(answer.version);
            if (edits !== sentAt) return later(QUIET_MS);
            dirty = false;
            var time = new Date().toLocaleTimeString(language, { hour: 'numeric', minute: '2-digit' });
            show(words('autosaveSaved', 'Draft saved at {time}', { time: time }));
            return;
          }
          // Refused (another tab saved, the due date passed, a comment too long): the text stays
          // in the page and unsaved; the buttons show why in full. Another tab's save or the due
          // date is the reviewer's to settle, so the background saves stop.
          paused = answer.status === 'stale' || answer.status === 'locked' || answer.status === 'submitted';
          show(words('autosaveFailed', 'Not saved: {reason}', { reason: answer.message || '' }));
          if (!paused) later(RETRY_MS);
        });
      })
      .catch(function () {
        show(words('autosaveOffline', 'Not saved: no connection.'));
        later(RETRY_MS);
      })
      .then(function () {
        saving = false;
      });
  }
})();
