// Package export writes lists out as files a person opens in a spreadsheet:
// CSV (UTF-8 with a BOM, which Excel needs to read Chinese) or XLSX (a
// streamed sheet, so a large export holds one row in memory at a time).
// Every text cell a spreadsheet would run as a formula is neutralised: what
// a lead or a form visitor typed can never run in the reader's Excel.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// Formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// Formats is the enum of the format query parameter.
const Formats = "csv,xlsx"

// Neutralise prefixes a cell a spreadsheet would take for a formula with ':
// one starting with =, +, -, @ (or a tab or carriage return, which some
// spreadsheets skip before looking).
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ContentType is the media type of a format's files.
func ContentType(format string) string {
	if format == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Writer takes a header and then rows of text cells, neutralising each.
type Writer interface {
	Row(cells []string) error
	// Close writes what is buffered (an XLSX file is complete only then).
	Close() error
}

// New starts a file of the format on w.
func New(w io.Writer, format string) (Writer, error) {
	switch format {
	case CSV:
		bw := bufio.NewWriterSize(w, 32<<10)
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
		return &csvWriter{buf: bw, csv: csv.NewWriter(bw)}, nil
	case XLSX:
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		return &xlsxWriter{out: w, f: f, sw: sw}, nil
	}
	return nil, fmt.Errorf("export: unknown format %q", format)
}

type csvWriter struct {
	buf  *bufio.Writer
	csv  *csv.Writer
	cell []string
}

func (c *csvWriter) Row(cells []string) error {
	c.cell = c.cell[:0]
	for _, s := range cells {
		c.cell = append(c.cell, Neutralise(s))
	}
	return c.csv.Write(c.cell)
}

func (c *csvWriter) Close() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

type xlsxWriter struct {
	out io.Writer
	f   *excelize.File
	sw  *excelize.StreamWriter
	n   int
}

func (x *xlsxWriter) Row(cells []string) error {
	x.n++
	row := make([]any, len(cells))
	for i, s := range cells {
		// Written as text cells (never as formulas); neutralised too, since
		// a reader may save the sheet as CSV and open that.
		row[i] = Neutralise(s)
	}
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, row)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.out)
	return err
}

// Page reads one page of a list as rows of cells, and the cursor of the
// next page ("" after the last).
type Page func(ctx context.Context, cursor string) (rows [][]string, next string, err error)

// Download answers a list as a file named name.<format>. The first page is
// read before anything is sent, so a bad filter or cursor is still a clear
// 4xx; then the rows stream out page by page (constant memory at any size).
// done is called once the file is written or the writing failed, with the
// rows written, for the audit trail.
func Download(ctx context.Context, format, name string, header []string, page Page,
	done func(ctx context.Context, rows int, err error)) (*huma.StreamResponse, error) {
	rows, next, err := page(ctx, "")
	if err != nil {
		return nil, err
	}
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		hctx.SetHeader("Content-Type", ContentType(format))
		hctx.SetHeader("Content-Disposition", "attachment; filename=\""+name+"."+format+"\"")
		hctx.SetHeader("Cache-Control", "no-store")
		hctx.SetStatus(http.StatusOK)
		n, err := write(ctx, hctx.BodyWriter(), format, header, rows, next, page)
		done(context.WithoutCancel(ctx), n, err)
	}}, nil
}

func write(ctx context.Context, out io.Writer, format string, header []string, rows [][]string, next string, page Page) (int, error) {
	w, err := New(out, format)
	if err != nil {
		return 0, err
	}
	n := 0
	err = w.Row(header)
	for err == nil {
		for _, r := range rows {
			if err = w.Row(r); err != nil {
				break
			}
			n++
		}
		if err != nil || next == "" {
			break
		}
		rows, next, err = page(ctx, next)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// Params are the query parameters of every export.
type Params struct {
	Format string `query:"format" enum:"csv,xlsx" default:"xlsx" doc:"xlsx (an Excel workbook) or csv (UTF-8 with a BOM)."`
	Lang   string `query:"lang" enum:"zh-CN,en-US" default:"zh-CN" doc:"Language of the column headings and of the values that are codes (status, grade)."`
	TZ     string `query:"tz" maxLength:"64" default:"Asia/Shanghai" doc:"IANA time zone the times are written in."`
}

// Location is the time zone the times are written in.
func (p *Params) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(p.TZ)
	if err != nil || p.TZ == "" {
		return nil, apperr.Invalid("query.tz", "is not a known IANA time zone (such as Asia/Shanghai)")
	}
	return loc, nil
}

// English reports whether the file is in English.
func (p *Params) English() bool { return p.Lang == "en-US" }

// Label is a heading or a code's name in both languages.
type Label struct{ ZH, EN string }

// In is the label in the file's language.
func (l Label) In(p *Params) string {
	if p.English() {
		return l.EN
	}
	return l.ZH
}

// Header is the headings in the file's language.
func Header(p *Params, labels []Label) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = l.In(p)
	}
	return out
}

