// Package continuity carries out the counter's continuity plan (Decree
// 137/2024 art. 13 cl. 2 — its exact contents are UNCONFIRMED, so the plan's
// structure is editable data): the incident register, automatic incidents
// from connectivity, reconciliation and incident reports, runbooks with
// their contacts, drills, the paper fallback when the PC is down, backups
// and restore, disk space, and personal-data duties. Use cases only: no
// SQL (storage implements the ports), no Fyne.
//
// # Service API for the window (app/ui)
//
// Build once, next to app.Service:
//
//	cs, err := continuity.New(ctx, appSvc, store)     // store: *storage.Store
//
// Events — subscribe for the banner and to refresh screens; fn runs on the
// goroutine that caused the event, so hop with fyne.Do:
//
//	cancel := cs.Subscribe(func(e continuity.Event) { fyne.Do(func() { … }) })
//	// e.Kind: incident.opened|updated|closed, drill, backup, disk; e.Message
//	// is one Vietnamese sentence; e.Level Info/Warning/Critical; e.Incident set
//	// for incident events.
//
// Banner while an incident is open:
//
//	open, _ := cs.OpenIncidents(ctx)                  // []*Incident, Open() true
//
// Incident register (every call returns coded errors with a Vietnamese
// Msg and the Field to highlight; see ports.go for the codes):
//
//	inc, err := cs.Open(ctx, continuity.OpenRequest{Scenario: continuity.ScenarioPower, By: officer, Note: "…"})
//	cs.Record(ctx, id, continuity.LogEntry{Kind: continuity.LogAction, Actor: officer, Text: "…"})
//	cs.Record(ctx, id, continuity.LogEntry{Kind: continuity.LogNotify, Actor: officer, Contact: "Điện lực", Channel: "điện thoại"})
//	cs.TickStep(ctx, id, stepID, officer, true)       // false withdraws the tick
//	inc, err = cs.Close(ctx, id, continuity.CloseRequest{By: officer, Summary: "…"})
//	// ErrIncidentClosed on a second close; inc.Reconciliation is kept.
//	list, _ := cs.List(ctx, continuity.IncidentFilter{})   // newest first
//	inc.Steps()     // map stepID → StepDone{At, By}: tick boxes of the runbook
//	inc.Notified()  // the people notified, with times
//
// Reconciliation and reports ("in the window" = the Reconciliation struct;
// "as PDF" = the writers):
//
//	rec, _ := cs.Reconcile(ctx, from, to)             // live, any window
//	rep, _ := cs.Report(ctx, id)                      // *IncidentReport
//	rep.WritePDF(w); rep.WriteJSON(w)                 // for the district/province
//	cs.ReconciliationPDF(ctx, w, title, rep.Reconcile)
//
// Runbooks and contacts (runbook per scenario, ordered steps with the role):
//
//	rs := cs.Runbooks(); rb := rs.For(inc.Scenario)   // rb.Steps[i].{ID, Title, Detail, Role, TargetMinutes}
//	rs.RoleName(step.Role)
//	contacts, _ := cs.ContactsFor(ctx, rb)            // whom this runbook says to call
//	all, _ := cs.Contacts(ctx); cs.SetContacts(ctx, edited, officer)
//	err := cs.ValidateContact(&c)                     // one entry: Field role|name|phone|email
//	rs.ScenariosFor(c.Role)                           // the scenarios whose runbook calls this contact
//	cs.ImportRunbooks(ctx, rawJSON, officer)          // a province's file
//	cs.RunbookPDF(ctx, w, scenario); cs.PlanPDF(ctx, w, continuity.PlanExtras{…})
//
// Automatic incidents — wire once the sync engine runs (svc.Sync):
//
//	w := cs.NewWatcher(continuity.WatchConfig{Threshold: 10 * time.Minute})
//	stop := w.Attach(svc.Sync.Subscribe); w.Observe(svc.Sync.Status()); w.Start(ctx)
//	defer func() { w.Stop(); stop() }()
//
// Drills (schedule, run, tick, finish, report):
//
//	d, _ := cs.ScheduleDrill(ctx, continuity.ScenarioNetwork, at, true, officer)
//	due, _ := cs.DueDrills(ctx)                       // remind when due
//	d, err := cs.StartDrill(ctx, continuity.StartRequest{ID: d.ID, By: officer, Outage: outage})
//	cs.TickStep(ctx, d.IncidentID, stepID, officer, true)
//	d, err = cs.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: officer, Outage: outage, Province: check})
//	cs.DrillReportPDF(ctx, w, d.ID)
//	// outage, check := runner.DrillOutage(), runner.ProvinceCheck() (app/syncing):
//	// a pause kept in the database, so every engine on the file honours it;
//	// the status says offline with Simulated set, which the Watcher ignores.
//	// Without them a drill is a tabletop exercise that checks the local queue only.
//
// Paper fallback:
//
//	b, err := cs.ReservePaper(ctx, 20, officer)       // the top of this station's partition
//	cs.PaperReceiptsPDF(ctx, w, b)                    // print: cover sheet + 2 copies per receipt
//	blocks, _ := cs.PaperBlocks(ctx)                  // with Used numbers
//	d, err := cs.BackEnter(ctx, continuity.BackEntry{Code: "…-261124-9999", At: receiptTime, ProcedureCode: …, Applicant: …, By: officer})
//	// ErrPaperUsed, ErrPaperNotOurs, ErrPaperDate, ErrDuplicate: show e.Msg next to e.Field.
//
// Backups, restore, disks (the engine is storage.Backupper; restore and the
// startup check run while the database is closed):
//
//	bs := &continuity.BackupService{Svc: cs, Engine: backupper, Config: backupper.Config, Disk: storage.DiskUsage, DataDir: dir}
//	bs.Start(ctx); defer bs.Stop()                    // daily backup + verify + rotation; disk warnings as events
//	info, rep, err := bs.RunNow(ctx, officer)          // "Sao lưu ngay"
//	rep, err := bs.Verify(ctx, id, full, officer)     // "Kiểm tra lại": rep.OK false + rep.Problems when it fails
//	bs.CheckDisks()                                   // []DiskStatus with Level and Text
//	err := continuity.GuardIntake(storage.DiskUsage, dir) // before Intake: refuse on a critically full disk
//	err = storage.ExplainWriteError(err)               // after a failed Intake: disk full / I/O / paper-reserved number
//	h := storage.CheckDatabase(ctx, dir, dbPath, false) // BEFORE storage.Open: h.OK false → show h.Message, offer restore
//	rep, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: backupper, ID: id}) // rep.Guidance, rep.Lost
//
// Personal data:
//
//	cs.RecordAccess(ctx, officer, code, continuity.AccessView) // when a dossier's detail opens or prints
//	cs.AccessLog(ctx, code, 0)
//	continuity.MaskID / MaskPhone / MaskName / MaskAddress   // for lists
//	cs.ExportPerson(ctx, idNumber, officer)
//	cs.PurgeAttachments(ctx, purger, dryRun, officer)
package continuity
