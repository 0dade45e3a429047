package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/werkwijzer/werkwijzer/bot"
	"github.com/werkwijzer/werkwijzer/locales"
)

//go:embed static
var static embed.FS

var pages = template.Must(template.ParseFS(static, "static/*.html"))

// version changes with the page's files, so that they can be cached for a
// long time and still never be stale after a deploy.
var version = func() string {
	h := sha256.New()
	fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := static.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:10]
}()

// CookieName is the session cookie: __Host- makes the browser keep it
// only if it is Secure, for this host alone and the whole site.
const CookieName = "__Host-ww-chat"

// ContentSecurityPolicy allows the page nothing but its own files: no
// inline script or style, no other origin, no frames.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
	"connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the web chat under /chat/.
func (c *Channel) Handler() http.Handler {
	c.init()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /chat/{$}", c.page)
	mux.Handle("GET /chat", http.RedirectHandler("/chat/", http.StatusMovedPermanently))
	mux.HandleFunc("GET /chat/l/{code}", c.landing)
	mux.HandleFunc("GET /chat/events", c.events)
	mux.HandleFunc("POST /chat/send", c.send)
	mux.HandleFunc("POST /chat/push", c.subscribe)
	mux.HandleFunc("POST /chat/telegram", c.telegram)
	mux.HandleFunc("GET /chat/files/{n}", c.file)
	mux.HandleFunc("GET /chat/texts/{lang}", c.texts)
	mux.HandleFunc("GET /chat/sw.js", c.asset("static/sw.js"))
	for _, f := range []string{"app.js", "app.css", "landing.js", "icon.png", "ethiopic.woff2", "OFL.txt"} {
		mux.HandleFunc("GET /chat/s/"+f, c.asset("static/"+f))
	}
	return c.secure(mux)
}

var origins = http.NewCrossOriginProtection()

// secure sets the headers every answer carries and refuses a write that
// comes from another site (Sec-Fetch-Site, or Origin against Host): the
// first of two CSRF defences, the token being the second.
func (c *Channel) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		// The landing page's address holds a link code: not for t.me.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if err := origins.Check(r); err != nil {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (c *Channel) asset(name string) http.HandlerFunc {
	b, err := static.ReadFile(name)
	if err != nil {
		panic(err)
	}
	typ := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
		".png": "image/png", ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8"}[name[strings.LastIndex(name, "."):]]
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", typ)
		if strings.HasSuffix(name, "sw.js") {
			w.Header().Set("Cache-Control", "no-cache")
		} else if r.URL.Query().Get("v") == version {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		w.Write(b)
	}
}

var sidShape = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// session reads the session cookie: its id, and its conversation, 0 when
// there is none (no cookie, expired, revoked by /forget).
func (c *Channel) session(r *http.Request) (string, int64, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil || !sidShape.MatchString(ck.Value) {
		return "", 0, nil
	}
	chat, err := c.Store.Chat(r.Context(), ck.Value)
	return ck.Value, chat, err
}

func (c *Channel) setCookie(w http.ResponseWriter, sid string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: sid, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
}

func (c *Channel) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
}

