package customer

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rudder-crm/rudder/internal/export"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
)

type exportInput struct {
	FilterParams
	export.Params
}

// exportColumns are the customer file's columns, in order.
var exportColumns = []export.Label{
	{ZH: "客户名称", EN: "Name"}, {ZH: "电话", EN: "Phone"}, {ZH: "邮箱", EN: "Email"}, {ZH: "网站", EN: "Website"},
	{ZH: "行业", EN: "Industry"}, {ZH: "规模", EN: "Size"}, {ZH: "区域", EN: "Region"}, {ZH: "地址", EN: "Address"},
	{ZH: "来源", EN: "Source"}, {ZH: "等级", EN: "Grade"}, {ZH: "评分", EN: "Score"}, {ZH: "重点客户", EN: "Key customer"},
	{ZH: "年收入", EN: "Annual revenue"}, {ZH: "币种", EN: "Currency"}, {ZH: "负责人", EN: "Owner"},
	{ZH: "最近跟进", EN: "Last follow-up"}, {ZH: "创建时间", EN: "Created"},
}

var sizeLabels = map[string]export.Label{
	"micro": {ZH: "微型（20人以下）", EN: "Micro (<20)"}, "small": {ZH: "小型（20–99人）", EN: "Small (20–99)"},
	"medium": {ZH: "中型（100–499人）", EN: "Medium (100–499)"}, "large": {ZH: "大型（500–999人）", EN: "Large (500–999)"},
	"enterprise": {ZH: "超大型（1000人以上）", EN: "Enterprise (1000+)"},
}

var yesNo = [2]export.Label{{ZH: "否", EN: "No"}, {ZH: "是", EN: "Yes"}}

func exportRow(c *Customer, p *export.Params, loc *time.Location) []string {
	grade, key := "", yesNo[0]
	if c.Grade != nil {
		grade = *c.Grade
	}
	if c.KeyCustomer {
		key = yesNo[1]
	}
	revenue := ""
	if c.AnnualRevenue > 0 {
		revenue = export.Amount(c.AnnualRevenue)
	}
	return []string{c.Name, c.Phone, c.Email, c.Website, c.Industry, sizeLabels[c.Size].In(p), c.Region, c.Address,
		c.Source, grade, strconv.Itoa(c.Score), key.In(p), revenue, c.RevenueCurrency, c.OwnerName,
		export.Time(c.LastActivityAt, loc), export.Time(&c.CreatedAt, loc)}
}

// exportPage is how many customers one read takes while a file is written.
const exportPage = 1000

func registerExport(api huma.API, s *Service) {
	httpx.Register(api, huma.Operation{OperationID: "export-customers", Method: http.MethodGet, Path: "/api/v1/customers/export",
		Tags: []string{"customers"}, Summary: "Download the customer list as an Excel workbook or CSV",
		Description: "The customers the list would show with the same filters and sort, all of them, in your data scope. " +
			"Cells starting with =, +, - or @ are prefixed with ' so spreadsheets do not run them as formulas. " +
			"Each export is recorded in the audit trail (object type export).",
		Responses: map[string]*huma.Response{"200": {Description: "The file", Content: map[string]*huma.MediaType{
			export.ContentType(export.XLSX): {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			export.ContentType(export.CSV):  {Schema: &huma.Schema{Type: "string"}}}}}},
		httpx.Perm("customer.export"),
		func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
			loc, err := in.Location()
			if err != nil {
				return nil, err
			}
			f := in.filter()
			page := func(ctx context.Context, cursor string) ([][]string, string, error) {
				p, err := s.List(ctx, f, exportPage, cursor)
				rows := make([][]string, len(p.Items))
				for i := range p.Items {
					rows[i] = exportRow(&p.Items[i], &in.Params, loc)
				}
				return rows, p.NextCursor, err
			}
			name := "customers-" + time.Now().In(loc).Format("20060102-1504")
			return export.Download(ctx, in.Format, name, export.Header(&in.Params, exportColumns), page,
				func(ctx context.Context, rows int, failure error) {
					if err := export.Audit(ctx, s.DB.Write, "customer", in.Format, export.Filters(&in.FilterParams), rows, failure); err != nil {
						slog.ErrorContext(ctx, "customer export audit", "err", err)
					}
				})
		})
}
