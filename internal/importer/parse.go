package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// File formats and encodings.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"

	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
)

// BadFileError is a file that cannot be imported; the message names the
// problem and is shown to the user.
type BadFileError struct{ Msg string }

func (e *BadFileError) Error() string { return e.Msg }

func badFile(format string, args ...any) error {
	return &BadFileError{Msg: fmt.Sprintf(format, args...)}
}

var zipMagic = []byte("PK\x03\x04")

// Sniff decides a file's format from its first bytes (an XLSX workbook is a
// zip archive; anything else is taken for CSV) and, for CSV, its encoding:
// UTF-8 when the whole file is valid UTF-8 (a BOM is allowed), GB18030
// otherwise. A file holding NUL bytes is binary and refused.
func Sniff(r io.ReadSeeker) (format, encoding string, err error) {
	head := make([]byte, 8192)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", err
	}
	head = head[:n]
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return "", "", err
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(head, bom))) == 0 {
		return "", "", badFile("the file is empty")
	}
	if bytes.HasPrefix(head, zipMagic) {
		return FormatXLSX, "", nil
	}
	ok, err := validUTF8(r)
	if err != nil {
		return "", "", err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return "", "", err
	}
	if ok {
		return FormatCSV, EncodingUTF8, nil
	}
	return FormatCSV, EncodingGB18030, nil
}

var bom = []byte("\xEF\xBB\xBF")

// errBinary: a NUL byte means the file is no text file.
var errBinary = badFile("the file is neither CSV nor XLSX: it holds binary data")

// validUTF8 reads r to its end and reports whether it is valid UTF-8;
// a NUL byte anywhere is errBinary.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	valid := true
	for {
		n, err := r.Read(buf[carry:])
		chunk := buf[:carry+n]
		if bytes.IndexByte(chunk[carry:], 0) >= 0 {
			return false, errBinary
		}
		end := len(chunk)
		if err == nil {
			// Keep an incomplete trailing rune for the next read.
			for i := 1; i <= utf8.UTFMax && i <= len(chunk); i++ {
				if utf8.RuneStart(chunk[len(chunk)-i]) {
					if !utf8.FullRune(chunk[len(chunk)-i:]) {
						end = len(chunk) - i
					}
					break
				}
			}
		}
		if valid && !utf8.Valid(chunk[:end]) {
			valid = false
		}
		carry = copy(buf, chunk[end:])
		if errors.Is(err, io.EOF) {
			return valid, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// Rows reads a file's rows one at a time. Next returns io.EOF after the last.
type Rows interface {
	Next() ([]string, error)
	Close() error
}

// OpenRows opens the rows of a file of the given format and encoding. For
// XLSX the first sheet is read, streaming.
func OpenRows(r io.ReadSeeker, format, encoding string) (Rows, error) {
	if format == FormatXLSX {
		return openXLSX(r)
	}
	var src io.Reader = bufio.NewReaderSize(r, 64<<10)
	if encoding == EncodingGB18030 {
		src = transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder())
	}
	br := bufio.NewReaderSize(src, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
	}
	// The delimiter: a comma, unless the first line has tabs (or semicolons) and no comma.
	first, _ := br.Peek(4096)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(br)
	if !bytes.ContainsRune(first, ',') {
		if bytes.ContainsRune(first, '\t') {
			cr.Comma = '\t'
		} else if bytes.ContainsRune(first, ';') {
			cr.Comma = ';'
		}
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvRows{r: cr}, nil
}

type csvRows struct{ r *csv.Reader }

func (c *csvRows) Next() ([]string, error) {
	rec, err := c.r.Read()
	if err != nil && !errors.Is(err, io.EOF) {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, badFile("the CSV file is malformed at line %d: %v", pe.Line, pe.Err)
		}
		return nil, badFile("the CSV file cannot be read: %v", err)
	}
	return rec, err
}

func (c *csvRows) Close() error { return nil }

type xlsxRows struct {
	f    *excelize.File
	rows *excelize.Rows
}

// xlsxUnzipLimit bounds what a workbook may unpack to (excelize allows
// 16 GB, and reads every part but the sheets and shared strings into
// memory): an upload of a million rows unpacks to a few hundred MiB,
// a zip bomb to far more. A variable so a test can lower it.
var xlsxUnzipLimit int64 = 1 << 30

func openXLSX(r io.Reader) (_ Rows, err error) {
	defer func() {
		// excelize has been seen to panic on crafted archives: a bad file, not a crash.
		if p := recover(); p != nil {
			err = badFile("the XLSX workbook is damaged and cannot be read")
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: xlsxUnzipLimit})
	if err != nil && strings.Contains(err.Error(), "unzip size exceeds") {
		return nil, badFile("the XLSX workbook unpacks to more than %d MiB: it is too large or a compressed bomb", xlsxUnzipLimit>>20)
	} else if err != nil {
		return nil, badFile("the file looks like an XLSX workbook but cannot be opened: %s", shortErr(err))
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, badFile("the XLSX workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		_ = f.Close()
		return nil, badFile("the first sheet of the XLSX workbook cannot be read: %s", shortErr(err))
	}
	return &xlsxRows{f: f, rows: rows}, nil
}

func (x *xlsxRows) Next() (cols []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			cols, err = nil, badFile("the XLSX workbook is damaged and cannot be read")
		}
	}()
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, badFile("the XLSX sheet cannot be read: %s", shortErr(err))
		}
		return nil, io.EOF
	}
	cols, err = x.rows.Columns()
	if err != nil {
		return nil, badFile("the XLSX sheet cannot be read: %s", shortErr(err))
	}
	return cols, nil
}

