/* Företagslotsen web chat page: gets a Direct Line token from the bot's own server (resuming this
 * browser's conversation when it has one) and renders botframework-webchat against it. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('lotsen-config').textContent);
  var storageKey = 'foretagslotsen:' + config.municipality;
  var root = document.getElementById('webchat');
  var params = new URLSearchParams(location.search);
  // The server rendered the page in this language (?lang=en|sv); Web Chat, and every activity it
  // sends (so the bot's replies), follow it.
  var language = config.language === 'en' ? 'en' : 'sv';
  var locale = language === 'en' ? 'en-US' : 'sv-SE';

  function saved() {
    try { return JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch { return null; }
  }
  function remember(state) {
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch { /* private mode */ }
  }
  function fail(message) {
    root.innerHTML = '';
    var p = document.createElement('p');
    p.className = 'notice';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    root.appendChild(p);
  }

  document.getElementById('new-conversation').addEventListener('click', function () {
    try { localStorage.removeItem(storageKey); } catch { /* ignore */ }
    location.reload();
  });

  var previous = saved();
  // Switched language before writing anything: start over, so even the welcome is in the new language.
  if (previous && previous.language && previous.language !== language && !previous.talked) previous = null;
  fetch('/webchat/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ municipality: config.municipality, resume: previous ? previous.token : undefined, locale: locale })
  })
    .then(function (response) {
      if (!response.ok) throw new Error('session ' + response.status);
      return response.json();
    })
    .then(function (session) {
      var state = {
        token: session.token,
        conversationId: session.conversationId,
        language: language,
        talked: Boolean(session.resumed && previous && previous.talked)
      };
      var switched = Boolean(session.resumed && previous && previous.language && previous.language !== language);
      remember(state);
      var directLine = window.WebChat.createDirectLine({
        token: session.token,
        domain: session.domain,
        conversationId: session.resumed ? session.conversationId : undefined,
        webSocket: true
      });
      // Direct Line refreshes its token every 15 minutes; keep the newest one to resume with.
      setInterval(function () {
        if (directLine.token && directLine.token !== state.token) {
          state.token = directLine.token;
          remember(state);
        }
      }, 60 * 1000);
      window.foretagslotsen = { conversationId: session.conversationId, resumed: session.resumed };
      // /?join=CODE: join a focus group as soon as the conversation is connected.
      var join = params.get('join');
      var connected = false;
      directLine.connectionStatus$.subscribe(function (status) {
        if (status !== 2 || connected) return;
        connected = true;
        // The language changed in a conversation that goes on: tell the bot, so its replies follow.
        if (switched) {
          directLine.postActivity({ type: 'event', name: 'language', value: language, locale: locale, from: { id: session.userId } }).subscribe(function () {});
        }
        if (join && /^[A-Za-z0-9]{6}$/.test(join)) {
          directLine.postActivity({ type: 'event', name: 'join', value: join.toUpperCase(), locale: locale, from: { id: session.userId } }).subscribe(function () {});
        }
      });
      // Once the user has written, a language switch keeps the conversation instead of starting over.
      var store = window.WebChat.createStore({}, function () {
        return function (next) {
          return function (action) {
            if (action.type === 'DIRECT_LINE/POST_ACTIVITY' && action.payload && action.payload.activity && action.payload.activity.type === 'message' && !state.talked) {
              state.talked = true;
              remember(state);
            }
            return next(action);
          };
        };
      });
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          store: store,
          userID: session.userId,
          locale: locale,
          styleOptions: {
            hideUploadButton: true,
            botAvatarInitials: 'FL',
            accent: '#0b4f6c',
            bubbleBorderRadius: 8,
            bubbleFromUserBorderRadius: 8,
            suggestedActionLayout: 'flow',
            // Card titles wrap instead of ending in "…" on a phone.
            richCardWrapTitle: true,
            // A long answer opens at its start: following the new messages stops once the first of
            // them reaches the top of the view (not at the end of a card taller than the screen).
            autoScrollSnapOnPage: true,
            autoScrollSnapOnPageOffset: -8
          }
        },
        root
      );
      root.setAttribute('data-ready', 'true');
    })
    .catch(function () {
      fail(config.texts.startFailed);
    });
})();