// csrf is the token a page sends with every write: bound to its session,
// so a token read elsewhere is worth nothing.
func (c *Channel) csrf(sid string) string {
	m := hmac.New(sha256.New, c.Secret)
	m.Write([]byte("csrf|" + sid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (c *Channel) csrfOK(r *http.Request, sid string) bool {
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(c.csrf(sid))) == 1
}

// hint is the language the browser asks for, as one of ours, or "".
func hint(r *http.Request) string {
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		if l := locales.Match(t.String()); l != "" {
			return l
		}
	}
	return ""
}

func dir(lang string) string {
	for _, l := range locales.Languages {
		if l.Code == lang && l.RTL {
			return "rtl"
		}
	}
	return "ltr"
}

// pageTexts are the page's own words (the conversation's come from the
// dialogs).
var pageTexts = []string{"web_title", "web_log_label", "web_input_label", "web_send", "web_offline", "web_too_fast",
	"web_ended", "web_restart", "web_push_ask", "web_push_on", "web_push_denied", "web_download", "web_tg_button"}

func (c *Channel) pageTexts(lang string) map[string]string {
	m := make(map[string]string, len(pageTexts))
	for _, id := range pageTexts {
		m[id] = c.Texts.T(lang, id, nil)
	}
	return m
}

var codeShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// page is the chat. It opens a session for a browser that has none, and
// only for a visit (not for an image or a script some other page embeds).
func (c *Channel) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	sid, chat, err := c.session(r)
	if err != nil {
		c.unavailable(w, r, err)
		return
	}
	fresh := chat == 0
	if fresh {
		if d := r.Header.Get("Sec-Fetch-Dest"); d != "" && d != "document" {
			http.Error(w, "not a visit", http.StatusForbidden)
			return
		}
		if ok, wait := c.limits.newSession(address(r, c.TrustProxy), c.clock().Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			http.Error(w, c.Texts.T(c.lang(r, ""), "web_too_fast", nil), http.StatusTooManyRequests)
			return
		}
		sid = newSID()
		if chat, err = c.Store.NewSession(r.Context(), sid); err != nil {
			c.unavailable(w, r, err)
			return
		}
		c.setCookie(w, sid, c.Store.Retention)
	}
	meta, err := c.Store.Meta(r.Context(), chat)
	if err != nil {
		c.unavailable(w, r, err)
		return
	}
	lang := c.lang(r, meta.Lang)
	q := r.URL.Query()
	start := q.Get("start")
	if !codeShape.MatchString(start) {
		start = ""
	}
	var rtl []string
	for _, l := range locales.Languages {
		if l.RTL {
			rtl = append(rtl, l.Code)
		}
	}
	cfg := map[string]any{"csrf": c.csrf(sid), "lang": lang, "rtl": rtl, "t": c.pageTexts(lang), "start": start,
		"hint": locales.Match(q.Get("lang")), "tg": c.TelegramBot != "" && c.Sessions != nil,
		// A new session has no conversation yet: the page starts it at
		// once, beside opening its stream, instead of a round trip later
		// (2 s on slow 3G).
		"fresh": fresh}
	if c.Push != nil {
		cfg["vapid"] = c.Push.PublicKey
	}
	c.render(w, "chat.html", map[string]any{"Lang": lang, "Dir": dir(lang), "T": c.pageTexts(lang), "V": version, "Cfg": cfg})
}

// lang is the language of the page's own words: the one asked for in the
// address, else the conversation's, else the browser's, else Dutch.
func (c *Channel) lang(r *http.Request, conv string) string {
	for _, l := range []string{locales.Match(r.URL.Query().Get("lang")), conv, hint(r)} {
		if locales.Supported(l) {
			return l
		}
	}
	return locales.Source
}

func (c *Channel) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		c.Log.Error("web: render page", "page", name, "err", err)
	}
}

func (c *Channel) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	c.Log.Warn("web: request failed", "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", "2")
	http.Error(w, c.Texts.T(c.lang(r, ""), "bad_internal", nil), http.StatusServiceUnavailable)
}

func newSID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// landing is where a sign-up link or its QR code leads: open it in
// Telegram, or chat here without an app. Both keep the link's code, so
// that the person counts for the partner either way, and both start in
// the language chosen here (the link's, until the person picks another).
func (c *Channel) landing(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !codeShape.MatchString(code) {
		http.NotFound(w, r)
		return
	}
	linkLang := ""
	if c.Links != nil {
		link, _, err := c.Links.ResolveLink(r.Context(), code)
		if err != nil {
			c.unavailable(w, r, err)
			return
		}
		if link != nil {
			linkLang = link.Lang
		}
	}
	lang := locales.Match(r.URL.Query().Get("lang"))
	if lang == "" {
		lang = linkLang
	}
	if lang == "" {
		lang = c.lang(r, "")
	}
	type option struct {
		Code, Name string
		Selected   bool
	}
	var opts []option
	for _, l := range locales.Languages {
		opts = append(opts, option{l.Code, c.Texts.T(l.Code, "language_name", nil), l.Code == lang})
	}
	data := map[string]any{"Lang": lang, "Dir": dir(lang), "V": version, "Languages": opts,
		"Web":      "/chat/?" + url.Values{"start": {code}, "lang": {lang}}.Encode(),
		"Greeting": c.Texts.T(lang, "start_greeting", nil),
		"T": map[string]string{"intro": c.Texts.T(lang, "landing_intro", nil), "telegram": c.Texts.T(lang, "landing_telegram", nil),
			"web": c.Texts.T(lang, "landing_web", nil), "language": c.Texts.T(lang, "landing_language", nil),
			"apply": c.Texts.T(lang, "landing_apply", nil), "title": c.Texts.T(lang, "web_title", nil)}}
	if c.TelegramBot != "" {
		data["Telegram"] = "https://t.me/" + c.TelegramBot + "?start=" + code
	}
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, "landing.html", data)
}

