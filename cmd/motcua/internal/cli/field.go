package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app"
	"motcua/app/field"
	"motcua/app/forms"
	"motcua/storage"
)

// fieldService opens field mode on the data directory: the pre-dossier
// store (sealed with field.key) and the station key that signs slips.
func (c *cli) fieldService(ctx context.Context, svc *app.Service) (*field.Service, error) {
	station := ""
	if id, err := svc.Identity(ctx); err == nil {
		station = id.Station.String()
	}
	keys, err := app.LoadKeys(ctx, c.data, c.store, station, "system")
	if err != nil {
		return nil, err
	}
	fst, err := storage.OpenField(c.store, c.data)
	if err != nil {
		return nil, err
	}
	c.wireScans(svc, keys)
	return &field.Service{App: svc, Store: fst, SlipKey: keys.Priv}, nil
}

// fieldCmd: motcua field role|prepare|list|slip|export|counter-key|import|
// revoke|purge-days|purge — field mode for community digital teams.
func (c *cli) fieldCmd() *cobra.Command {
	fs := pflag.NewFlagSet("field", pflag.ContinueOnError)
	proc := fs.String("procedure", "", "mã thủ tục trong danh mục / procedure code from the catalogue")
	cccdLine := fs.String("cccd", "", "dòng đọc từ mã QR của thẻ CCCD / the line read from the CCCD card's QR code")
	name := fs.String("name", "", "họ tên người dân (khi không quét thẻ) / villager's full name (when no card is scanned)")
	idNum := fs.String("id-number", "", "số CCCD (khi không quét thẻ) / ID number (when no card is scanned)")
	dob := fs.String("dob", "", "ngày sinh, "+dateHelp+" / date of birth")
	gender := fs.String("gender", "", "giới tính (Nam, Nữ) / gender")
	phone := fs.String("phone", "", "số điện thoại / phone number")
	address := fs.String("address", "", "địa chỉ / address")
	tick := fs.String("tick", "", "các thành phần người dân có, ví dụ 1,2,3 (mặc định: tất cả) / checklist items the villager has, e.g. 1,2,3 (default: all)")
	docs := fs.StringArray("doc", nil, "tài liệu N:ĐƯỜNG_DẪN (ảnh/bản quét cho thành phần N; lặp lại) / document N:PATH (photo or scan for item N; repeat)")
	notes := fs.String("notes", "", "ghi chú của tổ / the team's notes")
	consent := fs.String("consent", "", "người dân đồng ý xử lý dữ liệu: paper (ký phiếu) hoặc recorded (ghi lại) / consent: paper (signed form) or recorded")
	consentNote := fs.String("consent-note", "", "nơi lưu phiếu đồng ý hoặc bản ghi / where the signed form or recording is kept")
	all := fs.Bool("all", false, "xuất cả hồ sơ đã bàn giao trước đây / include pre-dossiers handed over before")
	station := fs.String("station", "", "máy hiện trường K/N / the field station K/N")
	key := fs.String("key", "", "khóa ký gói của máy (64 chữ số hex) / the station's bundle signing key (64 hex digits)")
	reason := fs.String("reason", "", "lý do / reason")
	asJSON := fs.Bool("json", false, jsonUsage)
	output := fs.StringP("output", "o", "", "ghi phiếu hẹn in được (PDF, A5) vào tệp này / write the printable slip (PDF, A5) to this file")

	run := func(sub string, pos []string) error {
		ctx := context.Background()
		svc, err := c.open()
		if err != nil {
			return err
		}
		// The team member or officer signed in with «motcua signin».
		by, err := c.actor()
		if err != nil {
			return err
		}
		if sub == "role" {
			if len(pos) != 1 {
				return usageErr("field role", "Cần đúng một loại máy: counter hoặc field", "give exactly one role: counter or field")
			}
			if err := svc.SetStationRole(ctx, by, pos[0]); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Loại máy: %s\n", pos[0])
			return nil
		}
		f, err := c.fieldService(ctx, svc)
		if err != nil {
			return err
		}
		one := func(what string) (string, error) {
			if len(pos) != 1 {
				return "", usageErr("field "+sub, "Lệnh «field %s» cần đúng một %s", "'field %s' takes exactly one %s", sub, what)
			}
			return pos[0], nil
		}
		switch sub {
		case "prepare":
			req := field.PrepareRequest{By: by, CCCD: *cccdLine, ProcedureCode: *proc, Notes: *notes,
				Applicant: motcua.Applicant{Name: *name, IDNumber: *idNum, Gender: *gender, Phone: *phone, Address: *address},
				Consent:   field.Consent{Method: *consent, Note: *consentNote}}
			if req.DOBText, err = dobText(*dob); err != nil {
				return err
			}
			if *tick != "" {
				req.Ticked = []int{}
				for _, s := range strings.Split(*tick, ",") {
					n, err := strconv.Atoi(strings.TrimSpace(s))
					if err != nil {
						return usageErr("tick", "«%s» không phải số thứ tự thành phần", "%q is not a checklist number", s)
					}
					req.Ticked = append(req.Ticked, n-1)
				}
			}
			for _, d := range *docs {
				n, path, ok := strings.Cut(d, ":")
				k, err := strconv.Atoi(n)
				if !ok || err != nil {
					return usageErr("doc", "«%s»: cần dạng N:ĐƯỜNG_DẪN, ví dụ 1:to-khai.jpg", "%q: use N:PATH, e.g. 1:form.jpg", d)
				}
				req.Documents = append(req.Documents, field.DocumentInput{ComponentIndex: k - 1, Path: path})
			}
			p, err := f.Prepare(ctx, req)
			if err != nil {
				return err
			}
			if *asJSON {
				return c.printJSON(p)
			}
			fmt.Fprintf(c.out, "%s\thạn %s\n%s\n", p.Ref, motcua.FormatTime(p.ExpiresAt), p.SlipQR)
		case "list":
			recs, err := f.List(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				return c.printJSON(recs)
			}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "MÃ THAM CHIẾU\tLẬP LÚC\tSỐ NGÀY\tNGƯỜI DÂN\tTHỦ TỤC\tTÀI LIỆU\tTÌNH TRẠNG")
			for _, r := range recs {
				state := "chưa bàn giao"
				switch {
				case r.AcceptedCode != "":
					state = "đã tiếp nhận " + r.AcceptedCode
				case r.Origin == field.OriginImported:
					state = "chờ người dân đến"
				case !r.ExportedAt.IsZero():
					state = "đã bàn giao " + motcua.FormatTime(r.ExportedAt)
				}
				age := int(c.now().Sub(r.CreatedAt).Hours() / 24)
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%d\t%s\n", r.Ref, motcua.FormatTime(r.CreatedAt), age, r.Applicant.Name,
					r.Procedure.Code, len(r.Documents), state)
			}
			return tw.Flush()
		case "slip":
			ref, err := one("mã tham chiếu")
			if err != nil {
				return err
			}
			p, err := f.Slip(ctx, strings.ToUpper(ref))
			if err != nil {
				return err
			}
			if *output == "" {
				fmt.Fprintln(c.out, p.SlipQR)
				return nil
			}
			id, err := svc.Identity(ctx)
			if err != nil {
				return err
			}
			in := forms.SlipInput{AgencyName: id.AgencyName, Ref: p.Ref, Applicant: p.Applicant.Name, Procedure: p.Procedure.Name,
				Team: p.CreatedBy, Prepared: p.CreatedAt, Expires: p.ExpiresAt, QRText: p.SlipQR}
			for _, comp := range p.Components {
				in.Bring = append(in.Bring, comp.Name)
			}
			out, err := os.Create(*output)
			if err != nil {
				return motcua.Invalid(motcua.ErrBadValue, "output", "Không ghi được «%s»: %v", "cannot write %q: %v", *output, err)
			}
			err = forms.RenderSlip(out, in)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Đã ghi phiếu hẹn %s\n", *output)
		case "export":
			path, err := one("tệp gói")
			if err != nil {
				return err
			}
			r, err := f.Export(ctx, by, path, *all)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Đã ghi %s: %d hồ sơ chuẩn bị, %d tài liệu\n", r.Path, len(r.Refs), r.Documents)
		case "counter-key":
			k, err := one("khóa")
			if err != nil {
				return err
			}
			if err := f.SetCounterKey(ctx, by, k); err != nil {
				return err
			}
			fmt.Fprintln(c.out, "Đã ghi khóa nhận gói của máy quầy")
		case "import":
			path, err := one("tệp gói")
			if err != nil {
				return err
			}
			r, err := f.Import(ctx, by, path)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Đã nhập gói %s của máy %s: %d hồ sơ chuẩn bị mới, %d đã có\n", r.BundleID, r.Station, r.Added, len(r.Known))
		case "revoke":
			if err := f.Revoke(ctx, by, *station, *key, *reason); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Đã thu hồi máy hiện trường %s: gói của máy này bị từ chối từ nay\n", *station)
		case "purge-days":
			v, err := one("số ngày")
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return usageErr("purge-days", "«%s» không phải số ngày", "%q is not a number of days", v)
			}
			if err := f.SetPurgeDays(ctx, by, n); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Hồ sơ chuẩn bị được giữ %d ngày\n", n)
		case "purge":
			refs, err := f.Purge(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Đã xóa %d hồ sơ chuẩn bị quá hạn\n", len(refs))
		}
		return nil
	}
	return group("field", "Chế độ hiện trường của tổ công nghệ số / field mode for community digital teams", "", fs, run,
		subSpec{"role (counter | field)", "Loại máy: quầy hoặc máy hiện trường / this PC's role: counter or field station",
			"  motcua field role field", ""},
		subSpec{"prepare --procedure CODE (--cccd LINE | --name NAME --id-number NUM) --consent paper|recorded",
			"Chuẩn bị hồ sơ cùng người dân, in mã tham chiếu và mã QR phiếu hẹn / prepare a dossier with a villager, print its reference and slip QR",
			`  motcua field prepare --procedure 1.001193 --cccd "$(cat cccd.txt)" --tick 1,2,3 --doc 1:to-khai.jpg --consent paper`,
			"procedure cccd name id-number dob gender phone address tick doc notes consent consent-note json"},
		subSpec{"list", "Các hồ sơ chuẩn bị và tuổi của chúng / the pre-dossiers and their age", "  motcua field list", "json"},
		subSpec{"slip REF [-o FILE.pdf]", "Mã QR phiếu hẹn, hoặc phiếu hẹn in được / a slip's QR text, or the printable slip",
			"  motcua field slip 000.00.06.H56-CB-7K3QF9XM -o phieu-hen.pdf", "output"},
		subSpec{"export FILE", "Ghi gói bàn giao cho máy quầy xã / write the hand-over bundle for the commune counter",
			"  motcua field export E:/ban-giao.mcb", "all"},
		subSpec{"counter-key HEX", "Khóa nhận gói của máy quầy / the counter's bundle box key",
			"  motcua field counter-key 3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29", ""},
		subSpec{"import FILE", "Nhập gói của tổ công nghệ số tại quầy / import a team's bundle at the counter",
			"  motcua field import E:/ban-giao.mcb", ""},
		subSpec{"revoke --station K/N [--key HEX] --reason TEXT", "Thu hồi máy hiện trường bị mất / revoke a lost field station",
			`  motcua field revoke --station 3/3 --reason "Mất máy ngày 22/11"`, "station key reason"},
		subSpec{"purge-days N", "Số ngày giữ hồ sơ chuẩn bị / how many days pre-dossiers are kept", "  motcua field purge-days 30", ""},
		subSpec{"purge", "Xóa hồ sơ chuẩn bị quá hạn (ghi nhật ký) / purge expired pre-dossiers (audited)", "  motcua field purge", ""},
	)
}
