// Small improvements to forms that work without it: focus the error summary so screen readers
// announce it, and ask before destructive actions.
(function () {
  var summary = document.getElementById('error-summary') || document.getElementById('form-error');
  if (summary) {
    if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
    summary.focus();
  }
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
})();