func (c *Channel) texts(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if !locales.Supported(lang) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, c.pageTexts(lang))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

var msgID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,40}$`)

// MaxText is the longest message a page may send, in characters:
// Telegram's limit, so the dialogs see the same input on both.
const MaxText = 4096

// send takes one message from the page. The answer comes through the
// page's stream, not here: the same for this tab, the person's other tabs
// and a reconnect. Only a /forget answers here, as nothing of it is kept.
func (c *Channel) send(w http.ResponseWriter, r *http.Request) {
	sid, chat, ok := c.writer(w, r)
	if !ok {
		return
	}
	var in inbound
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 32<<10)).Decode(&in); err != nil ||
		!msgID.MatchString(in.ID) || (in.Kind != "text" && in.Kind != "button") ||
		len(in.Data) > 64 || utf8.RuneCountInString(in.Text) > MaxText || in.Ref < 0 || !utf8.ValidString(in.Text) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad message"})
		return
	}
	lang := locales.Match(in.Hint)
	if lang == "" {
		lang = hint(r)
	}
	// The turn goes on if the page goes away: its answer waits in the log.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	out, err := c.receive(ctx, chat, sid, in, lang)
	if err != nil {
		c.Log.Warn("web: message not handled", "chat", bot.ChatRef(chat), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"retry": 2})
		return
	}
	if out.Ended {
		c.clearCookie(w)
		views := make([]Entry, len(out.Replies))
		for i, e := range out.Replies {
			views[i] = e.view()
		}
		writeJSON(w, http.StatusOK, map[string]any{"ended": true, "replies": views})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "last": out.Last})
}

// writer checks a write: a live session and its CSRF token.
func (c *Channel) writer(w http.ResponseWriter, r *http.Request) (string, int64, bool) {
	sid, chat, err := c.session(r)
	switch {
	case err != nil:
		c.Log.Warn("web: session lookup failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"retry": 2})
		return "", 0, false
	case chat == 0:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"reload": true})
		return "", 0, false
	case !c.csrfOK(r, sid):
		writeJSON(w, http.StatusForbidden, map[string]any{"error": "bad token"})
		return "", 0, false
	}
	// Every write counts against the limits of the session and the
	// address.
	if ok, wait := c.limits.message(sid, address(r, c.TrustProxy), c.clock().Now()); !ok {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": c.Texts.T(c.lang(r, ""), "web_too_fast", nil), "retry": secs})
		return "", 0, false
	}
	return sid, chat, true
}

// subscribe keeps (or drops) the browser's push subscription.
func (c *Channel) subscribe(w http.ResponseWriter, r *http.Request) {
	_, chat, ok := c.writer(w, r)
	if !ok {
		return
	}
	if c.Push == nil {
		http.NotFound(w, r)
		return
	}
	var in struct {
		Sub json.RawMessage `json:"sub"`
		Off bool            `json:"off"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad request"})
		return
	}
	sub := ""
	if !in.Off {
		var err error
		if sub, err = c.Push.Check(in.Sub); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
	}
	if err := c.Store.SetPush(r.Context(), chat, sub); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"retry": 2})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// file serves a calendar file or a /mydata export of the session's own
