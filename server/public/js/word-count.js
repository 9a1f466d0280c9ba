// Shows the word count of answers as people type; the server enforces the limit on its own.
(function () {
  function count(text) {
    var trimmed = text.trim();
    return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
  }
  document.querySelectorAll('textarea[data-word-limit]').forEach(function (area) {
    var limit = Number(area.getAttribute('data-word-limit'));
    var output = document.getElementById(area.id + '-count');
    if (!output) return;
    var update = function () {
      var words = count(area.value);
      output.textContent =
        words + ' of ' + limit + ' words' + (words > limit ? ' — ' + (words - limit) + ' over the limit' : '');
      output.classList.toggle('over-limit', words > limit);
    };
    area.addEventListener('input', update);
    update();
  });
})();
