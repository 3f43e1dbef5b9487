package attachment

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// UnsupportedError refuses a file whose content is not of an accepted type.
// Detected is what the content was sniffed as.
type UnsupportedError struct {
	Detected string
	Reason   string
}

func (e *UnsupportedError) Error() string { return e.Reason }

// sniffed maps what http.DetectContentType answers to the type served, for
// the types accepted as they are.
var sniffed = map[string]string{
	"application/pdf": "application/pdf",
	"image/png":       "image/png",
	"image/jpeg":      "image/jpeg",
	"image/gif":       "image/gif",
	"image/webp":      "image/webp",
}

// officeTypes are the zip-based Office formats, by extension, with the
// folder every such archive has.
var officeTypes = map[string]struct{ mime, folder string }{
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"},
}

// Accepted describes the allow-list for documentation and refusals.
const Accepted = "PDF, PNG, JPEG, GIF, WebP, Word/Excel/PowerPoint (.docx, .xlsx, .pptx), plain text and CSV"

// Sniff decides the content type of a file from its bytes, never from what
// the client declared. The name's extension only tells apart what the bytes
// cannot: a zip archive must be an Office document whose extension agrees,
// and text is served as CSV when named .csv. Anything else — HTML (served
// from our origin it would be stored XSS), XML and SVG, executables,
// archives — is refused.
func Sniff(name string, f io.ReaderAt, size int64) (string, error) {
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", err
	}
	head = head[:n]
	detected := http.DetectContentType(head)
	base, _, _ := strings.Cut(detected, ";")
	ext := strings.ToLower(path.Ext(name))
	if t, ok := sniffed[base]; ok {
		return t, nil
	}
	switch base {
	case "application/zip":
		return office(ext, f, size, detected)
	case "text/plain":
		return text(ext, f, size, detected)
	}
	return "", &UnsupportedError{Detected: detected,
		Reason: "the file's content is " + detected + "; accepted are " + Accepted}
}

// office accepts a zip archive that is the Office document its extension says.
func office(ext string, f io.ReaderAt, size int64, detected string) (string, error) {
	t, ok := officeTypes[ext]
	refuse := &UnsupportedError{Detected: detected,
		Reason: "the file is a zip archive; only Word, Excel and PowerPoint documents named .docx, .xlsx or .pptx are accepted"}
	if !ok {
		return "", refuse
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return "", refuse
	}
	var types, folder bool
	for _, zf := range zr.File {
		types = types || zf.Name == "[Content_Types].xml"
		folder = folder || strings.HasPrefix(zf.Name, t.folder)
	}
	if !types || !folder {
		return "", &UnsupportedError{Detected: detected, Reason: "the file is named " + ext + " but is not such a document"}
	}
	return t.mime, nil
}

// text accepts plain text (and CSV by name), refusing text that a browser
// could take for markup: DetectContentType answers text/html for a document
// starting with a tag, but not when a byte-order mark comes first.
func text(ext string, f io.ReaderAt, size int64, detected string) (string, error) {
	const sample = 4096
	head := make([]byte, min(size, sample))
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	start := bytes.TrimLeftFunc(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), unicode.IsSpace)
	if looksLikeMarkup(start) {
		return "", &UnsupportedError{Detected: "text/html", Reason: "the file's content is markup (HTML, XML or SVG); accepted are " + Accepted}
	}
	if size > sample { // the sample may end inside a character: drop the last one
		for len(head) > 0 && !utf8.RuneStart(head[len(head)-1]) {
			head = head[:len(head)-1]
		}
		head = head[:max(len(head)-1, 0)]
	}
	charset := "" // not UTF-8 (GB18030, say): served without a charset
	if utf8.Valid(head) {
		charset = "; charset=utf-8"
	}
	if strings.Contains(detected, "utf-16") {
		charset = detected[strings.Index(detected, ";"):]
	}
	if ext == ".csv" {
		return "text/csv" + charset, nil
	}
	return "text/plain" + charset, nil
}

var markup = [][]byte{[]byte("<!doctype"), []byte("<html"), []byte("<?xml"), []byte("<svg"), []byte("<script"),
	[]byte("<head"), []byte("<body"), []byte("<iframe"), []byte("<!--")}

func looksLikeMarkup(b []byte) bool {
	lower := bytes.ToLower(b[:min(len(b), 16)])
	for _, m := range markup {
		if bytes.HasPrefix(lower, m) {
			return true
		}
	}
	return false
}
