// Progressive enhancements: confirmation prompts, the live card preview (drawn by the
// official Adaptive Cards renderer from the JSON Herald sends) and live delivery counts
// over server-sent events. Every page works without this script.
(function () {
  'use strict';

  function csrfHeaders() {
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    var headers = {};
    if (token && header) { headers[header.content] = token.content; }
    return headers;
  }

  // Pages with work in progress (e.g. a recall) reload themselves to show it.
  document.querySelectorAll('[data-refresh]').forEach(function (el) {
    window.setTimeout(function () { window.location.reload(); }, parseInt(el.dataset.refresh, 10) || 3000);
  });
  document.querySelectorAll('form.confirm').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // --- Teams markdown, the subset Teams renders in a TextBlock. Input is escaped first,
  // so whatever an author types (including <script>) shows as text.
  function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }
  function inline(text) {
    return text
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, function (m, label, url) {
        return '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + label + '</a>';
      });
  }
  function markdown(text) {
    var lines = escapeHtml(text).split(/\r?\n/);
    var html = [], list = null;
    lines.forEach(function (line) {
      var bullet = /^\s*[-*]\s+(.*)$/.exec(line), numbered = /^\s*\d+\.\s+(.*)$/.exec(line);
      var kind = bullet ? 'ul' : (numbered ? 'ol' : null);
      if (kind !== list) {
        if (list) { html.push('</' + list + '>'); }
        if (kind) { html.push('<' + kind + '>'); }
        list = kind;
      }
      if (kind) { html.push('<li>' + inline((bullet || numbered)[1]) + '</li>'); }
      else { html.push(inline(line) + '<br>'); }
    });
    if (list) { html.push('</' + list + '>'); }
    return html.join('').replace(/(<br>)+$/, '');
  }

  function render(host, card) {
    var AC = window.AdaptiveCards;
    var error = document.getElementById('preview-error');
    if (!AC) { if (error) { error.hidden = false; } return; }
    AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
      result.outputHtml = markdown(text);
      result.didProcess = true;
    };
    var adaptive = new AC.AdaptiveCard();
    adaptive.hostConfig = new AC.HostConfig({
      fontFamily: '"Segoe UI", system-ui, sans-serif',
      supportsInteractivity: true,
      actions: {maxActions: 6, buttonSpacing: 8, actionsOrientation: 'horizontal', actionAlignment: 'left'}
    });
    // In the preview, buttons only say what they would do.
    adaptive.onExecuteAction = function () {};
    try {
      adaptive.parse(card);
      var element = adaptive.render();
      host.replaceChildren(element);
      host.dataset.rendered = 'true';
      if (error) { error.hidden = true; }
    } catch (e) {
      if (error) { error.hidden = false; }
    }
  }

  function whenRendererReady(fn) {
    if (window.AdaptiveCards) { fn(); } else { window.addEventListener('load', fn); }
  }

  // Detail page: the stored card.
  var staticHost = document.querySelector('#card-preview[data-card]');
  if (staticHost) {
    whenRendererReady(function () { render(staticHost, JSON.parse(staticHost.dataset.card)); });
  }

  // Compose page: the card for the form's current values, from the server.
  var compose = document.getElementById('compose');
  if (compose) {
    var host = document.getElementById('card-preview');
    var sizeNote = document.getElementById('preview-size');
    var hintList = document.getElementById('preview-hints');
    var timer = null, seq = 0;
    var refresh = function () {
      var data = new URLSearchParams();
      new FormData(compose).forEach(function (value, key) {
        if (typeof value === 'string') { data.append(key, value); }
      });
      if (compose.dataset.id) { data.append('id', compose.dataset.id); }
      if (previewVariant && previewVariant.value) { data.append('previewVariant', previewVariant.value); }
      var mine = ++seq;
      var headers = csrfHeaders();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Accept'] = 'application/json';
      fetch(compose.dataset.previewUrl, {method: 'POST', headers: headers, body: data, credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (p) {
          if (mine !== seq) { return; }
          render(host, p.card);
          sizeNote.textContent = p.sizeText;
          var notification = document.getElementById('preview-notification');
          if (notification) { notification.textContent = p.notification || ''; }
          sizeNote.classList.toggle('warn', p.warn);
          hintList.replaceChildren.apply(hintList, p.hints.map(function (h) {
            var li = document.createElement('li'); li.textContent = h; return li;
          }));
        })
        .catch(function () { document.getElementById('preview-error').hidden = false; });
    };
    var schedule = function () { window.clearTimeout(timer); timer = window.setTimeout(refresh, 250); };

    // Language variants: add a section from the template, preview or remove one. The
    // preview then shows the card as a person of that language gets it.
    var previewVariant = document.getElementById('preview-variant');
    var variantList = document.getElementById('variant-list');
    var variantTemplate = document.getElementById('variant-template');
    var addVariant = document.getElementById('variant-add');
    var showVariant = function (tag) {
      previewVariant.value = tag;
      refresh();
    };
    if (addVariant && variantList && variantTemplate) {
      addVariant.addEventListener('click', function () {
        var tag = document.getElementById('variant-new').value;
        var existing = variantList.querySelector('section.variant[data-tag="' + tag + '"]');
        if (!existing) {
          var holder = document.createElement('div');
          holder.innerHTML = variantTemplate.innerHTML.split('VARIANT_TAG').join(tag);
          existing = holder.firstElementChild;
          variantList.appendChild(existing);
          var option = document.createElement('option');
          option.value = tag;
          option.textContent = tag;
          previewVariant.appendChild(option);
        }
        showVariant(tag);
        existing.querySelector('input').focus();
      });
      variantList.addEventListener('click', function (event) {
        var button = event.target.closest('button');
        if (!button) { return; }
        var tag = button.dataset.tag;
        if (button.classList.contains('js-variant-preview')) {
          showVariant(tag);
          previewVariant.focus();
        } else if (button.classList.contains('js-variant-remove')) {
          var section = button.closest('section.variant');
          var option = previewVariant.querySelector('option[value="' + tag + '"]');
          if (option) { option.remove(); }
          section.remove();
          showVariant('');
          addVariant.focus();
        }
      });
    }
    if (previewVariant) { previewVariant.addEventListener('change', refresh); }
    compose.addEventListener('input', schedule);
    compose.addEventListener('change', schedule);
    whenRendererReady(refresh);

    var file = document.getElementById('imageFile');
    var fileStatus = document.getElementById('imageFile-status');
    file.addEventListener('change', function () {
      if (!file.files.length) { return; }
      var body = new FormData();
      body.append('file', file.files[0]);
      fetch(compose.dataset.uploadUrl, {method: 'POST', headers: csrfHeaders(), body: body, credentials: 'same-origin'})
        .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
        .then(function (res) {
          if (res.ok) {
            document.getElementById('imageUrl').value = res.body.url;
            file.value = '';
            fileStatus.textContent = '';
            refresh();
          } else {
            fileStatus.textContent = res.body.error;
          }
        })
        .catch(function () { fileStatus.textContent = ''; });
    });
  }

  // Live progress over server-sent events (detail page and sent list).
  function watch(url, onProgress) {
    if (!window.EventSource) { return; }
    var source = new EventSource(url, {withCredentials: true});
    source.addEventListener('progress', function (e) { onProgress(JSON.parse(e.data)); });
    source.addEventListener('done', function () { source.close(); });
  }

  var progress = document.getElementById('progress');
  if (progress) {
    var initial = progress.dataset.status;
    if (['preparing', 'sending', 'paused', 'scheduled'].indexOf(initial) >= 0) {
      watch(progress.dataset.url, function (p) {
        ['recipients', 'pending', 'delivered', 'failed', 'blocked', 'optedOut', 'canceled'].forEach(function (k) {
          var el = document.getElementById('count-' + k);
          if (el) { el.textContent = p[k]; }
        });
        var gathered = document.getElementById('prepared-people');
        if (gathered && p.preparedPeople !== null) { gathered.textContent = p.preparedPeople; }
        var bar = document.getElementById('progress-bar');
        bar.value = p.percent;
        bar.textContent = p.percent + '%';
        if (p.status !== initial) { window.location.reload(); }
      });
    }
  }

  // The report page while the send runs: its counts and, for an urgent announcement, who
  // was alerted within 1, 5 and 10 minutes by channel (#25). Only numbers are written,
  // as text.
  var reportLive = document.getElementById('report-live');
  // Also after the send while feed alerts are still queued (they can outlast the chat cards).
  if (reportLive && (['preparing', 'sending', 'paused', 'scheduled'].indexOf(reportLive.dataset.status) >= 0
      || reportLive.dataset.settling === 'true')) {
    var number = function (n) { return (typeof n === 'number' && isFinite(n)) ? String(n) : null; };
    var put = function (el, n) { if (el && number(n) !== null) { el.textContent = number(n); } };
    watch(reportLive.dataset.url, function (p) {
      ['recipients', 'delivered', 'pending', 'failed', 'blocked', 'optedOut', 'canceled'].forEach(function (k) {
        put(document.getElementById('r-' + k), p[k]);
      });
      var alerted = p.alerted;
      if (!alerted) { return; }
      ['feed', 'chat', 'either'].forEach(function (channel) {
        var row = document.getElementById('alerted-' + channel);
        if (!row || !alerted[channel]) { return; }
        row.querySelectorAll('td[data-window]').forEach(function (cell) {
          put(cell, alerted[channel][cell.dataset.window]);
        });
      });
      var status = document.getElementById('alerted-feed-status');
      var figures = [alerted.feedQueued, alerted.feedPending, alerted.feedNotReached].map(number);
      if (status && status.dataset.pattern && figures.indexOf(null) < 0) {
        status.textContent = status.dataset.pattern.replace('{0}', figures[0]).replace('{1}', figures[1])
          .replace('{2}', figures[2]);
      }
    });
  }

  var sentList = document.getElementById('sent-list');
  if (sentList && sentList.querySelector('.badge.preparing, .badge.sending, .badge.paused')) {
    var labels = document.getElementById('status-labels').dataset;
    watch(sentList.dataset.url, function (p) {
      var row = sentList.querySelector('tr[data-id="' + p.id + '"]');
      if (!row) { return; }
      var bar = row.querySelector('.js-bar');
      bar.value = p.percent;
      bar.textContent = p.percent + '%';
      row.querySelector('.js-text').textContent =
        labels.deliveredOf.replace('{0}', p.delivered).replace('{1}', p.recipients);
      var badge = row.querySelector('.js-status');
      badge.className = 'badge js-status ' + p.status;
      badge.textContent = labels[p.status] || p.status;
    });
  }
})();
