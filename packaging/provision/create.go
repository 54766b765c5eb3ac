package provision

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/app/accounts"
	"motcua/scanning/qrsign"
)

// Commune is one row of the province's CSV of communes.
type Commune struct {
	Line       int // 1-based line in the CSV, for messages
	AgencyID   string
	AgencyName string
	Stations   int
	// FieldStations is how many of them, the last ones, are the field
	// stations of the commune's community digital teams (role "field").
	FieldStations int
	Machines      []string // computer name of station 1, 2, …; empty: any machine
	ProvinceURL   string   // overrides the default URL when set
	Username      string
	Password      string
	// The PC's first administrator (optional): a username, a full name,
	// and either the argon2id hash of a password the province chose (the
	// same for every station of the commune) or nothing, in which case
	// Create draws a one-time set-up code per station.
	AdminUsername, AdminName, AdminHash string
}

// columns maps the accepted header names (English or Vietnamese without
// diacritics, any case) to the field they fill.
var columns = map[string]string{
	"agency_id": "agency_id", "ma_dinh_danh": "agency_id",
	"agency_name": "agency_name", "ten_co_quan": "agency_name",
	"stations": "stations", "so_may": "stations",
	"field_stations": "field_stations", "may_hien_truong": "field_stations",
	"machines": "machines", "ten_may": "machines",
	"province_url": "province_url", "dia_chi_tinh": "province_url",
	"username": "username", "tai_khoan": "username",
	"password": "password", "mat_khau": "password",
	"admin_username": "admin_username", "quan_tri": "admin_username",
	"admin_name": "admin_name", "ten_quan_tri": "admin_name",
	"admin_password_hash": "admin_password_hash", "bam_mat_khau_quan_tri": "admin_password_hash",
}

// allColumns names the columns in messages.
const allColumns = "agency_id, agency_name, stations, field_stations, machines, province_url, username, password, admin_username, admin_name, admin_password_hash"

func csvErr(line int, col, vi, en string, args ...any) error {
	return motcua.Invalid(motcua.ErrBadValue, fmt.Sprintf("csv:%d:%s", line, col),
		fmt.Sprintf("dòng %d, cột %s: ", line, col)+vi, fmt.Sprintf("line %d, column %s: ", line, col)+en, args...)
}

// csvWrap puts a coded error's sentences on a line and column of the CSV.
func csvWrap(line int, col string, err error) error {
	e, ok := motcua.AsError(err)
	if !ok {
		return err
	}
	esc := func(s string) string { return strings.ReplaceAll(s, "%", "%%") }
	return csvErr(line, col, esc(e.Msg), esc(e.MsgEN))
}

