package api_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"mime/multipart"
	"slices"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// attachForm builds a multipart upload with the file (none when name is
// "") and the form fields.
func attachForm(t testing.TB, name string, data []byte, fields map[string]string) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// attach uploads a file onto a record.
func attach(t testing.TB, c *apitest.Client, objType, objID, name string, data []byte) *apitest.Resp {
	body, ct := attachForm(t, name, data, map[string]string{"object_type": objType, "object_id": objID})
	return c.Do("POST", "/api/v1/attachments", body, "Content-Type", ct)
}

func attachmentIDs(t *testing.T, c *apitest.Client, query string) []string {
	t.Helper()
	var page struct{ Items []map[string]any }
	c.Do("GET", "/api/v1/attachments"+query, nil).Want(200).JSON(&page)
	out := []string{}
	for _, a := range page.Items {
		out = append(out, a["id"].(string))
	}
	slices.Sort(out)
	return out
}

// pngBytes is the start of a PNG: enough for the sniffer.
func pngBytes() []byte { return append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...) }

// zipFile builds a zip archive with the given entries.
func zipFile(t testing.TB, names ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAttachmentUploadAndDownload(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep1 := e.Demo("east1.rep1@demo.local")
		cust := newCustomer(t, rep1, map[string]any{"name": "附件测试公司"})
		cid := cust["id"].(string)
		pdf := []byte("%PDF-1.7\n" + strings.Repeat("报价内容 ", 100))
		name := "报价单（最终版） 2026.pdf"
		r := attach(t, rep1, "customer", cid, name, pdf).Want(201)
		a := r.Map()
		sum := sha256.Sum256(pdf)
		if a["content_type"] != "application/pdf" || a["file_name"] != name || a["size"].(float64) != float64(len(pdf)) ||
			a["sha256"] != hex.EncodeToString(sum[:]) || a["object_type"] != "customer" || a["object_id"] != cid ||
			a["created_by_name"] != "李娜" || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("uploaded: %v", a)
		}
		id := a["id"].(string)
		d := rep1.Do("GET", "/api/v1/attachments/"+id+"/content", nil).Want(200)
		_, params, err := mime.ParseMediaType(d.Header.Get("Content-Disposition"))
		if err != nil || !strings.HasPrefix(d.Header.Get("Content-Disposition"), "attachment;") || params["filename"] != name {
			t.Fatalf("disposition %q: %v %v", d.Header.Get("Content-Disposition"), params, err)
		}
		if !strings.Contains(d.Header.Get("Content-Disposition"), "filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95") {
			t.Fatalf("not RFC 5987: %q", d.Header.Get("Content-Disposition"))
		}
		if d.Header.Get("Content-Type") != "application/pdf" || d.Header.Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(d.Body, pdf) {
			t.Fatalf("download: %v %d bytes", d.Header, len(d.Body))
		}
		if got := attachmentIDs(t, rep1, "?object_type=customer&object_id="+cid); !slices.Equal(got, []string{id}) {
			t.Fatalf("list: %v", got)
		}
		// Types come from the bytes: Office documents by their archive and extension, text and CSV.
		docx := attach(t, rep1, "customer", cid, "方案.docx", zipFile(t, "[Content_Types].xml", "word/document.xml")).Want(201).Map()
		if docx["content_type"] != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
			t.Fatalf("docx: %v", docx)
		}
		csv := attach(t, rep1, "customer", cid, "名单.csv", []byte("姓名,电话\n张三,13800001111\n")).Want(201).Map()
		if csv["content_type"] != "text/csv; charset=utf-8" {
			t.Fatalf("csv: %v", csv)
		}
		png := attach(t, rep1, "customer", cid, "图.jpg", pngBytes()).Want(201).Map()
		if png["content_type"] != "image/png" {
			t.Fatalf("png named .jpg: %v", png)
		}
		before := len(attachmentIDs(t, rep1, "?object_type=customer&object_id="+cid))
		for _, bad := range []struct {
			name string
			data []byte
		}{
			{"invoice.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
			{"readme.txt", []byte("\xef\xbb\xbf\n<html><body onload=alert(1)>")},
			{"logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
			{"setup.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...)},
			{"data.zip", zipFile(t, "a.txt")},
			{"fake.docx", zipFile(t, "a.txt")},
			{"sheet.xlsx", zipFile(t, "[Content_Types].xml", "word/document.xml")},
		} {
			p := attach(t, rep1, "customer", cid, bad.name, bad.data).Want(415).Problem()
			if !p.Names("body.file") {
				t.Errorf("%s: %+v", bad.name, p)
			}
		}
		if after := len(attachmentIDs(t, rep1, "?object_type=customer&object_id="+cid)); after != before {
			t.Fatalf("refused uploads stored: %d → %d", before, after)
		}
		// Bad forms name their field.
		body, ct := attachForm(t, "", nil, map[string]string{"object_type": "customer", "object_id": cid})
		if p := rep1.Do("POST", "/api/v1/attachments", body, "Content-Type", ct).Want(422).Problem(); !p.Names("body.file") {
			t.Fatalf("no file: %+v", p)
		}
		if p := attach(t, rep1, "invoice", cid, "a.pdf", pdf).Want(422).Problem(); !p.Names("body.object_type") {
			t.Fatalf("bad type: %+v", p)
		}
		if p := attach(t, rep1, "lead", cid, "a.pdf", pdf).Want(422).Problem(); !p.Names("body.object_id") {
			t.Fatalf("customer id as a lead: %+v", p)
		}
		// Deleting takes If-Match, and audits both ways.
		rep1.Do("DELETE", "/api/v1/attachments/"+id, nil, "If-Match", `"3"`).Want(412)
		rep1.Do("DELETE", "/api/v1/attachments/"+id, nil, "If-Match", `"1"`).Want(204)
		rep1.Do("GET", "/api/v1/attachments/"+id+"/content", nil).Want(404)
		var found struct{ Items []struct{ Action string } }
		e.Demo("admin@demo.local").Do("GET", "/api/v1/audit?object_type=attachment&object_id="+id, nil).Want(200).JSON(&found)
		if len(found.Items) != 2 || found.Items[0].Action != "delete" || found.Items[1].Action != "create" {
			t.Fatalf("audit: %+v", found.Items)
		}
	})
}

