package webform

import "html/template"

// texts are the public page's words in both languages.
var texts = map[string]map[string]string{
	"zh-CN": {
		"title": "联系我们", "intro": "留下您的联系方式，我们会尽快与您联系。", "name": "姓名", "company": "公司",
		"phone": "手机", "email": "邮箱", "message": "留言", "website": "网站", "submit": "提交",
		"thanks_title": "提交成功", "thanks": "感谢您的留言，我们会尽快与您联系。", "required_mark": "（必填）",
		"err_required": "请填写此项", "err_too_long": "内容过长", "err_invalid": "格式不正确",
		"err_bad_chars": "包含不允许的字符", "err_contact_required": "请填写手机或邮箱",
		"fail_404": "表单不存在或已停用。", "fail_429": "提交过于频繁，请稍后再试。", "fail_413": "提交的内容过长。",
		"fail_415": "不支持的提交方式。", "fail_503": "表单暂时无法提交，请稍后再试。", "fail_other": "提交未成功，请检查后重试。",
		"error_title": "无法提交", "spam": "提交被识别为自动程序，未被接收。如果您不是自动程序，请再次点击提交。",
	},
	"en": {
		"title": "Contact us", "intro": "Leave your details and we will get back to you soon.", "name": "Name",
		"company": "Company", "phone": "Mobile", "email": "Email", "message": "Message", "website": "Website",
		"submit": "Send", "thanks_title": "Thank you", "thanks": "Thanks for your message; we will be in touch soon.",
		"required_mark": " (required)", "err_required": "is required", "err_too_long": "is too long",
		"err_invalid": "is not valid", "err_bad_chars": "contains characters that are not allowed",
		"err_contact_required": "give a mobile number or an email address",
		"fail_404":             "This form does not exist or is switched off.", "fail_429": "Too many submissions; please wait and try again.",
		"fail_413": "The submission is too long.", "fail_415": "This kind of submission is not supported.",
		"fail_503":   "The form cannot take submissions right now; please try again later.",
		"fail_other": "The form was not sent; please check it and try again.", "error_title": "Not sent",
		"spam": "This submission looked automated and was not accepted. If you are a person, please send it again.",
	},
}

// page is the whole public page: inline styles, no scripts, no outside
// assets. The website field is the honeypot, moved off-screen (not
// display:none, which some bots skip) and out of the tab order.
var page = template.Must(template.New("form").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{if .Form}}{{.Form}} · {{end}}{{index .T "title"}}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f5;margin:0;padding:24px;color:#222}
main{max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 4px rgba(0,0,0,.1)}
h1{font-size:20px;margin:0 0 8px}p{color:#555}
label{display:block;margin:14px 0 4px;font-weight:600}
input,textarea{width:100%;box-sizing:border-box;padding:8px;border:1px solid #ccc;border-radius:4px;font:inherit}
textarea{min-height:96px}
.err{color:#c0392b;font-size:13px;margin-top:4px}
.invalid{border-color:#c0392b}
button{margin-top:20px;padding:10px 20px;border:0;border-radius:4px;background:#1677ff;color:#fff;font:inherit;cursor:pointer}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
</style></head><body><main>
{{- if .Failure}}
<h1>{{index .T "error_title"}}</h1><p>{{.Failure}}</p>
{{- else if .Done}}
<h1>{{index .T "thanks_title"}}</h1><p>{{index .T "thanks"}}</p>
{{- else}}
<h1>{{.Form}}</h1><p>{{index .T "intro"}}</p>
{{- with .Notice}}<p class="err" role="alert">{{.}}</p>{{end}}
<form method="post" action="{{.Action}}" accept-charset="utf-8" novalidate>
<label for="name">{{index .T "name"}}{{index .T "required_mark"}}</label>
<input id="name" name="name" maxlength="60" required value="{{.In.Name}}"{{if index .Errors "name"}} class="invalid"{{end}}>
{{with index .Errors "name"}}<div class="err">{{.}}</div>{{end}}
<label for="company">{{index .T "company"}}</label>
<input id="company" name="company" maxlength="100" value="{{.In.Company}}"{{if index .Errors "company"}} class="invalid"{{end}}>
{{with index .Errors "company"}}<div class="err">{{.}}</div>{{end}}
<label for="phone">{{index .T "phone"}}</label>
<input id="phone" name="phone" type="tel" maxlength="30" value="{{.In.Phone}}"{{if index .Errors "phone"}} class="invalid"{{end}}>
{{with index .Errors "phone"}}<div class="err">{{.}}</div>{{end}}
<label for="email">{{index .T "email"}}</label>
<input id="email" name="email" type="email" maxlength="254" value="{{.In.Email}}"{{if index .Errors "email"}} class="invalid"{{end}}>
{{with index .Errors "email"}}<div class="err">{{.}}</div>{{end}}
<label for="message">{{index .T "message"}}</label>
<textarea id="message" name="message" maxlength="2000"{{if index .Errors "message"}} class="invalid"{{end}}>{{.In.Message}}</textarea>
{{with index .Errors "message"}}<div class="err">{{.}}</div>{{end}}
<div class="hp" aria-hidden="true"><label for="website">{{index .T "website"}}</label>
<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></div>
<button type="submit">{{index .T "submit"}}</button>
</form>
{{- end}}
</main></body></html>
`))
