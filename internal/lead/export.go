package lead

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

// exportColumns are the lead file's columns, in order.
var exportColumns = []export.Label{
	{ZH: "联系人", EN: "Contact"}, {ZH: "公司", EN: "Company"}, {ZH: "职位", EN: "Title"}, {ZH: "手机", EN: "Mobile"},
	{ZH: "邮箱", EN: "Email"}, {ZH: "微信", EN: "WeChat"}, {ZH: "来源", EN: "Source"}, {ZH: "区域", EN: "Region"},
	{ZH: "行业", EN: "Industry"}, {ZH: "状态", EN: "Status"}, {ZH: "无效原因", EN: "Disqualify reason"},
	{ZH: "负责人", EN: "Owner"}, {ZH: "在公海", EN: "In pool"}, {ZH: "评分", EN: "Score"},
	{ZH: "最近跟进", EN: "Last follow-up"}, {ZH: "下次跟进", EN: "Next follow-up"}, {ZH: "创建时间", EN: "Created"},
	{ZH: "备注", EN: "Notes"},
}

var statusLabels = map[string]export.Label{
	StatusNew: {ZH: "新线索", EN: "New"}, StatusContacted: {ZH: "已联系", EN: "Contacted"},
	StatusQualified: {ZH: "已确认", EN: "Qualified"}, StatusConverted: {ZH: "已转化", EN: "Converted"},
	StatusDisqualified: {ZH: "无效", EN: "Disqualified"},
}

var pooled = [2]export.Label{{}, {ZH: "是", EN: "Yes"}}

func exportRow(l *Lead, p *export.Params, loc *time.Location) []string {
	inPool := pooled[0]
	if l.PoolID != nil {
		inPool = pooled[1]
	}
	return []string{l.ContactName, l.Company, l.Title, l.Phone, l.Email, l.WeChat, l.Source, l.Region, l.Industry,
		statusLabels[l.Status].In(p), l.DisqualifyReason, l.OwnerName, inPool.In(p), strconv.Itoa(l.Score),
		export.Time(l.LastFollowUpAt, loc), export.Time(l.NextFollowUpAt, loc), export.Time(&l.CreatedAt, loc), l.Notes}
}

func registerExport(api huma.API, s *Service) {
	httpx.Register(api, export.Operation("export-leads", "/api/v1/leads/export", "leads", "leads"), httpx.Perm("lead.export"),
		func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			return export.Serve(ctx, s.DB.Write, &in.Params, "lead", &in.FilterParams, exportColumns,
				func(ctx context.Context, cursor string) ([]Lead, string, error) {
					p, err := s.List(ctx, f, export.PageSize, cursor)
					return p.Items, p.NextCursor, err
				},
				func(l *Lead, loc *time.Location) []string { return exportRow(l, &in.Params, loc) })
		})
}
