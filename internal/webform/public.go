package webform

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

// maxBody bounds a public submission; the fields together hold far less.
const maxBody = 16 << 10

// ServePublic answers /f/{token}: GET shows the form, POST takes a
// submission as an HTML form post (answered with a page) or as JSON
// (answered with JSON or problem+json). It never answers 500 for anything a
// visitor sends: an unexpected failure is logged and answered 503.
func (s *Service) ServePublic(w http.ResponseWriter, r *http.Request) {
	lang := pickLang(r)
	isJSON := isJSONRequest(r)
	h := w.Header()
	// The page is self-contained: no scripts, no outside assets; it posts
	// only to itself.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	token := r.PathValue("token")
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		h.Set("Allow", "GET, HEAD, POST")
		s.fail(w, isJSON, lang, http.StatusMethodNotAllowed, "use GET to see the form and POST to send it")
		return
	}
	if len(token) > 100 {
		s.fail(w, isJSON, lang, http.StatusNotFound, "no such form")
		return
	}
	f, err := s.ByToken(r.Context(), token)
	if apperr.Is(err, apperr.KindNotFound) {
		s.fail(w, isJSON, lang, http.StatusNotFound, "no such form")
		return
	} else if err != nil {
		s.unexpected(w, r, isJSON, lang, err)
		return
	}
	if r.Method != http.MethodPost {
		render(w, http.StatusOK, pageData{Lang: lang, T: texts[lang], Form: f.Name, Action: r.URL.Path + langQuery(r)})
		return
	}
	s.submit(w, r, f, lang, isJSON)
}

func (s *Service) submit(w http.ResponseWriter, r *http.Request, f *WebForm, lang string, isJSON bool) {
	ctx := r.Context()
	in, err := decode(w, r, isJSON)
	if err != nil {
		status := http.StatusUnprocessableEntity
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
		} else if errors.Is(err, errMediaType) {
			status = http.StatusUnsupportedMediaType
		}
		s.fail(w, isJSON, lang, status, err.Error())
		return
	}
	wait, err := s.Admit(ctx, f, httpx.ClientIP(r))
	if err != nil {
		s.unexpected(w, r, isJSON, lang, err)
		return
	}
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		s.fail(w, isJSON, lang, http.StatusTooManyRequests, "too many submissions; wait and try again")
		return
	}
	if in.Website != "" {
		// The hidden honeypot is filled: a bot, or now and then a browser's
		// autofill. Refuse it plainly (a person so caught must learn that
		// nothing was sent, not read a false "thank you") and keep nothing
		// but the count.
		if err := s.CountSpam(ctx, f); err != nil {
			slog.WarnContext(ctx, "web form spam count", "err", err)
		}
		s.spam(w, r, f, lang, isJSON, in)
		return
	}
	if errs := Validate(&in); len(errs) > 0 {
		s.invalid(w, r, f, lang, isJSON, in, errs)
		return
	}
	if _, err := s.Submit(ctx, f, in, httpx.ClientIP(r)); errors.Is(err, ErrUnavailable) {
		s.fail(w, isJSON, lang, http.StatusServiceUnavailable, "this form is not taking submissions right now")
		return
	} else if err != nil {
		s.unexpected(w, r, isJSON, lang, err)
		return
	}
	s.thanks(w, r, lang, isJSON, f)
}

var errMediaType = errors.New("send the form as application/x-www-form-urlencoded or application/json")

// decode reads a submission, refusing unknown fields and repeated values.
func decode(w http.ResponseWriter, r *http.Request, isJSON bool) (Submission, error) {
	var in Submission
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if isJSON {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return in, err
			}
			return in, errors.New("the body is not a JSON object of name, company, phone, email, message: " + err.Error())
		}
		if _, err := dec.Token(); err != io.EOF {
			return in, errors.New("the body holds more than one JSON value")
		}
		return in, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return in, errMediaType
	}
	if err := r.ParseForm(); err != nil {
		return in, err
	}
	fields := map[string]*string{"name": &in.Name, "company": &in.Company, "phone": &in.Phone, "email": &in.Email,
		"message": &in.Message, "website": &in.Website}
	for k, v := range r.PostForm {
		dst, ok := fields[k]
		if !ok {
			return in, errors.New("unknown field " + strconv.Quote(k))
		}
		if len(v) > 1 {
			return in, errors.New("field " + strconv.Quote(k) + " is repeated")
		}
		*dst = v[0]
	}
	return in, nil
}

