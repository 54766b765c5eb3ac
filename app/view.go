package app

import (
	"motcua"
)

// DossierView is the stable JSON shape of a dossier for the CLI and for
// support tools: flat procedure fields, RFC 3339 times with +07:00.
type DossierView struct {
	Code          string             `json:"code"`
	StatusCode    int                `json:"status_code"`
	Status        string             `json:"status"`
	ProcedureCode string             `json:"procedure_code"`
	ProcedureName string             `json:"procedure_name"`
	Field         string             `json:"field"`
	Channel       int                `json:"channel"`
	ReceivedAt    string             `json:"received_at"`
	DueAt         string             `json:"due_at,omitempty"`
	ReturnedAt    string             `json:"returned_at,omitempty"`
	Extended      bool               `json:"extended"`
	Fee           int64              `json:"fee"`
	Summary       string             `json:"summary,omitempty"`
	Officer       string             `json:"officer"`
	Station       int                `json:"station"`
	Applicant     motcua.Applicant   `json:"applicant"`
	Components    []motcua.Component `json:"components"`
	History       []HistoryView      `json:"history"`
}

// HistoryView is one history row in the JSON view.
type HistoryView struct {
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	Reason string `json:"reason,omitempty"`
	Note   string `json:"note,omitempty"`
}

// View converts a dossier to its JSON view.
func View(d *motcua.Dossier) DossierView {
	v := DossierView{
		Code: d.Code, StatusCode: int(d.Status), Status: d.Status.Name(),
		ProcedureCode: d.Procedure.Code, ProcedureName: d.Procedure.Name, Field: d.Procedure.Field,
		Channel: int(d.Channel), ReceivedAt: motcua.FormatTime(d.ReceivedAt), DueAt: motcua.FormatTime(d.DueAt),
		ReturnedAt: motcua.FormatTime(d.ReturnedAt), Extended: d.Extended, Fee: d.Fee, Summary: d.Summary,
		Officer: d.Officer, Station: d.Station, Applicant: d.Applicant, Components: d.Components,
		History: []HistoryView{},
	}
	if v.Components == nil {
		v.Components = []motcua.Component{}
	}
	for _, h := range d.History {
		v.History = append(v.History, HistoryView{At: motcua.FormatTime(h.At), Actor: h.Actor, Action: h.Action,
			From: int(h.From), To: int(h.To), Reason: h.Reason, Note: h.Note})
	}
	return v
}
