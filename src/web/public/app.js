/* Företagslotsen web chat page: gets a Direct Line token from the bot's own server (resuming this
 * browser's conversation when it has one) and renders botframework-webchat against it. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('lotsen-config').textContent);
  var storageKey = 'foretagslotsen:' + config.municipality;
  var root = document.getElementById('webchat');
  var params = new URLSearchParams(location.search);
  var locale = params.get('lang') === 'en' ? 'en-US' : 'sv-SE';

  function saved() {
    try { return JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch (e) { return null; }
  }
  function remember(token, conversationId) {
    try { localStorage.setItem(storageKey, JSON.stringify({ token: token, conversationId: conversationId })); } catch (e) { /* private mode */ }
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
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
    location.reload();
  });

  var previous = saved();
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
      remember(session.token, session.conversationId);
      var directLine = window.WebChat.createDirectLine({
        token: session.token,
        domain: session.domain,
        conversationId: session.resumed ? session.conversationId : undefined,
        webSocket: true
      });
      // Direct Line refreshes its token every 15 minutes; keep the newest one to resume with.
      setInterval(function () {
        if (directLine.token && directLine.token !== session.token) {
          session.token = directLine.token;
          remember(session.token, session.conversationId);
        }
      }, 60 * 1000);
      window.foretagslotsen = { conversationId: session.conversationId, resumed: session.resumed };
      // /?join=CODE: join a focus group as soon as the conversation is connected.
      var join = params.get('join');
      if (join && /^[A-Za-z0-9]{6}$/.test(join)) {
        var joined = false;
        directLine.connectionStatus$.subscribe(function (status) {
          if (status === 2 && !joined) {
            joined = true;
            directLine.postActivity({ type: 'event', name: 'join', value: join.toUpperCase(), from: { id: session.userId } }).subscribe(function () {});
          }
        });
      }
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          userID: session.userId,
          locale: locale,
          styleOptions: {
            hideUploadButton: true,
            botAvatarInitials: 'FL',
            accent: '#0b4f6c',
            bubbleBorderRadius: 8,
            bubbleFromUserBorderRadius: 8,
            suggestedActionLayout: 'flow'
          }
        },
        root
      );
      root.setAttribute('data-ready', 'true');
    })
    .catch(function () {
      fail('Chatten kunde inte starta just nu. Försök igen om en stund, eller ring kommunens växel.');
    });
})();