func isJSONRequest(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json" || (r.Method != http.MethodPost && strings.Contains(r.Header.Get("Accept"), "application/json") &&
		!strings.Contains(r.Header.Get("Accept"), "text/html"))
}

func (s *Service) thanks(w http.ResponseWriter, r *http.Request, lang string, isJSON bool, f *WebForm) {
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"status":"received"}`))
		return
	}
	render(w, http.StatusOK, pageData{Lang: lang, T: texts[lang], Form: f.Name, Done: true})
}

func (s *Service) invalid(w http.ResponseWriter, r *http.Request, f *WebForm, lang string, isJSON bool, in Submission, errs []FieldError) {
	if isJSON {
		details := make([]map[string]string, 0, len(errs))
		for _, e := range errs {
			details = append(details, map[string]string{"location": "body." + e.Field, "message": texts["en"]["err_"+e.Code]})
		}
		problem(w, http.StatusUnprocessableEntity, "some fields are not valid", details)
		return
	}
	d := pageData{Lang: lang, T: texts[lang], Form: f.Name, Action: r.URL.Path + langQuery(r), In: in, Errors: map[string]string{}}
	for _, e := range errs {
		d.Errors[e.Field] = texts[lang]["err_"+e.Code]
	}
	render(w, http.StatusUnprocessableEntity, d)
}

// spam refuses a submission whose honeypot is filled: 422 naming the
// field, or the form again with the visitor's entries (the hidden field
// emptied) and a line saying why it was not sent.
func (s *Service) spam(w http.ResponseWriter, r *http.Request, f *WebForm, lang string, isJSON bool, in Submission) {
	if isJSON {
		problem(w, http.StatusUnprocessableEntity, "the submission looks automated and was not accepted",
			[]map[string]string{{"location": "body.website", "message": "must be empty: the field is hidden from people and filled only by automated submissions"}})
		return
	}
	in.Website = ""
	render(w, http.StatusUnprocessableEntity, pageData{Lang: lang, T: texts[lang], Form: f.Name, Action: r.URL.Path + langQuery(r),
		In: in, Notice: texts[lang]["spam"]})
}

// fail answers a refusal as problem+json or as a page.
func (s *Service) fail(w http.ResponseWriter, isJSON bool, lang string, status int, detail string) {
	if isJSON {
		problem(w, status, detail, nil)
		return
	}
	msg := texts[lang]["fail_"+strconv.Itoa(status)]
	if msg == "" {
		msg = texts[lang]["fail_other"]
	}
	render(w, status, pageData{Lang: lang, T: texts[lang], Failure: msg})
}

func (s *Service) unexpected(w http.ResponseWriter, r *http.Request, isJSON bool, lang string, err error) {
	slog.ErrorContext(r.Context(), "web form", "err", err, "request_id", httpx.RequestID(r.Context()))
	s.fail(w, isJSON, lang, http.StatusServiceUnavailable, "the form could not be sent; try again later")
}

func problem(w http.ResponseWriter, status int, detail string, errs []map[string]string) {
	body := map[string]any{"title": http.StatusText(status), "status": status, "detail": detail}
	if errs != nil {
		body["errors"] = errs
	}
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// pickLang: ?lang=en|zh-CN wins; else the Accept-Language entry with the
// highest weight decides between English and Chinese (the default).
func pickLang(r *http.Request) string {
	switch q := strings.ToLower(r.URL.Query().Get("lang")); {
	case strings.HasPrefix(q, "en"):
		return "en"
	case strings.HasPrefix(q, "zh"):
		return "zh-CN"
	}
	best, bestQ := "zh-CN", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(tag)
		if q > bestQ && (strings.HasPrefix(tag, "en") || strings.HasPrefix(tag, "zh")) {
			best, bestQ = "zh-CN", q
			if strings.HasPrefix(tag, "en") {
				best = "en"
			}
		}
	}
	return best
}

func langQuery(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh-CN" {
		return "?lang=" + l
	}
	return ""
}

type pageData struct {
	Lang, Form, Action, Failure string
	Notice                      string // a refusal of the whole form, shown above it
	T                           map[string]string
	In                          Submission
	Errors                      map[string]string
	Done                        bool
}

func render(w http.ResponseWriter, status int, d pageData) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		status = http.StatusServiceUnavailable
		buf.Reset()
		buf.WriteString("service unavailable")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
