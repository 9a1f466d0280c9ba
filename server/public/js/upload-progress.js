// Shows how far a large upload has gone. Without this script the form posts as usual; with it,
// forms sending more than 1 MB of files go through XMLHttpRequest so a progress bar can move,
// and the page the server answers with replaces this one, exactly as after a normal post.
// Its words are the page's language (the layout's #laurel-messages, from client.json).
(function () {
  var THRESHOLD = 1024 * 1024;
  var messages = {};
  try {
    messages = JSON.parse(document.getElementById('laurel-messages').textContent);
  } catch (e) {
    messages = {};
  }
  document.querySelectorAll('form[enctype="multipart/form-data"]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      var total = 0;
      form.querySelectorAll('input[type="file"]').forEach(function (input) {
        for (var i = 0; i < input.files.length; i += 1) total += input.files[i].size;
      });
      if (total < THRESHOLD || !window.XMLHttpRequest || !window.FormData) return;
      event.preventDefault();
      var status = document.createElement('p');
      status.setAttribute('role', 'status');
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', messages.uploadProgress || 'Upload progress');
      status.textContent = (messages.uploading || 'Uploading…') + ' ';
      status.appendChild(bar);
      form.appendChild(status);
      form.querySelectorAll('button').forEach(function (button) {
        button.disabled = true;
      });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener('load', function () {
        if (xhr.responseURL) history.replaceState(null, '', xhr.responseURL);
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener('error', function () {
        status.textContent = messages.uploadFailed || 'The upload failed: check your connection and try again.';
        form.querySelectorAll('button').forEach(function (button) {
          button.disabled = false;
        });
      });
      xhr.send(new FormData(form));
    });
  });
})();
