// Small progressive enhancements: confirmation prompts and live delivery counts.
(function () {
  document.querySelectorAll('form.confirm').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });

  var progress = document.getElementById('progress');
  if (!progress) {
    return;
  }
  var live = ['sending', 'paused', 'scheduled'];
  function refresh() {
    fetch(progress.dataset.url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        ['recipients', 'pending', 'delivered', 'failed', 'blocked', 'optedOut', 'canceled'].forEach(function (k) {
          var el = document.getElementById('count-' + k);
          if (el) { el.textContent = p[k]; }
        });
        var bar = document.getElementById('progress-bar');
        bar.value = p.percent;
        bar.textContent = p.percent + '%';
        if (p.status !== progress.dataset.status) {
          window.location.reload();
          return;
        }
        if (live.indexOf(p.status) >= 0) {
          window.setTimeout(refresh, 1000);
        }
      })
      .catch(function () { window.setTimeout(refresh, 5000); });
  }
  if (live.indexOf(progress.dataset.status) >= 0) {
    window.setTimeout(refresh, 1000);
  }
})();