// conversation, as a download.
func (c *Channel) file(w http.ResponseWriter, r *http.Request) {
	_, chat, err := c.session(r)
	n, perr := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || chat == 0 || perr != nil || n <= 0 {
		http.NotFound(w, r)
		return
	}
	e, err := c.Store.Entry(r.Context(), chat, n)
	if err != nil {
		c.unavailable(w, r, err)
		return
	}
	if e == nil || e.Doc == nil {
		http.Error(w, c.Texts.T(c.lang(r, ""), "web_file_gone", nil), http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", e.Doc.Type)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(e.Doc.Name))
	h.Set("Cache-Control", "no-store")
	w.Write(e.Doc.Content)
}

// streamWrite bounds each write to an event stream: a page that reads
// nothing for that long (a phone gone, a connection dead without a word)
// is let go, while one that keeps reading keeps its stream.
const streamWrite = 30 * time.Second

// events streams the session's log to its page (server-sent events):
// first what came after the last entry the page has (Last-Event-ID, which
// the browser sends by itself when it reconnects), then each new entry as
// it comes. An entry is never sent twice to one page nor skipped.
func (c *Channel) events(w http.ResponseWriter, r *http.Request) {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" {
		http.Error(w, "cross-origin stream refused", http.StatusForbidden)
		return
	}
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			http.Error(w, "cross-origin stream refused", http.StatusForbidden)
			return
		}
	}
	sid, chat, err := c.session(r)
	if err != nil {
		c.unavailable(w, r, err)
		return
	}
	if chat == 0 {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "event: end\ndata: {}\n\n")
		return
	}
	closeStream, ok := c.limits.openStream(sid, address(r, c.TrustProxy))
	if !ok {
		http.Error(w, "too many open pages", http.StatusTooManyRequests)
		return
	}
	defer closeStream()
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The browser sends Last-Event-ID when it reconnects by itself; a page
	// that opens a new stream says where it is in the address.
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if q, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64); err == nil && q > after {
		after = q
	}
	woke, unsub := c.hub.sub(chat)
	defer unsub()
	// The server's write limit (ops.Limits.Write) counts from the request:
	// for a stream that stays open while the person reads, it would cut
	// the stream every 30 s, and the page would say it is offline until it
	// reconnected (seconds, on a slow phone). Each write gets its own
	// limit instead, so a page that stopped reading still lets go.
	rc := http.NewResponseController(w)
	writing := func() { rc.SetWriteDeadline(time.Now().Add(streamWrite)) }
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	fmt.Fprint(w, "retry: 2000\n\n")
	// A comment every 20 to 30 seconds keeps proxies from closing an idle
	// stream; once a minute or so the log is read again in case a wake
	// from another instance was missed. Both are spread at random, so
	// that a thousand pages opened together do not all ask at once.
	// Real time, both: they are about proxies' idle timeouts and a
	// message lost on the network, not time the product keeps.
	ping := time.NewTicker(20*time.Second + time.Duration(mrand.Int64N(int64(10*time.Second))))
	defer ping.Stop()
	resync := time.NewTicker(60*time.Second + time.Duration(mrand.Int64N(int64(30*time.Second))))
	defer resync.Stop()
	first, woken := true, false
	for {
		writing()
		entries, err := c.Store.Since(r.Context(), chat, after)
		if err != nil && r.Context().Err() == nil {
			c.Log.Warn("web: read log", "chat", bot.ChatRef(chat), "err", err)
			return // the browser reconnects, from the last entry it has
		}
		if woken && len(entries) == 0 {
			// A wake with nothing new may be /forget: the session is
			// asked only then, not on every message.
			if now, err := c.Store.Chat(r.Context(), sid); err == nil && now != chat {
				fmt.Fprint(w, "event: end\ndata: {}\n\n")
				flusher.Flush()
				return
			}
		}
		woken = false
		for _, e := range entries {
			b, _ := json.Marshal(e.view())
			fmt.Fprintf(w, "id: %d\nevent: m\ndata: %s\n\n", e.N, b)
			after = e.N
		}
		if first {
			fmt.Fprintf(w, "event: ready\ndata: {\"last\":%d}\n\n", after)
			first = false
		}
		flusher.Flush()
	wait:
		select {
		case <-r.Context().Done():
			return
		case <-c.stopped:
			return
		case <-ping.C:
			writing()
			fmt.Fprint(w, ": ping\n\n")
			flusher.Flush()
			goto wait
		case <-resync.C:
		case <-woke:
			woken = true
		}
	}
}
