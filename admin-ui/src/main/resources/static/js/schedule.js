// Pre-fills the author's own time zone in the schedule form.
(function () {
  var zone = document.getElementById('schedule-zone');
  if (zone && !zone.value && window.Intl) {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  }
})();
