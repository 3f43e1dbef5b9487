package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A workbook that unpacks beyond the limit is refused as a bad file before
// anything is read, with a message a person can act on; one under it opens.
func TestXLSXUnzipLimit(t *testing.T) {
	rows := make([][]any, 5000)
	for i := range rows {
		// Long, alike text (each its own shared string): the archive stays
		// small while its XML grows past a mebibyte.
		rows[i] = []any{fmt.Sprintf("联系人%d", i), fmt.Sprintf("%s%d", strings.Repeat("某某科技有限公司", 20), i), "13800138000"}
	}
	book := XLSX(t, rows)
	defer func(v int64) { xlsxUnzipLimit = v }(xlsxUnzipLimit)

	xlsxUnzipLimit = 64 << 20
	r, err := OpenRows(bytes.NewReader(book), "xlsx", "")
	if err != nil {
		t.Fatalf("a %d-byte workbook under the limit: %v", len(book), err)
	}
	_ = r.Close()

	xlsxUnzipLimit = 1 << 20 // the sheet's XML alone is larger than this
	_, err = OpenRows(bytes.NewReader(book), "xlsx", "")
	var bad *BadFileError
	if !errors.As(err, &bad) || !strings.Contains(bad.Msg, "more than 1 MiB") {
		t.Fatalf("a %d-byte workbook over the limit: %v", len(book), err)
	}
}
