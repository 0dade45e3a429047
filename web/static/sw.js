// Service worker of the web chat: it only shows Web Push notifications
// (never a message's text: the push says only that one waits) and opens
// the chat when one is tapped.
self.addEventListener('push', function (e) {
  var d = {};
  try { d = e.data ? e.data.json() : {}; } catch (_) {}
  e.waitUntil(self.registration.showNotification(d.title || 'Werkwijzer',
    { body: d.body || '', icon: '/chat/s/icon.png', tag: 'werkwijzer', renotify: true }));
});
self.addEventListener('notificationclick', function (e) {
  e.notification.close();
  e.waitUntil(self.clients.matchAll({ type: 'window' }).then(function (ws) {
    for (var i = 0; i < ws.length; i++) {
      if (ws[i].url.indexOf('/chat/') >= 0 && 'focus' in ws[i]) return ws[i].focus();
    }
    return self.clients.openWindow('/chat/');
  }));
});
