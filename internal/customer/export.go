package customer

import (
	"context"
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

func registerExport(api huma.API, s *Service) {
	httpx.Register(api, export.Operation("export-customers", "/api/v1/customers/export", "customers", "customers"), httpx.Perm("customer.export"),
		func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
			f := in.filter()
			return export.Serve(ctx, s.DB.Write, &in.Params, "customer", &in.FilterParams, exportColumns,
				func(ctx context.Context, cursor string) ([]Customer, string, error) {
					p, err := s.List(ctx, f, export.PageSize, cursor)
					return p.Items, p.NextCursor, err
				},
				func(c *Customer, loc *time.Location) []string { return exportRow(c, &in.Params, loc) })
		})
}
