// Herald's personal tab in Teams. Talks to Teams through the vendored teams-js (initialize,
// context, single sign-on token) and to Herald's /api/tab with that token as a bearer.
// Every text from the server or an author is put in with textContent, never as HTML.
(function () {
  'use strict';

  const body = document.body;
  const texts = {};
  document.querySelectorAll('#texts [data-key]').forEach((el) => { texts[el.dataset.key] = el.textContent; });
  const t = (key) => texts[key] || key;

  const statusEl = document.getElementById('status');
  const errorEl = document.getElementById('error');
  const list = document.getElementById('list');
  const more = document.getElementById('more');
  const form = document.getElementById('filters');
  const topicSelect = document.getElementById('topic');
  const queryInput = document.getElementById('q');
  const lang = body.dataset.lang || 'en';
  const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });

  let token = null;
  let next = null;
  let deepLinked = null;
  // The person's questions (#24), by announcement id.
  let questionsOf = {};

  function status(text) {
    statusEl.textContent = text || '';
  }

  function error(text) {
    errorEl.textContent = text || '';
    errorEl.hidden = !text;
  }

  // Teams' locale ("fr-fr", "zh-cn") as one of the five languages the page has, as the server maps it.
  function pageLanguage(locale) {
    if (!locale) {
      return 'en';
    }
    const parts = String(locale).toLowerCase().split(/[-_]/);
    if (parts[0] === 'zh') {
      return (parts.includes('hant') || ['tw', 'hk', 'mo'].includes(parts[1])) ? 'en' : 'zh-CN';
    }
    return ['en', 'fr', 'de', 'es'].includes(parts[0]) ? parts[0] : 'en';
  }

  function applyTheme(theme) {
    document.documentElement.dataset.theme = (theme === 'dark' || theme === 'contrast') ? theme : 'default';
  }

  function validOrigins() {
    return (body.dataset.validOrigins || '').split(' ').filter((o) => o.length > 0);
  }

  async function freshToken() {
    token = await microsoftTeams.authentication.getAuthToken();
    return token;
  }

  // One call to /api/tab; a 401 gets one new token from Teams and one retry.
  async function api(method, path, json, retried) {
    if (!token) {
      await freshToken();
    }
    const headers = { 'Accept': 'application/json', 'Authorization': 'Bearer ' + token };
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, {
      method: method, headers: headers, credentials: 'omit', cache: 'no-store',
      body: (json !== undefined) ? JSON.stringify(json) : undefined
    });
    if (response.status === 401 && !retried) {
      token = null;
      return api(method, path, json, true);
    }
    if (!response.ok) {
      const failure = new Error('HTTP ' + response.status);
      failure.status = response.status;
      throw failure;
    }
    return response.json();
  }

  function failureText(failure) {
    if (failure && failure.status === 401) {
      return t('tab.error.signIn');
    }
    if (failure && failure.status === 404) {
      return t('tab.error.notFound');
    }
    return t('tab.error.load');
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function when(iso) {
    return iso ? dateFormat.format(new Date(iso)) : '';
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return (parsed.protocol === 'https:' || parsed.protocol === 'http:') ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function render(item) {
    const li = el('li', 'item');
    li.id = 'announcement-' + item.id;
    li.dataset.id = String(item.id);
    fill(li, item, false);
    return li;
  }

  // (Re)draws one announcement in its list entry, keeping it open if it was.
  function fill(li, item, open) {
    li.replaceChildren();
    li.classList.toggle('unread', !!item.unread);
    li.classList.toggle('withdrawn', !!item.withdrawn);
    li.classList.toggle('important', !!(item.content && item.content.important));
    const meta = el('p', 'meta');
    if (item.unread) {
      const mark = el('span', 'unread-mark');
      mark.appendChild(el('span', 'dot'));
      mark.appendChild(el('span', 'visually-hidden', t('tab.unread')));
      meta.appendChild(mark);
    }
    meta.appendChild(el('span', null, t('tab.sent') + ' ' + when(item.sentAt)));
    if (item.withdrawn) {
      const w = item.withdrawn;
      const h2 = el('h2', null, t('tab.withdrawn'));
      li.appendChild(h2);
      let line;
      if (w.expired) {
        line = t('tab.expired').replace('{0}', when(w.at));
      } else if (w.by) {
        line = t('tab.withdrawn.by').replace('{0}', w.by).replace('{1}', when(w.at));
      } else {
        line = t('tab.withdrawn.at').replace('{0}', when(w.at));
      }
      li.appendChild(el('p', 'withdrawn-line', line));
      li.appendChild(meta);
      return;
    }
    const c = item.content;
    const h2 = el('h2');
    const toggle = el('button', 'toggle', c.title || '');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    toggle.setAttribute('aria-controls', 'body-' + item.id);
    h2.appendChild(toggle);
    li.appendChild(h2);
    if (c.important) {
      meta.appendChild(el('span', 'tag important', t('tab.important')));
    }
    if (c.topic) {
      meta.appendChild(el('span', 'tag', c.topic));
    }
    if (c.author) {
      meta.appendChild(el('span', null, t('tab.by') + ' ' + c.author));
    }
    if (c.editedAt) {
      meta.appendChild(el('span', null, t('tab.edited') + ' ' + when(c.editedAt)));
    }
    li.appendChild(meta);
    const content = el('div', 'body');
    content.id = 'body-' + item.id;
    content.hidden = !open;
    if (c.language) {
      content.lang = c.language;
      h2.lang = c.language;
    }
    const image = c.imageUrl ? safeUrl(c.imageUrl) : null;
    if (image) {
      const img = el('img');
      img.src = image;
      img.alt = c.imageAlt || '';
      img.loading = 'lazy';
      content.appendChild(img);
    }
    if (c.summary) {
      content.appendChild(el('p', 'summary', c.summary));
    }
    const links = (c.links || []).map((l) => ({ title: l.title, url: safeUrl(l.url) })).filter((l) => l.url);
    if (links.length > 0) {
      const ul = el('ul', 'links');
      ul.setAttribute('aria-label', t('tab.links'));
      links.forEach((l) => {
        const a = el('a', null, l.title || l.url);
        a.href = l.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        const entry = el('li');
        entry.appendChild(a);
        ul.appendChild(entry);
      });
      content.appendChild(ul);
    }
    if (c.poll) {
      content.appendChild(poll(li, item));
    }
    const respond = el('div', 'respond');
    if (c.acknowledgeRequested) {
      if (item.response.acknowledgedAt) {
        respond.appendChild(el('span', 'done', t('tab.acked') + ' ' + when(item.response.acknowledgedAt)));
      } else {
        const ack = el('button', 'button primary', t('tab.ack'));
        ack.type = 'button';
        ack.addEventListener('click', () => act(li, item, 'acknowledge', undefined, ack));
        respond.appendChild(ack);
      }
    }
    if (respond.childElementCount > 0) {
      content.appendChild(respond);
    }
    content.appendChild(questions(item));
    li.appendChild(content);
    toggle.addEventListener('click', () => {
      const opening = content.hidden;
      content.hidden = !opening;
      toggle.setAttribute('aria-expanded', opening ? 'true' : 'false');
      if (opening && item.unread) {
        markRead(li, item);
      }
    });
  }

  function poll(li, item) {
    const c = item.content;
    const fieldset = el('fieldset', 'poll');
    fieldset.appendChild(el('legend', null, c.poll.question || ''));
    const name = 'choice-' + item.id;
    c.poll.choices.forEach((choice, i) => {
      const label = el('label');
      const radio = el('input');
      radio.type = 'radio';
      radio.name = name;
      radio.value = choice.value;
      radio.id = name + '-' + i;
      radio.checked = item.response.choice === choice.value;
      label.htmlFor = radio.id;
      label.appendChild(radio);
      label.appendChild(el('span', null, choice.label));
      fieldset.appendChild(label);
    });
    const vote = el('button', 'button', t('tab.vote'));
    vote.type = 'button';
    vote.addEventListener('click', () => {
      const picked = fieldset.querySelector('input[type=radio]:checked');
      if (!picked) {
        status(t('tab.poll.required'));
        fieldset.querySelector('input[type=radio]').focus();
        return;
      }
      act(li, item, 'vote', { choice: picked.value }, vote);
    });
    const row = el('div', 'respond');
    row.appendChild(vote);
    if (item.response.choice) {
      const chosen = c.poll.choices.find((ch) => ch.value === item.response.choice);
      row.appendChild(el('span', 'done', t('tab.voted') + ' ' + (chosen ? chosen.label : item.response.choice)));
    }
    fieldset.appendChild(row);
    return fieldset;
  }

  async function markRead(li, item) {
    try {
      const updated = await api('POST', '/api/tab/announcements/' + item.id + '/read');
      Object.assign(item, updated);
      li.classList.toggle('unread', !!updated.unread);
      const mark = li.querySelector('.unread-mark');
      if (mark && !updated.unread) {
        mark.remove();
      }
    } catch (failure) {
      // Not being able to mark it read changes nothing else on the page.
    }
  }

  async function act(li, item, verb, json, button) {
    button.disabled = true;
    error('');
    try {
      const updated = await api('POST', '/api/tab/announcements/' + item.id + '/' + verb, json);
      fill(li, updated, true);
      status(t('tab.done'));
      const focus = li.querySelector('.toggle');
      if (focus) {
        focus.focus();
      }
    } catch (failure) {
      button.disabled = false;
      error(failure && failure.status === 401 ? t('tab.error.signIn') : t('tab.error.action'));
    }
  }

  function query(before) {
    const params = new URLSearchParams();
    if (queryInput.value.trim()) {
      params.set('q', queryInput.value.trim());
    }
    if (topicSelect.value) {
      params.set('topic', topicSelect.value);
    }
    if (before) {
      params.set('before', String(before));
    }
    const text = params.toString();
    return '/api/tab/announcements' + (text ? '?' + text : '');
  }

  function topics(names) {
    const chosen = topicSelect.value;
    while (topicSelect.options.length > 1) {
      topicSelect.remove(1);
    }
    (names || []).forEach((name) => {
      const option = el('option', null, name);
      option.value = name;
      topicSelect.appendChild(option);
    });
    topicSelect.value = (names || []).includes(chosen) ? chosen : '';
  }

  // The person's questions with their answers (#24); the list shows without them if this fails.
  async function loadQuestions() {
    try {
      const page = await api('GET', '/api/tab/questions');
      questionsOf = {};
      page.items.forEach((q) => {
        (questionsOf[q.announcementId] = questionsOf[q.announcementId] || []).push(q);
      });
    } catch (failure) {
      questionsOf = {};
    }
  }

  // What this person asked about an announcement, the answers, and "Ask a question".
  function questions(item) {
    const box = el('div', 'questions');
    box.id = 'questions-' + item.id;
    const mine = questionsOf[item.id] || [];
    if (mine.length > 0) {
      box.appendChild(el('h3', null, t('tab.question.yours')));
      const ul = el('ul', 'question-list');
      mine.forEach((q) => {
        const entry = el('li');
        entry.id = 'question-' + q.id;
        entry.appendChild(el('p', 'question-text', q.text));
        if (q.answer) {
          const answer = el('p', 'answer');
          answer.appendChild(el('strong', null, t('tab.question.answer')));
          answer.appendChild(document.createTextNode(' ' + q.answer));
          entry.appendChild(answer);
        } else {
          entry.appendChild(el('p', 'hint', t('tab.question.waiting')));
        }
        ul.appendChild(entry);
      });
      box.appendChild(ul);
    }
    const details = el('details', 'ask');
    details.appendChild(el('summary', null, t('tab.question.ask')));
    const askForm = el('form');
    const label = el('label', null, t('tab.question.label'));
    const area = el('textarea');
    area.id = 'ask-' + item.id;
    label.htmlFor = area.id;
    area.rows = 3;
    area.maxLength = 1000;
    area.required = true;
    const send = el('button', 'button', t('tab.question.send'));
    send.type = 'submit';
    askForm.append(label, area, send);
    askForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) {
        return;
      }
      send.disabled = true;
      error('');
      try {
        const q = await api('POST', '/api/tab/announcements/' + item.id + '/questions', { text: text });
        (questionsOf[item.id] = questionsOf[item.id] || []).unshift(q);
        box.replaceWith(questions(item));
        status(t('tab.question.sent'));
      } catch (failure) {
        send.disabled = false;
        const code = failure && failure.status;
        error(code === 413 ? t('tab.question.tooLong') : code === 429 ? t('tab.question.limit')
          : code === 401 ? t('tab.error.signIn') : t('tab.error.action'));
      }
    });
    details.appendChild(askForm);
    box.appendChild(details);
    return box;
  }

  async function load(append) {
    error('');
    status(t('tab.loading'));
    more.hidden = true;
    try {
      if (!append) {
        await loadQuestions();
      }
      const page = await api('GET', query(append ? next : null));
      if (!append) {
        list.replaceChildren();
        topics(page.topics);
        if (deepLinked) {
          list.appendChild(deepLinked);
        }
      }
      page.items.forEach((item) => {
        if (!document.getElementById('announcement-' + item.id)) {
          list.appendChild(render(item));
        }
      });
      next = page.next;
      more.hidden = next === null || next === undefined;
      status(list.childElementCount === 0 ? t('tab.empty') : '');
    } catch (failure) {
      status('');
      error(failureText(failure));
    }
  }

  // A deep link (subEntityId) opens that announcement first, expanded, and marks it read.
  async function openLinked(id) {
    if (!/^[0-9]{1,18}$/.test(String(id))) {
      return;
    }
    try {
      const item = await api('GET', '/api/tab/announcements/' + id);
      const li = render(item);
      fill(li, item, true);
      deepLinked = li;
      if (item.unread) {
        markRead(li, item);
      }
    } catch (failure) {
      error(failureText(failure));
    }
  }

  // The topics this person receives (#24): one checkbox each, saved at once.
  const topicList = document.getElementById('topic-choices');
  const topicStatus = document.getElementById('topics-status');
  const allOff = document.getElementById('topics-all-off');

  function showTopics(choices) {
    topicList.replaceChildren();
    allOff.hidden = !choices.unsubscribedFromAll;
    if (!choices.topics.length) {
      topicList.appendChild(el('li', 'status', t('tab.topics.none')));
      return;
    }
    choices.topics.forEach((topic) => {
      const li = el('li');
      const label = el('label');
      const box = el('input');
      box.type = 'checkbox';
      box.id = 'topic-choice-' + topic.id;
      box.checked = !!topic.on;
      box.dataset.name = topic.name;
      box.addEventListener('change', () => chooseTopic(topic, box));
      label.appendChild(box);
      label.appendChild(el('span', null, topic.displayName));
      li.appendChild(label);
      topicList.appendChild(li);
    });
  }

  async function loadTopics() {
    try {
      showTopics(await api('GET', '/api/tab/topics?lang=' + encodeURIComponent(lang)));
    } catch (failure) {
      topicStatus.textContent = failureText(failure);
    }
  }

  async function chooseTopic(topic, box) {
    const on = box.checked;
    box.disabled = true;
    topicStatus.textContent = '';
    try {
      const choices = await api('PUT', '/api/tab/topics/' + topic.id + '?lang=' + encodeURIComponent(lang), { on: on });
      showTopics(choices);
      const again = document.getElementById('topic-choice-' + topic.id);
      if (again) {
        again.focus();
      }
      topicStatus.textContent = t(on ? 'tab.topics.turnedOn' : 'tab.topics.turnedOff').replace('{0}', topic.displayName);
    } catch (failure) {
      box.checked = !on;
      box.disabled = false;
      topicStatus.textContent = failure && failure.status === 401 ? t('tab.error.signIn') : t('tab.topics.error');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    deepLinked = null;
    next = null;
    load(false);
  });
  topicSelect.addEventListener('change', () => {
    deepLinked = null;
    next = null;
    load(false);
  });
  more.addEventListener('click', () => load(true));

  async function start() {
    if (typeof microsoftTeams === 'undefined') {
      status('');
      error(t('tab.outsideTeams'));
      return;
    }
    // Outside Teams nothing ever answers initialize.
    const timeout = new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), 15000));
    let context;
    try {
      await Promise.race([microsoftTeams.app.initialize(validOrigins()), timeout]);
      context = await microsoftTeams.app.getContext();
    } catch (failure) {
      status('');
      error(t('tab.outsideTeams'));
      return;
    }
    const locale = context.app && context.app.locale;
    const params = new URLSearchParams(window.location.search);
    if (locale && pageLanguage(locale) !== lang && params.get('locale') !== locale) {
      // The page was served in another language than Teams': once more in the right one.
      params.set('locale', locale);
      window.location.replace('/tab?' + params.toString());
      return;
    }
    applyTheme(context.app && context.app.theme);
    microsoftTeams.app.registerOnThemeChangeHandler(applyTheme);
    try {
      // A promise in newer teams-js; hosts that do not expect it may refuse it.
      Promise.resolve(microsoftTeams.app.notifySuccess()).catch(() => {});
    } catch (e) {
      // Older hosts do not expect it.
    }
    try {
      await freshToken();
    } catch (failure) {
      status('');
      error(t('tab.error.signIn'));
      return;
    }
    const linked = (context.page && context.page.subPageId) || params.get('subEntityId');
    if (linked) {
      await openLinked(linked);
    }
    await load(false);
    loadTopics();
    if (deepLinked) {
      const toggle = deepLinked.querySelector('.toggle');
      deepLinked.scrollIntoView();
      if (toggle) {
        toggle.focus();
      }
    }
  }

  start();
}());