func (x *xlsxRows) Close() error {
	_ = x.rows.Close()
	return x.f.Close()
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.ToValidUTF8(s, "?")
}

// previewRows is how many data rows an upload shows.
const previewRows = 20

// Inspection is what an upload learns of a file by reading it once.
type Inspection struct {
	Format, Encoding string
	Header           []string
	Preview          [][]string
	DataRows         int
}

// maxColumns bounds a header: a wider file is no lead list.
const maxColumns = 200

// Inspect reads the whole file: its header row, the first rows as a
// preview, and how many data rows follow. Blank rows are not counted. A
// file without a header or without data rows is refused.
func Inspect(r io.ReadSeeker) (*Inspection, error) {
	format, enc, err := Sniff(r)
	if err != nil {
		return nil, err
	}
	rows, err := OpenRows(r, format, enc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := &Inspection{Format: format, Encoding: enc}
	for {
		rec, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if in.Header == nil {
			if len(rec) > maxColumns {
				return nil, badFile("the header row has %d columns; at most %d are allowed", len(rec), maxColumns)
			}
			in.Header = make([]string, len(rec))
			for i, h := range rec {
				h = strings.TrimSpace(h)
				if bad := badRune(h, false); bad != "" {
					return nil, badFile("the header row's column %d contains %s: is this a text file in UTF-8 or GB18030?", i+1, bad)
				}
				if h == "" {
					h = fmt.Sprintf("column %d", i+1)
				}
				in.Header[i] = h
			}
			continue
		}
		in.DataRows++
		if len(in.Preview) < previewRows {
			in.Preview = append(in.Preview, append([]string(nil), rec...))
		}
	}
	switch {
	case in.Header == nil:
		return nil, badFile("the file has no rows")
	case in.DataRows == 0:
		return nil, badFile("the file has a header row but no data rows")
	}
	return in, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// badRune names a character not allowed in a cell: control characters
// (tabs and line breaks are allowed where multiline), line separators,
// direction overrides and undecodable bytes. It mirrors the API's rule for
// strings in JSON input.
func badRune(s string, multiline bool) string {
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return "a control character"
		case r == 0x2028 || r == 0x2029:
			return "a line separator"
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c:
			return "a text direction override"
		case r == 0xfffd:
			return "an undecodable character"
		}
	}
	return ""
}