func TestAttachmentSizeLimit(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep1 := e.Demo("east1.rep1@demo.local")
		cid := newCustomer(t, rep1, map[string]any{"name": "大文件公司"})["id"].(string)
		big := append([]byte("%PDF-1.7\n"), make([]byte, 20<<20)...) // just over 20 MiB
		p := attach(t, rep1, "customer", cid, "big.pdf", big).Want(413).Problem()
		if !p.Names("body.file") || !strings.Contains(p.Detail, "20 MiB") {
			t.Fatalf("over the limit: %+v", p)
		}
		huge := make([]byte, 22<<20) // refused from its Content-Length, before it is read
		if p := attach(t, rep1, "customer", cid, "huge.pdf", huge).Want(413).Problem(); !strings.Contains(p.Detail, "20 MiB") {
			t.Fatalf("huge: %+v", p)
		}
		exact := append([]byte("%PDF-1.7\n"), make([]byte, 20<<20-9)...)
		if a := attach(t, rep1, "customer", cid, "exact.pdf", exact).Want(201).Map(); a["size"].(float64) != 20<<20 {
			t.Fatalf("at the limit: %v", a)
		}
	})
}

func TestAttachmentScope(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		rep1, rep2 := e.Demo("east1.rep1@demo.local"), e.Demo("east1.rep2@demo.local")
		mgr, fin := e.Demo("east1.manager@demo.local"), e.Demo("finance@demo.local")
		cid := newCustomer(t, rep1, map[string]any{"name": "范围测试公司"})["id"].(string)
		a := attach(t, rep1, "customer", cid, "合同.pdf", []byte("%PDF-1.4 合同")).Want(201).Map()
		path := "/api/v1/attachments/" + a["id"].(string)
		// Another rep: not found, whichever way.
		rep2.Do("GET", path+"/content", nil).Want(404)
		rep2.Do("DELETE", path, nil, "If-Match", `"1"`).Want(404)
		rep2.Do("GET", "/api/v1/attachments?object_type=customer&object_id="+cid, nil).Want(404)
		if got := attachmentIDs(t, rep2, ""); len(got) != 0 {
			t.Fatalf("rep2 sees %v", got)
		}
		if p := attach(t, rep2, "customer", cid, "x.pdf", []byte("%PDF-1.4")).Want(422).Problem(); !p.Names("body.object_id") {
			t.Fatalf("upload to another's customer: %+v", p)
		}
		// Another tenant: not found.
		e.Anon().Do("POST", "/api/v1/signup", map[string]string{"company": "别家公司", "name": "外人",
			"email": "outsider@other.test", "password": "outsider password"}).Want(201)
		outsider := e.Login("outsider@other.test", "outsider password")
		outsider.Do("GET", path+"/content", nil).Want(404)
		outsider.Do("DELETE", path, nil, "If-Match", `"1"`).Want(404)
		if got := attachmentIDs(t, outsider, ""); len(got) != 0 {
			t.Fatalf("outsider sees %v", got)
		}
		// The manager sees the department's files; finance reads customers but may not change them.
		mgr.Do("GET", path+"/content", nil).Want(200)
		if got := attachmentIDs(t, mgr, ""); !slices.Equal(got, []string{a["id"].(string)}) {
			t.Fatalf("manager list: %v", got)
		}
		fin.Do("GET", path+"/content", nil).Want(200)
		fin.Do("DELETE", path, nil, "If-Match", `"1"`).Want(403)
		attach(t, fin, "customer", cid, "y.pdf", []byte("%PDF-1.4")).Want(403)
		fin.Do("GET", "/api/v1/attachments?object_type=lead&object_id="+cid, nil).Want(403)
		e.Demo("east1.rep1@demo.local").Do("GET", path+"/content", nil).Want(200)
		// Reassigning the customer takes its files along: the scope is the parent's, read live.
		users := plUsers(t, e.Demo("admin@demo.local"))
		c := mgr.Do("GET", "/api/v1/customers/"+cid, nil).Want(200)
		mgr.Do("PATCH", "/api/v1/customers/"+cid, map[string]any{"owner_id": users["east1.rep2@demo.local"]}, "If-Match", c.Header.Get("ETag")).Want(200)
		rep2.Do("GET", path+"/content", nil).Want(200)
		rep1.Do("GET", path+"/content", nil).Want(404)
	})
}