// ReadCommunes reads the CSV of communes: a header line naming the columns
// (agency_id, agency_name, stations required; machines, province_url,
// username, password, admin_username, admin_name, admin_password_hash
// optional), then one commune per line. Excel's habits
// are accepted: a UTF-8 BOM, and ";" as the separator. machines lists the
// computer names of stations 1…N separated by spaces or "|".
func ReadCommunes(r io.Reader) ([]Commune, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	first, _ := br.Peek(4096)
	header, _, _ := strings.Cut(string(first), "\n")
	cr := csv.NewReader(br)
	if strings.Count(header, ";") > strings.Count(header, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, motcua.Invalid(motcua.ErrBadValue, "csv", "Tệp CSV các xã không đọc được: %v", "cannot read the communes CSV: %v", err)
	}
	if len(rows) < 2 {
		return nil, motcua.Invalid(motcua.ErrRequired, "csv", "Tệp CSV các xã không có dòng nào sau dòng tiêu đề", "the communes CSV has no line after its header")
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		name, ok := columns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			return nil, csvErr(1, strings.TrimSpace(h), "tên cột không biết (dùng: "+allColumns+")", "unknown column (use: "+allColumns+")")
		}
		idx[name] = i
	}
	for _, need := range []string{"agency_id", "agency_name", "stations"} {
		if _, ok := idx[need]; !ok {
			return nil, csvErr(1, need, "thiếu cột bắt buộc", "required column missing")
		}
	}
	seen, seenMachine := map[string]int{}, map[string]int{}
	var out []Commune
	for i, row := range rows[1:] {
		line := i + 2
		get := func(col string) string {
			if j, ok := idx[col]; ok && j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		if strings.Join(row, "") == "" {
			continue
		}
		c := Commune{Line: line, AgencyID: get("agency_id"), AgencyName: motcua.Clean(get("agency_name")),
			ProvinceURL: get("province_url"), Username: get("username"), Password: get("password")}
		if err := motcua.ValidateAgencyID(c.AgencyID); err != nil {
			return nil, csvErr(line, "agency_id", "%s", "%s", motcua.ErrorMessage(err))
		}
		if prev, dup := seen[c.AgencyID]; dup {
			return nil, csvErr(line, "agency_id", "mã %s đã có ở dòng %d", "%s already on line %d", c.AgencyID, prev)
		}
		seen[c.AgencyID] = line
		if c.AgencyName == "" {
			return nil, csvErr(line, "agency_name", "thiếu tên cơ quan", "agency name missing")
		}
		n, err := strconv.Atoi(get("stations"))
		if err != nil || n < 1 || n > 99 {
			return nil, csvErr(line, "stations", "số máy «%s» phải là số từ 1 đến 99", "station count %q must be 1 to 99", get("stations"))
		}
		c.Stations = n
		if v := get("field_stations"); v != "" {
			f, err := strconv.Atoi(v)
			if err != nil || f < 0 || f >= n {
				return nil, csvErr(line, "field_stations", "số máy hiện trường «%s» phải từ 0 đến %d (phải còn ít nhất một máy quầy)",
					"field station count %q must be 0 to %d (at least one counter station stays)", v, n-1)
			}
			c.FieldStations = f
		}
		if m := strings.FieldsFunc(get("machines"), func(r rune) bool { return r == ' ' || r == '|' || r == '\t' }); len(m) > 0 {
			if len(m) != n {
				return nil, csvErr(line, "machines", "có %d tên máy cho %d máy", "%d machine names for %d stations", len(m), n)
			}
			for _, name := range m {
				if !machineName.MatchString(name) {
					return nil, csvErr(line, "machines", "tên máy «%s» không hợp lệ: 1–15 chữ cái không dấu, chữ số hoặc «-» (tên máy tính Windows)",
						"machine name %q is invalid: 1–15 ASCII letters, digits or '-' (a Windows computer name)", name)
				}
				key := strings.ToUpper(name)
				if prev, dup := seenMachine[key]; dup {
					return nil, csvErr(line, "machines", "tên máy %s đã có ở dòng %d", "machine %s already on line %d", name, prev)
				}
				seenMachine[key] = line
			}
			c.Machines = m
		}
		if (c.Username == "") != (c.Password == "") {
			return nil, csvErr(line, "password", "tài khoản và mật khẩu phải có cả hai hoặc bỏ trống cả hai",
				"give both username and password, or neither")
		}
		c.AdminUsername, c.AdminName, c.AdminHash = get("admin_username"), motcua.Clean(get("admin_name")), get("admin_password_hash")
		if c.AdminUsername == "" && (c.AdminName != "" || c.AdminHash != "") {
			return nil, csvErr(line, "admin_username", "có họ tên hoặc mã băm quản trị nhưng thiếu tên đăng nhập quản trị",
				"an administrator's name or hash is given without the administrator's username")
		}
		if c.AdminUsername != "" {
			if c.AdminName == "" {
				c.AdminName = "Quản trị " + c.AgencyName
			}
			if err := accounts.CheckAdminName(c.AdminUsername, c.AdminName, "admin"); err != nil {
				col := "admin_name"
				if e, _ := motcua.AsError(err); e != nil && strings.HasSuffix(e.Field, "username") {
					col = "admin_username"
				}
				return nil, csvWrap(line, col, err)
			}
			if c.AdminHash != "" {
				if err := accounts.CheckHash(c.AdminHash, "admin_password_hash"); err != nil {
					return nil, csvWrap(line, "admin_password_hash", err)
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// machineName is a Windows (NetBIOS) computer name, which is what
// %COMPUTERNAME% gives a deployment script.
var machineName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,14}$`)

// Options are what every profile of a batch shares.
type Options struct {
	Key         ed25519.PrivateKey // the province's signing key
	Issuer      string
	IssuedAt    time.Time
	Valid       time.Duration // from IssuedAt
	ProvinceURL string        // default for communes without their own
	CAPEM       string
	Catalog     []byte // catalogue JSON, checked; nil: embedded seed
	Holidays    []byte // holiday table JSON, checked; nil: embedded seed
}

// Issued is one signed profile, ready to write.
type Issued struct {
	// Name is the file name: MACHINE.mcprofile when the CSV names the
	// machine (so that one script serves every PC:
	// setup.exe /S /PROFILE=%COMPUTERNAME%.mcprofile), else AGENCY-mayK.mcprofile.
	Name    string
	Data    []byte
	Profile *Profile
	// AdminCode is the one-time set-up code drawn for this PC's first
	// administrator (empty when the CSV gave a hash or no administrator):
	// a secret, for the sealed letter to the commune, never in a profile.
	AdminCode string
}

// Create signs one profile per station of every commune.
func Create(communes []Commune, o Options) ([]Issued, error) {
	if o.Catalog != nil {
		if _, err := motcua.LoadCatalog(bytes.NewReader(o.Catalog)); err != nil {
			return nil, err
		}
	}
	if o.Holidays != nil {
		if _, err := motcua.LoadHolidayTable(bytes.NewReader(o.Holidays)); err != nil {
			return nil, err
		}
	}
	if o.Valid <= 0 {
		return nil, motcua.Invalid(motcua.ErrBadValue, "valid-days", "Thời hạn hiệu lực phải lớn hơn 0", "the validity must be positive")
	}
	var out []Issued
	for _, c := range communes {
		ring, err := CommuneKeys(o.Key, c.AgencyID, c.Stations)
		if err != nil {
			return nil, err
		}
		for k := 1; k <= c.Stations; k++ {
			p := &Profile{
				Issuer: o.Issuer, IssuedAt: o.IssuedAt.In(motcua.Location).Truncate(time.Second),
				AgencyID: c.AgencyID, AgencyName: c.AgencyName, Station: k, Stations: c.Stations,
				Province:   Province{URL: o.ProvinceURL, Username: c.Username, Password: c.Password, CAPEM: o.CAPEM},
				StationKey: qrsign.EncodePrivateKey(StationKey(o.Key, c.AgencyID, k)),
				Keyring:    ring,
				Catalog:    json.RawMessage(o.Catalog),
				Holidays:   json.RawMessage(o.Holidays),
			}
			p.ExpiresAt = p.IssuedAt.Add(o.Valid)
			if c.ProvinceURL != "" {
				p.Province.URL = c.ProvinceURL
			}
			if c.Machines != nil {
				p.Machine = c.Machines[k-1]
			}
			if k > c.Stations-c.FieldStations {
				p.Role = RoleField
			}
			var code string
			if c.AdminUsername != "" {
				p.Admin = &Admin{Username: c.AdminUsername, FullName: c.AdminName, PasswordHash: c.AdminHash}
				if c.AdminHash == "" {
					if code, err = accounts.NewSetupCode(); err != nil {
						return nil, err
					}
					if p.Admin.PasswordHash, err = accounts.Hash(code, accounts.DefaultParams); err != nil {
						return nil, err
					}
				}
			}
			data, err := Sign(p, o.Key)
			if err != nil {
				return nil, fmt.Errorf("dòng %d (%s, máy %d): %w", c.Line, c.AgencyID, k, err)
			}
			name := fmt.Sprintf("%s-may%d.mcprofile", c.AgencyID, k)
			if p.Machine != "" {
				name = strings.ToUpper(p.Machine) + ".mcprofile"
			}
			out = append(out, Issued{Name: name, Data: data, Profile: p, AdminCode: code})
		}
	}
	return out, nil
}

// Manifest is the province's record of a batch, one line per profile and
// no secret in it: file, agency, station, machine, validity, station key ID.
func Manifest(issued []Issued) []byte {
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF") // Excel opens UTF-8 CSV correctly only with a BOM
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"file", "agency_id", "agency_name", "station", "machine", "serial", "issued_at", "expires_at", "station_key_id"})
	for _, is := range issued {
		p := is.Profile
		priv, _ := qrsign.DecodePrivateKey(p.StationKey)
		_ = w.Write([]string{is.Name, p.AgencyID, p.AgencyName, p.StationID().String(), p.Machine, p.Serial,
			motcua.FormatTime(p.IssuedAt), motcua.FormatTime(p.ExpiresAt), qrsign.KeyID(priv.Public().(ed25519.PublicKey))})
	}
	w.Flush()
	return buf.Bytes()
}

// AdminCodes is the SECRET list of the set-up codes Create drew, one line
// per PC: file, agency, station, machine, administrator, code — to print
// into the sealed letters and then destroy. Nil when no code was drawn.
func AdminCodes(issued []Issued) []byte {
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"file", "agency_id", "agency_name", "station", "machine", "admin_username", "setup_code"})
	n := 0
	for _, is := range issued {
		if is.AdminCode == "" {
			continue
		}
		p := is.Profile
		_ = w.Write([]string{is.Name, p.AgencyID, p.AgencyName, p.StationID().String(), p.Machine, p.Admin.Username, is.AdminCode})
		n++
	}
	w.Flush()
	if n == 0 {
		return nil
	}
	return buf.Bytes()
}
