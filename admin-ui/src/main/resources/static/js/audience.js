// The audience picker of a draft: everyone who has the app, everyone in the organisation,
// or a mix of groups, teams (members or one channel), people and a CSV of addresses.
// Every change is saved at once and counted with the same query a send freezes.
// Everything the server or the directory says is shown with textContent, never as HTML.
(function () {
  'use strict';

  var root = document.getElementById('audience');
  if (!root || !window.fetch) { return; }
  var t = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var picker = $('audience-picker');
  var kind = $('audience-kind');
  var search = $('audience-search');
  var results = $('audience-results');
  var searchStatus = $('audience-search-status');
  var teamBox = $('audience-team');
  var teamTarget = $('audience-team-target');
  var chips = $('audience-chips');
  var empty = $('audience-empty');
  var total = $('audience-total');
  var counts = $('audience-counts');
  var status = $('audience-status');
  var csv = $('audience-csv');
  var csvReport = $('audience-csv-report');

  var entries = [];      // the stored audience
  var picked = [];       // what "chosen" held, kept while another mode is on
  var pendingTeam = null;
  var saveSeq = 0, searchSeq = 0, searchTimer = null, active = -1;

  function format(template, args) {
    return template.replace(/\{(\d+)\}/g, function (m, i) { return args[+i]; });
  }

  function headers(extra) {
    var h = {'Accept': 'application/json'};
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    if (token && header) { h[header.content] = token.content; }
    Object.keys(extra || {}).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }

  function json(url, options) {
    options = options || {};
    options.credentials = 'same-origin';
    return fetch(url, options).then(function (r) {
      return r.text().then(function (text) {
        var body = text ? JSON.parse(text) : null;
        if (!r.ok) { return Promise.reject(body && body.detail ? body.detail : String(r.status)); }
        return body;
      });
    });
  }

  function key(e) { return e.kind + '\u0000' + (e.ref || ''); }

  function kindLabel(k) {
    return t['tKind' + k.charAt(0) + k.slice(1).toLowerCase()] || k;
  }

  function mode() {
    var checked = root.querySelector('input[name="audience-mode"]:checked');
    return checked ? checked.value : 'app';
  }

  // --- Chips

  function renderChips() {
    chips.replaceChildren();
    var addresses = entries.filter(function (e) { return e.kind === 'ADDRESS'; });
    var parts = entries.filter(function (e) { return e.kind !== 'ADDRESS'; }).map(function (e) {
      return {text: e.kind === 'EVERYONE' ? kindLabel('EVERYONE') : kindLabel(e.kind) + ': ' + (e.label || e.ref),
        remove: function (list) { return list.filter(function (x) { return key(x) !== key(e); }); }};
    });
    if (addresses.length) {
      parts.push({text: format(t.tAddresses, [addresses.length]),
        remove: function (list) { return list.filter(function (x) { return x.kind !== 'ADDRESS'; }); }});
    }
    parts.forEach(function (part, index) {
      var li = document.createElement('li');
      li.className = 'chip';
      var span = document.createElement('span');
      span.textContent = part.text;
      li.appendChild(span);
      if (mode() === 'pick') {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'chip-remove';
        button.setAttribute('aria-label', format(t.tRemove, [part.text]));
        button.textContent = '\u00d7';
        button.addEventListener('click', function () {
          picked = part.remove(entries);
          save(picked).then(function () {
            var buttons = chips.querySelectorAll('.chip-remove');
            (buttons[Math.min(index, buttons.length - 1)] || search).focus();
          });
        });
        li.appendChild(button);
      }
      chips.appendChild(li);
    });
    empty.hidden = entries.length > 0;
    empty.textContent = (mode() === 'pick' && !entries.length)
      ? t.tNothing + ' ' + format(t.tInstalledOnly, [t.reachable])
      : format(t.tInstalledOnly, [t.reachable]);
  }

  // --- Saving and counting

  function save(list) {
    var mine = ++saveSeq;
    status.textContent = '';
    return json(t.audienceUrl, {method: 'PUT', headers: headers({'Content-Type': 'application/json'}),
      body: JSON.stringify({entries: list})})
      .then(function (stored) {
        if (mine !== saveSeq) { return; }
        entries = stored.entries;
        renderChips();
        status.textContent = t.tSaved;
        return count();
      })
      .catch(function (problem) {
        if (mine === saveSeq) { status.textContent = t.tSaveFailed + ' ' + problem; }
      });
  }

  function count() {
    var mine = saveSeq;
    if (!entries.length) {
      total.textContent = '';
      counts.hidden = true;
      return Promise.resolve();
    }
    total.textContent = t.tLoading;
    root.setAttribute('aria-busy', 'true');
    return json(t.previewUrl, {method: 'POST', headers: headers({'Content-Type': 'application/json'}),
      body: JSON.stringify({entries: entries})})
      .then(function (p) {
        if (mine !== saveSeq) { return; }
        total.textContent = format(t.tTotal, [p.recipients]);
        total.dataset.count = p.recipients;
        $('audience-people').textContent = p.people;
        $('audience-channels').textContent = p.channels;
        $('audience-need-install').textContent = p.needInstall;
        $('audience-need-team-install').textContent = p.needTeamInstall;
        $('audience-opted-out').textContent = p.optedOut;
        $('audience-topic-off').textContent = p.topicOptedOut || 0;
        $('audience-guests').textContent = p.guestsExcluded;
        counts.hidden = false;
      })
      .catch(function (problem) {
        if (mine === saveSeq) { total.textContent = format(t.tCountFailed, [problem]); counts.hidden = true; }
      })
      .then(function () { root.removeAttribute('aria-busy'); });
  }

  function add(list) {
    var known = {};
    entries.forEach(function (e) { known[key(e)] = true; });
    var next = entries.filter(function (e) { return e.kind !== 'EVERYONE'; });
    list.forEach(function (e) { if (!known[key(e)]) { next.push(e); known[key(e)] = true; } });
    picked = next;
    return save(next);
  }

  // --- Modes

  function applyMode(focus) {
    var m = mode();
    picker.hidden = m !== 'pick';
    if (m === 'app') { return save([]); }
    if (m === 'org') { return save([{kind: 'EVERYONE'}]); }
    var ok = save(picked);
    if (focus) { search.focus(); }
    return ok;
  }

  root.querySelectorAll('input[name="audience-mode"]').forEach(function (radio) {
    radio.addEventListener('change', function () { applyMode(false); });
  });

  // --- Live search, a combobox driven by the keyboard or the mouse

  function closeResults() {
    results.hidden = true;
    results.replaceChildren();
    search.setAttribute('aria-expanded', 'false');
    search.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    var options = results.querySelectorAll('[role="option"]');
    if (!options.length) { return; }
    active = (index + options.length) % options.length;
    options.forEach(function (o, i) { o.setAttribute('aria-selected', i === active ? 'true' : 'false'); });
    search.setAttribute('aria-activedescendant', options[active].id);
    options[active].scrollIntoView({block: 'nearest'});
  }

  function choose(item) {
    closeResults();
    search.value = '';
    var what = kind.value;
    if (what === 'groups') {
      add([{kind: 'GROUP', ref: item.id, label: item.displayName}]);
    } else if (what === 'people') {
      var name = item.displayName + (item.upn ? ' (' + item.upn + ')' : '');
      add([{kind: 'PERSON', ref: item.id, label: name}]);
    } else {
      openTeam(item);
    }
  }

  function openTeam(team) {
    pendingTeam = team;
    teamTarget.replaceChildren(teamTarget.options[0] || document.createElement('option'));
    $('audience-team-label').textContent = $('audience-team-label').dataset.text + ' \u2014 ' + team.displayName;
    teamBox.hidden = false;
    teamTarget.focus();
    json(t.searchUrl + '/teams/' + encodeURIComponent(team.id) + '/channels', {headers: headers()})
      .then(function (channels) {
        if (pendingTeam !== team) { return; }
        channels.forEach(function (c) {
          var option = document.createElement('option');
          option.value = c.id;
          option.textContent = format(t.tChannel, [c.displayName]);
          option.dataset.name = c.displayName;
          teamTarget.appendChild(option);
        });
      })
      .catch(function () {});
  }

  function closeTeam() {
    pendingTeam = null;
    teamBox.hidden = true;
    teamTarget.value = '';
    search.focus();
  }

  $('audience-team-label').dataset.text = $('audience-team-label').textContent;
  $('audience-team-add').addEventListener('click', function () {
    var team = pendingTeam;
    if (!team) { return; }
    var option = teamTarget.options[teamTarget.selectedIndex];
    var entry = option && option.value
      ? {kind: 'CHANNEL', ref: option.value, teamId: team.id, label: team.displayName + ' \u203a ' + option.dataset.name}
      : {kind: 'TEAM', ref: team.id, label: team.displayName};
    closeTeam();
    add([entry]);
  });
  $('audience-team-cancel').addEventListener('click', closeTeam);
  teamBox.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { event.preventDefault(); closeTeam(); }
  });

  function runSearch() {
    var q = search.value.trim();
    var what = kind.value;
    if (what === 'people' && !q) { closeResults(); searchStatus.textContent = ''; return; }
    var mine = ++searchSeq;
    searchStatus.textContent = t.tSearching;
    json(t.searchUrl + '/' + what + '?q=' + encodeURIComponent(q), {headers: headers()})
      .then(function (found) {
        if (mine !== searchSeq) { return; }
        results.replaceChildren();
        found.forEach(function (item, i) {
          var li = document.createElement('li');
          li.id = 'audience-result-' + i;
          li.setAttribute('role', 'option');
          li.setAttribute('aria-selected', 'false');
          var name = document.createElement('span');
          name.className = 'name';
          name.textContent = item.displayName || item.id;
          li.appendChild(name);
          var more = item.upn || item.mail || item.description;
          if (more) {
            var detail = document.createElement('span');
            detail.className = 'detail';
            detail.textContent = more;
            li.appendChild(detail);
          }
          // mousedown keeps the focus in the search box
          li.addEventListener('mousedown', function (event) { event.preventDefault(); });
          li.addEventListener('click', function () { choose(item); });
          li.item = item;
          results.appendChild(li);
        });
        results.hidden = found.length === 0;
        search.setAttribute('aria-expanded', found.length ? 'true' : 'false');
        active = -1;
        searchStatus.textContent = found.length ? format(t.tMatches, [found.length]) : t.tNone;
      })
      .catch(function () { if (mine === searchSeq) { closeResults(); searchStatus.textContent = t.tSearchFailed; } });
  }

  function scheduleSearch() {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(runSearch, 300);
  }

  search.addEventListener('input', scheduleSearch);
  search.addEventListener('focus', function () { if (kind.value !== 'people' && !search.value) { scheduleSearch(); } });
  kind.addEventListener('change', function () { closeResults(); if (search.value || kind.value !== 'people') { scheduleSearch(); } });
  search.addEventListener('blur', function () { window.setTimeout(closeResults, 150); });
  search.addEventListener('keydown', function (event) {
    var open = !results.hidden;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (open) { highlight(active + 1); } else { runSearch(); }
    } else if (event.key === 'ArrowUp') {
      if (open) { event.preventDefault(); highlight(active - 1); }
    } else if (event.key === 'Enter') {
      event.preventDefault();
      var options = results.querySelectorAll('[role="option"]');
      if (open && options.length) { choose(options[active >= 0 ? active : 0].item); }
    } else if (event.key === 'Escape') {
      if (open) { event.preventDefault(); closeResults(); }
    }
  });

  // --- CSV upload

  csv.addEventListener('change', function () {
    if (!csv.files.length) { return; }
    var body = new FormData();
    body.append('file', csv.files[0]);
    csvReport.replaceChildren();
    json(t.csvUrl, {method: 'POST', headers: headers(), body: body})
      .then(function (report) {
        csv.value = '';
        var summary = document.createElement('p');
        summary.textContent = format(t.tCsvSummary, [report.rows, report.matched])
          + (report.guests ? ' ' + format(t.tCsvGuests, [report.guests]) : '');
        csvReport.appendChild(summary);
        if (report.unmatched.length) {
          var heading = document.createElement('p');
          heading.textContent = t.tCsvUnmatched;
          var list = document.createElement('ul');
          list.className = 'unmatched';
          report.unmatched.forEach(function (row) {
            var li = document.createElement('li');
            var reason = row.reason.indexOf('No UPN') === 0 ? t.tCsvNoAddress : t.tCsvNobody;
            li.textContent = format(t.tCsvRow, [row.row, row.value, reason]);
            list.appendChild(li);
          });
          csvReport.appendChild(heading);
          csvReport.appendChild(list);
        }
        if (report.entries.length) { add(report.entries); }
      })
      .catch(function (problem) {
        var p = document.createElement('p');
        p.className = 'error';
        p.textContent = t.tCsvFailed + ' ' + problem;
        csvReport.replaceChildren(p);
      });
  });

  // --- Attribute rules: build by field and value (values the directory has are
  // suggested), or type; the people a rule selects are counted as it changes.

  var ruleField = $('audience-rule-field');
  var ruleValue = $('audience-rule-value');
  var ruleText = $('audience-rule');
  var ruleCount = $('audience-rule-count');
  var ruleSuggestions = $('audience-rule-suggestions');
  var ruleValues = $('audience-rule-values');
  var ruleSeq = 0, ruleTimer = null, valueSeq = 0, valueTimer = null;

  function countRule() {
    var rule = ruleText.value.trim();
    var mine = ++ruleSeq;
    if (!rule) { ruleCount.textContent = ''; delete ruleCount.dataset.count; return; }
    json(t.previewUrl, {method: 'POST', headers: headers({'Content-Type': 'application/json'}),
      body: JSON.stringify({entries: [{kind: 'ATTRIBUTE', ref: rule}]})})
      .then(function (p) {
        if (mine !== ruleSeq) { return; }
        ruleCount.textContent = format(t.tRuleCount, [p.people]);
        ruleCount.dataset.count = p.people;
        ruleText.removeAttribute('aria-invalid');
      })
      .catch(function (problem) {
        if (mine !== ruleSeq) { return; }
        ruleCount.textContent = format(t.tRuleInvalid, [problem]);
        delete ruleCount.dataset.count;
        ruleText.setAttribute('aria-invalid', 'true');
      });
  }

  function scheduleRuleCount() {
    window.clearTimeout(ruleTimer);
    ruleTimer = window.setTimeout(countRule, 300);
  }

  function suggestValues() {
    var mine = ++valueSeq;
    json(t.searchUrl + '/attributes/' + encodeURIComponent(ruleField.value) + '?q='
      + encodeURIComponent(ruleValue.value.trim()), {headers: headers()})
      .then(function (values) {
        if (mine !== valueSeq) { return; }
        ruleSuggestions.replaceChildren();
        values.forEach(function (v) {
          var option = document.createElement('option');
          option.value = v.value;
          option.textContent = v.value + ' (' + v.people + ')';
          ruleSuggestions.appendChild(option);
        });
        ruleValues.textContent = format(t.tRuleValues, [values.slice(0, 5).map(function (v) {
          return v.value + ' (' + v.people + ')';
        }).join(', ')]);
      })
      .catch(function () {});
  }

  function quote(value) {
    return /^[\w .@&\/-]+$/.test(value) && !/^(and|or)$/i.test(value) ? value : '"' + value.replace(/"/g, '') + '"';
  }

  function addCondition() {
    var value = ruleValue.value.trim();
    if (!value) { ruleValue.focus(); return; }
    var condition = ruleField.value + ' in (' + quote(value) + ')';
    var current = ruleText.value.trim();
    ruleText.value = current ? current + ' and ' + condition : condition;
    ruleValue.value = '';
    countRule();
    ruleValue.focus();
  }

  ruleField.addEventListener('change', function () { ruleValue.value = ''; suggestValues(); });
  ruleValue.addEventListener('focus', suggestValues);
  ruleValue.addEventListener('input', function () {
    window.clearTimeout(valueTimer);
    valueTimer = window.setTimeout(suggestValues, 250);
  });
  ruleValue.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { event.preventDefault(); addCondition(); }
  });
  $('audience-rule-condition').addEventListener('click', addCondition);
  ruleText.addEventListener('input', scheduleRuleCount);
  $('audience-rule-add').addEventListener('click', function () {
    var rule = ruleText.value.trim();
    if (!rule) { ruleText.focus(); return; }
    add([{kind: 'ATTRIBUTE', ref: rule, label: rule}]).then(function () {
      if (ruleText.getAttribute('aria-invalid') !== 'true') { ruleText.value = ''; ruleCount.textContent = ''; }
    });
  });

  // --- Start from what is stored

  json(t.audienceUrl, {headers: headers()}).then(function (stored) {
    entries = stored.entries;
    var everyoneOnly = entries.length === 1 && entries[0].kind === 'EVERYONE';
    picked = everyoneOnly ? [] : entries.slice();
    picker.hidden = mode() !== 'pick';
    renderChips();
    count();
  }).catch(function (problem) { status.textContent = t.tSaveFailed + ' ' + problem; });
})();
