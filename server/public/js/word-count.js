// Shows the word count of answers as people type; the server enforces the limit on its own.
// The words are the page's language (the layout's #laurel-messages, from client.json).
(function () {
  var messages = {};
  try {
    messages = JSON.parse(document.getElementById('laurel-messages').textContent);
  } catch (e) {
    messages = {};
  }
  var language = document.documentElement.lang || 'en';
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  var numbers = window.Intl ? new Intl.NumberFormat(language + '-US') : null;
  function words(key, fallback, values) {
    var text = messages[key] || fallback;
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      var value = values[name];
      return numbers && typeof value === 'number' ? numbers.format(value) : String(value);
    });
  }
  function count(text) {
    var trimmed = text.trim();
    return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
  }
  document.querySelectorAll('textarea[data-word-limit]').forEach(function (area) {
    var limit = Number(area.getAttribute('data-word-limit'));
    var output = document.getElementById(area.id + '-count');
    if (!output) return;
    var update = function () {
      var n = count(area.value);
      var text = words('wordsOf', '{words} of {limit} words', { words: n, limit: limit });
      if (n > limit) {
        var over = n - limit;
        var form = plural && plural.select(over) === 'one' ? 'overOne' : 'overOther';
        text += ' — ' + words(form, '{over} words over the limit', { over: over });
      }
      output.textContent = text;
      output.classList.toggle('over-limit', n > limit);
    };
    area.addEventListener('input', update);
    update();
  });
})();
