/* Företagslotsen staff dashboard. Every text from the server is put in the page with textContent
 * (never innerHTML), so a suggestion containing HTML or script is shown as text. */
(function () {
  'use strict';
  var TOKEN_KEY = 'foretagslotsen:staff-token';
  var me = null;
  var current = null;
  var statusNames = { 'new': 'Nytt', received: 'Mottaget', 'in-progress': 'Under behandling', done: 'Klart', closed: 'Avslutat' };
  var requestStatusNames = { 'new': 'Ny', 'in-progress': 'Pågår', done: 'Klar' };
  var sessionStatusNames = { open: 'Öppen', paused: 'Pausad', closed: 'Avslutad' };
  function topicName(id) {
    var found = (me && me.topics ? me.topics : []).filter(function (t) { return t.id === id; })[0];
    return found ? found.name.sv.split(':')[0] : id;
  }
  var kindNames = { suggestion: 'Förslag', opinion: 'Synpunkt', complaint: 'Klagomål', praise: 'Beröm' };

  function $(id) { return document.getElementById(id); }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function option(value, label, selected) {
    var o = el('option', label, { value: value });
    if (selected) o.selected = true;
    return o;
  }
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function api(path, options) {
    options = options || {};
    var headers = { authorization: 'Bearer ' + token() };
    if (options.body) headers['content-type'] = 'application/json';
    return fetch(path, { method: options.method || 'GET', headers: headers, body: options.body ? JSON.stringify(options.body) : undefined })
      .then(function (response) {
        if (response.status === 401) { signOut(); throw new Error('Inloggningen gäller inte längre.'); }
        var type = response.headers.get('content-type') || '';
        var parse = type.indexOf('json') >= 0 ? response.json() : response.text();
        return parse.then(function (body) {
          if (!response.ok) throw new Error((body && body.error && body.error.message) || ('HTTP ' + response.status));
          return body;
        });
      });
  }
  function municipality() { return me.municipalities.filter(function (m) { return m.id === $('filters').municipality.value; })[0] || me.municipalities[0]; }
  function areaName(m, id) {
    var found = (m ? m.focusAreas : []).filter(function (a) { return a.id === id; })[0];
    return found ? found.name.sv : id;
  }
  function teamName(m, id) {
    var found = (m ? m.teams : []).filter(function (t) { return t.id === id; })[0];
    return found ? found.name.sv : (id || '–');
  }

  function show(view) {
    ['signin', 'inbox', 'item', 'requests', 'followup', 'groups', 'privacy'].forEach(function (id) { $(id).hidden = id !== view; });
    Array.prototype.forEach.call(document.querySelectorAll('nav [data-view]'), function (b) {
      if (b.getAttribute('data-view') === view) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
    });
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    me = null;
    $('nav').hidden = true;
    show('signin');
  }

  function fillSelect(select, items, keepFirst) {
    while (select.options.length > (keepFirst ? 1 : 0)) select.remove(keepFirst ? 1 : 0);
    items.forEach(function (item) { select.appendChild(option(item[0], item[1])); });
  }

  function refreshFilterChoices() {
    var m = municipality();
    var f = $('filters');
    fillSelect(f.team, m.teams.map(function (t) { return [t.id, t.name.sv]; }), true);
    fillSelect(f.focusArea, m.focusAreas.map(function (a) { return [a.id, a.name.sv]; }), true);
  }

  function start() {
    return api('/api/staff/me').then(function (profile) {
      me = profile;
      $('who').textContent = me.name + ' (' + me.role + ')';
      $('nav').hidden = false;
      document.querySelector('nav [data-view=privacy]').hidden = me.role !== 'admin';
      var f = $('filters');
      fillSelect(f.municipality, me.municipalities.map(function (m) { return [m.id, m.name]; }), false);
      fillSelect($('followup-form').municipality, me.municipalities.map(function (m) { return [m.id, m.name]; }), false);
      fillSelect(f.topic, me.topics.map(function (t) { return [t.id, t.name.sv.split(':')[0]]; }), true);
      fillSelect(f.status, me.statuses.map(function (s) { return [s, statusNames[s] || s]; }), true);
      fillSelect(f.kind, me.kinds.map(function (k) { return [k, kindNames[k] || k]; }), true);
      refreshFilterChoices();
      show('inbox');
      return loadInbox();
    });
  }

  function query(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name) return;
      if (input.type === 'checkbox') { if (input.checked) params.set(input.name, input.value); return; }
      if (input.value) params.set(input.name, input.value);
    });
    return params;
  }

  var inboxShown = 0;
  function loadInbox(cursor) {
    var params = query($('filters'));
    if (cursor) params.set('cursor', cursor);
    return api('/api/staff/items?' + params.toString()).then(function (body) {
      var m = municipality();
      var tbody = $('items').querySelector('tbody');
      if (!cursor) { tbody.textContent = ''; inboxShown = 0; }
      inboxShown += body.count;
      $('count').textContent = inboxShown + (body.next ? '+' : '') + ' inspel';
      var more = $('more');
      if (!more) {
        more = el('button', 'Visa fler', { id: 'more', type: 'button' });
        $('items').parentNode.insertBefore(more, $('items').nextSibling);
      }
      more.hidden = !body.next;
      more.onclick = function () { loadInbox(body.next); };
      body.items.forEach(function (item) {
        var row = el('tr', null, { 'data-ref': item.reference });
        if (item.overdue) row.className = 'overdue';
        row.appendChild(el('td', item.reference));
        row.appendChild(el('td', item.createdAt.slice(0, 10)));
        row.appendChild(el('td', kindNames[item.kind] || item.kind));
        row.appendChild(el('td', item.text.length > 120 ? item.text.slice(0, 117) + '…' : item.text));
        row.appendChild(el('td', areaName(m, item.focusArea)));
        row.appendChild(el('td', teamName(m, item.assignment && item.assignment.team)));
        row.appendChild(el('td', statusNames[item.status] || item.status));
        row.appendChild(el('td', item.supports));
        row.addEventListener('click', function () { openItem(item.municipality, item.id); });
        tbody.appendChild(row);
      });
    }).catch(function (error) { $('count').textContent = error.message; });
  }

  function openItem(mun, id) {
    return api('/api/staff/items/' + encodeURIComponent(mun) + '/' + encodeURIComponent(id)).then(function (item) {
      current = item;
      var m = me.municipalities.filter(function (x) { return x.id === mun; })[0];
      $('item-title').textContent = (kindNames[item.kind] || item.kind) + ' ' + item.reference;
      $('item-text').textContent = item.text;
      var facts = $('item-facts');
      facts.textContent = '';
      [
        ['Status', statusNames[item.status] || item.status],
        ['Fokusområde', areaName(m, item.focusArea) + ' (' + Math.round(item.focusConfidence * 100) + ' %)'],
        ['Sekundärt område', item.secondaryArea ? areaName(m, item.secondaryArea) : '–'],
        ['Ämne', item.topic ? topicName(item.topic) : '–'],
        ['Tjänstefaktor', item.serviceFactor || '–'],
        ['Team', teamName(m, item.assignment && item.assignment.team) + (item.readable && item.readable.sv.reason ? ' (' + item.readable.sv.reason + ')' : '')],
        ['Handläggare', item.readable && item.readable.sv.assignee ? item.readable.sv.assignee : '–'],
        ['Plats', item.place || '–'],
        ['Stöd', item.supports],
        ['Svar senast', item.dueAt.slice(0, 10) + (item.overdue ? ' – försenat' : '')],
        ['Kontakt', item.contact ? [item.contact.name, item.contact.email, item.contact.phone].filter(Boolean).join(', ') : (item.hasContact ? 'finns' : 'anonym')],
        ['Kan nås i chatten', item.submitter.reachable ? 'ja' : 'nej']
      ].forEach(function (pair) { facts.appendChild(el('dt', pair[0])); facts.appendChild(el('dd', pair[1])); });
      fillSelect($('status-form').status, me.statuses.map(function (s) { return [s, statusNames[s] || s]; }), false);
      $('status-form').status.value = item.status;
      fillSelect($('retag-form').focusArea, m.focusAreas.map(function (a) { return [a.id, a.name.sv]; }), false);
      $('retag-form').focusArea.value = item.focusArea;
      fillSelect($('retag-form').topic, [['', '–']].concat(me.topics.map(function (t) { return [t.id, t.name.sv.split(':')[0]]; })), false);
      $('retag-form').topic.value = item.topic || '';
      fillSelect($('answer-form').template, [['', '–']].concat(m.templates.map(function (t) { return [t.id, t.title.sv]; })), false);
      var history = $('item-history');
      history.textContent = '';
      // The server words the history for staff (names, not ids; Swedish labels).
      (item.readable ? item.readable.sv.history : []).forEach(function (line) {
        history.appendChild(el('li', line));
      });
      $('item-message').textContent = '';
      show('item');
    });
  }

  function act(action) {
    return api('/api/staff/items/' + encodeURIComponent(current.municipality) + '/' + encodeURIComponent(current.id) + '/actions', { method: 'POST', body: action })
      .then(function () { return openItem(current.municipality, current.id); })
      .then(function () { $('item-message').textContent = 'Sparat.'; })
      .catch(function (error) { $('item-message').textContent = error.message; });
  }

  function loadRequests() {
    return api('/api/staff/requests?municipality=' + encodeURIComponent(municipality().id)).then(function (body) {
      var tbody = $('request-table').querySelector('tbody');
      tbody.textContent = '';
      body.requests.forEach(function (r) {
        var row = el('tr');
        [r.reference, r.createdAt.slice(0, 10), r.name || '–', r.company || '–', r.reach || '–', r.question, teamName(municipality(), r.assignment && r.assignment.team), requestStatusNames[r.status] || r.status]
          .forEach(function (v) { row.appendChild(el('td', v)); });
        tbody.appendChild(row);
      });
      show('requests');
    });
  }

  function loadFollowUp() {
    var params = query($('followup-form'));
    return api('/api/staff/followup?' + params.toString()).then(function (body) {
      var m = me.municipalities.filter(function (x) { return x.id === body.municipality; })[0];
      $('report-title').textContent = 'Uppföljning – ' + m.name + (body.period.from || body.period.to ? ' (' + (body.period.from || '…') + ' – ' + (body.period.to || '…') + ')' : '');
      $('totals').textContent = body.totals.items + ' inspel, ' + body.totals.handled + ' hanterade, ' + body.totals.overdue + ' försenade, ' + body.totals.supports + ' stöd.';
      var chart = $('chart');
      chart.textContent = '';
      var max = Math.max.apply(null, body.themes.map(function (t) { return t.count; }).concat([1]));
      body.themes.forEach(function (t) {
        var row = el('div', null, { 'class': 'bar-row' });
        row.appendChild(el('span', t.name.sv, { 'class': 'bar-label' }));
        var fill = el('span', null, { 'class': 'bar-fill' });
        fill.style.width = (t.count / max * 20) + 'rem';
        row.appendChild(fill);
        row.appendChild(el('span', t.count));
        chart.appendChild(row);
      });
      var tbody = $('followup-table').querySelector('tbody');
      tbody.textContent = '';
      body.rows.forEach(function (r) {
        var row = el('tr');
        [r.month, areaName(m, r.focusArea), r.count, Math.round(r.handledShare * 100) + ' %', r.medianDaysToFirstResponse === null ? '–' : r.medianDaysToFirstResponse, r.medianDaysToClosure === null ? '–' : r.medianDaysToClosure, r.overdue]
          .forEach(function (v) { row.appendChild(el('td', v)); });
        tbody.appendChild(row);
      });
      var themes = $('themes');
      themes.textContent = '';
      body.themes.forEach(function (t) {
        themes.appendChild(el('h4', t.name.sv + ' (' + t.count + ')'));
        var list = el('ul');
        t.themes.forEach(function (theme) { list.appendChild(el('li', theme.name.sv + ' (' + theme.count + '): ”' + (theme.examples[0] || '') + '”')); });
        themes.appendChild(list);
      });
      var unanswered = $('unanswered');
      unanswered.textContent = '';
      body.unanswered.forEach(function (u) { unanswered.appendChild(el('li', u.at.slice(0, 10) + ': ' + (u.text || ''))); });
      show('followup');
    });
  }

  function describe(step) {
    var q = step.question.sv;
    if (step.type === 'single' || step.type === 'multiple') return [q].concat(step.options.map(function (o) { return '  ' + o.label.sv + ': ' + o.count + ' (' + Math.round(o.share * 100) + ' %)'; }));
    if (step.type === 'scale') return [q, '  n = ' + step.n + ', medel ' + (step.mean === null ? '–' : step.mean.toFixed(2)) + ', median ' + (step.median === null ? '–' : step.median) + ', sd ' + (step.sd === null ? '–' : step.sd.toFixed(2))];
    if (step.type === 'ranking') return [q].concat(step.items.map(function (item, i) { return '  ' + (i + 1) + '. ' + item.label.sv + ' (' + item.points + ' p)'; }));
    if (step.type === 'statements') return [q].concat(step.statements.map(function (st) { return '  ”' + (typeof st.text === 'string' ? st.text : st.text.sv) + '”: ' + st.agree + ' ja, ' + st.disagree + ' nej, ' + st.pass + ' pass – ' + (st.classificationLabel ? st.classificationLabel.sv : st.classification); }));
    return [q, '  ' + step.n + ' svar. Teman: ' + step.themes.map(function (t) { return t.name.sv + ' (' + t.count + ')'; }).join(', ')];
  }

  function loadGroups() {
    return api('/api/staff/focus-groups?municipality=' + encodeURIComponent(municipality().id)).then(function (body) {
      var tbody = $('group-table').querySelector('tbody');
      tbody.textContent = '';
      $('group-results').textContent = '';
      body.sessions.forEach(function (g) {
        var row = el('tr', null, { 'data-ref': g.code });
        [g.code, g.title ? g.title.sv : '', sessionStatusNames[g.status] || g.status, g.progress.joined, g.progress.finished, g.createdAt.slice(0, 10)].forEach(function (v) { row.appendChild(el('td', v)); });
        row.addEventListener('click', function () {
          api('/api/staff/focus-groups/' + encodeURIComponent(g.id)).then(function (r) {
            var box = $('group-results');
            box.textContent = '';
            box.appendChild(el('h3', r.title.sv + ' (' + r.session.code + ')'));
            r.steps.forEach(function (step) {
              var pre = el('pre', describe(step).join('\n'));
              box.appendChild(pre);
              var tags = r.focusAreas[step.stepId];
              if (tags && tags.length) box.appendChild(el('p', 'Fokusområden: ' + tags.map(function (t) { return areaName(municipality(), t.focusArea) + ': ' + t.count; }).join(', ')));
            });
          });
        });
        tbody.appendChild(row);
      });
      show('groups');
    });
  }

  function download(format) {
    var params = query($('filters'));
    params.set('format', format === 'json' ? 'jsonl' : 'csv');
    api('/api/staff/items?' + params.toString()).then(function (text) {
      var blob = new Blob([text], { type: format === 'json' ? 'application/x-ndjson' : 'text/csv' });
      var a = el('a', null, { href: URL.createObjectURL(blob), download: 'foretagslotsen.' + (format === 'json' ? 'jsonl' : 'csv') });
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  $('signin-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('signin-error').textContent = '';
    start().catch(function (error) { $('signin-error').textContent = error.message; signOut(); $('signin-error').textContent = 'Nyckeln gäller inte.'; });
  });
  $('signout').addEventListener('click', signOut);
  $('filters').addEventListener('submit', function (event) { event.preventDefault(); loadInbox(); });
  $('filters').municipality.addEventListener('change', function () { refreshFilterChoices(); loadInbox(); });
  $('export-csv').addEventListener('click', function () { download('csv'); });
  $('export-json').addEventListener('click', function () { download('json'); });
  $('back').addEventListener('click', function () { show('inbox'); loadInbox(); });
  $('take').addEventListener('click', function () { act({ type: 'take' }); });
  $('status-form').addEventListener('submit', function (e) { e.preventDefault(); act({ type: 'status', status: e.target.status.value, outcome: e.target.outcome.value || undefined }); });
  $('retag-form').addEventListener('submit', function (e) { e.preventDefault(); act({ type: 'retag', focusArea: e.target.focusArea.value, topic: e.target.topic.value || undefined }); });
  $('answer-form').template.addEventListener('change', function (e) {
    var m = me.municipalities.filter(function (x) { return x.id === current.municipality; })[0];
    var t = m.templates.filter(function (x) { return x.id === e.target.value; })[0];
    if (t) $('answer-form').text.value = t.text[current.submitter.language] || t.text.sv;
  });
  $('answer-form').addEventListener('submit', function (e) { e.preventDefault(); act({ type: 'answer', text: e.target.text.value }); });
  $('duplicate-form').addEventListener('submit', function (e) { e.preventDefault(); act({ type: 'duplicate', of: e.target.of.value }); });
  $('followup-form').addEventListener('submit', function (e) { e.preventDefault(); loadFollowUp(); });
  $('print').addEventListener('click', function () { window.print(); });
  Array.prototype.forEach.call(document.querySelectorAll('nav [data-view]'), function (button) {
    button.addEventListener('click', function () {
      var view = button.getAttribute('data-view');
      if (view === 'inbox') { show('inbox'); loadInbox(); }
      if (view === 'requests') loadRequests();
      if (view === 'followup') loadFollowUp();
      if (view === 'groups') loadGroups();
    });
  });

  // A submitter's extract and erasure (admins only), by reference.
  function privacyPath(suffix) {
    return '/api/staff/privacy/' + encodeURIComponent(municipality().id) + '/' + encodeURIComponent($('privacy-form').reference.value.trim()) + suffix;
  }
  function privacyFailed(error) { $('privacy-status').textContent = error.message; }
  $('privacy-form').addEventListener('submit', function (e) {
    e.preventDefault();
    $('privacy-status').textContent = '';
    api(privacyPath('')).then(function (extract) { $('privacy-extract').textContent = JSON.stringify(extract, null, 2); }, privacyFailed);
  });
  $('privacy-erase').addEventListener('click', function () {
    if (!$('privacy-form').reportValidity() || !window.confirm('Radera personuppgifterna för ' + $('privacy-form').reference.value + '?')) return;
    api(privacyPath('/erase'), { method: 'POST' }).then(function (body) {
      $('privacy-extract').textContent = JSON.stringify(body.erased, null, 2);
      $('privacy-status').textContent = 'Raderat.';
    }, privacyFailed);
  });
  document.querySelector('nav [data-view=privacy]').addEventListener('click', function () { show('privacy'); });

  if (token()) start().catch(signOut); else show('signin');
})();