// Time writes a time in loc to the minute; "" for none.
func Time(t *time.Time, loc *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// Amount writes minor units as a decimal with two places (分 → 元), exactly.
func Amount(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// Audit records an export in the audit trail (who took which list out,
// filtered how, how many rows): an export is a copy of customer data
// leaving the system, so the admin's audit search must show it.
func Audit(ctx context.Context, w bun.IDB, resource, format string, filters any, rows int, failure error) error {
	changes := []audit.Change{{Field: "resource", New: resource}, {Field: "format", New: format},
		{Field: "filters", New: filters}, {Field: "rows", New: rows}}
	if failure != nil {
		changes = append(changes, audit.Change{Field: "error", New: failure.Error()})
	}
	return audit.Record(ctx, w, audit.Create, "export", ids.New(), changes)
}

// Filters lists a query struct's parameters that were set (not zero, not
// their default) by their query names: what an export was filtered by.
func Filters(v any) map[string]any {
	out := map[string]any{}
	filters(reflect.ValueOf(v), out)
	return out
}

func filters(v reflect.Value, out map[string]any) {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	for i := 0; i < v.NumField(); i++ {
		f, fv := v.Type().Field(i), v.Field(i)
		if f.Anonymous {
			filters(fv, out)
			continue
		}
		name := f.Tag.Get("query")
		if name == "" || !f.IsExported() || fv.IsZero() || fmt.Sprint(fv.Interface()) == f.Tag.Get("default") {
			continue
		}
		out[name] = fv.Interface()
	}
}

// PageSize is how many records one read takes while a file is written.
const PageSize = 1000

// Operation is the OpenAPI operation of a list's export: GET path answers
// the records of the list (named plural, e.g. "leads") as a file.
func Operation(id, path, tag, plural string) huma.Operation {
	return huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Tags: []string{tag},
		Summary: "Download the " + plural + " list as an Excel workbook or CSV",
		Description: "The " + plural + " the list would show with the same filters and sort, all of them, in your data scope. " +
			"Cells starting with =, +, - or @ are prefixed with ' so spreadsheets do not run them as formulas. " +
			"Each export is recorded in the audit trail (object type export).",
		Responses: map[string]*huma.Response{"200": {Description: "The file", Content: map[string]*huma.MediaType{
			ContentType(XLSX): {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			ContentType(CSV):  {Schema: &huma.Schema{Type: "string"}}}}}}
}

// Serve answers an export of a list: list reads it page by page (as the
// list's own keyset pages, so scope and filters are the list's), row
// writes a record's cells, filters is the query struct recorded in the
// audit trail with the row count once the file is written.
func Serve[T any](ctx context.Context, w bun.IDB, p *Params, resource string, filters any, columns []Label,
	list func(ctx context.Context, cursor string) ([]T, string, error), row func(*T, *time.Location) []string) (*huma.StreamResponse, error) {
	loc, err := p.Location()
	if err != nil {
		return nil, err
	}
	page := func(ctx context.Context, cursor string) ([][]string, string, error) {
		items, next, err := list(ctx, cursor)
		rows := make([][]string, len(items))
		for i := range items {
			rows[i] = row(&items[i], loc)
		}
		return rows, next, err
	}
	name := resource + "s-" + time.Now().In(loc).Format("20060102-1504")
	recorded := Filters(filters)
	return Download(ctx, p.Format, name, Header(p, columns), page, func(ctx context.Context, rows int, failure error) {
		if err := Audit(ctx, w, resource, p.Format, recorded, rows, failure); err != nil {
			slog.ErrorContext(ctx, "export audit", "resource", resource, "err", err)
		}
	})
}
