package app

import (
	"context"

	"motcua"
)

// KeyStationRole is the settings key of what this PC is: a counter station
// (the default) or a field station of a community digital team, which
// prepares pre-dossiers (app/field) but never receives a dossier or issues
// its code. The provisioning profile sets it.
const KeyStationRole = "station.role"

// Station roles.
const (
	StationCounter = "counter"
	StationField   = "field"
)

// ErrFieldStation: a field station may not do what only the counter does.
const ErrFieldStation = "ERR_FIELD_STATION"

// StationRole returns this PC's role: StationCounter unless the setting
// says StationField.
func (s *Service) StationRole(ctx context.Context) (string, error) {
	v, _, err := s.Store.Setting(ctx, KeyStationRole)
	if err != nil {
		return "", err
	}
	if v == StationField {
		return StationField, nil
	}
	return StationCounter, nil
}

// IsField reports whether this PC is a field station.
func (s *Service) IsField(ctx context.Context) (bool, error) {
	r, err := s.StationRole(ctx)
	return r == StationField, err
}

// RequireCounter refuses on a field station with ErrFieldStation.
func (s *Service) RequireCounter(ctx context.Context) error {
	field, err := s.IsField(ctx)
	if err != nil {
		return err
	}
	if field {
		return motcua.Errorf(motcua.KindInvalid, ErrFieldStation, "station.role",
			"Máy này là máy của tổ công nghệ số (máy hiện trường): chỉ chuẩn bị hồ sơ, không tiếp nhận hồ sơ và không cấp mã hồ sơ; người dân mang phiếu hẹn đến Bộ phận Một cửa",
			"this is a community digital team's field station: it prepares dossiers but never receives one or issues a dossier code; the villager takes the slip to the counter")
	}
	return nil
}

// SetStationRole makes this PC a counter or a field station: an
// administrator's setting (PermStation), audited. A PC that already holds
// dossiers cannot become a field station (a field laptop holds no
// dossier of the counter). Errors: ErrForbidden; KindInvalid ErrBadValue
// (field role); KindConflict ErrFieldStation.
func (s *Service) SetStationRole(ctx context.Context, by Actor, role string) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	if role != StationCounter && role != StationField {
		return motcua.Invalid(motcua.ErrBadValue, "role", "Loại máy «%s» không hợp lệ: counter (quầy) hoặc field (tổ công nghệ số)",
			"station role %q is invalid: counter or field", role)
	}
	if role == StationField {
		n, err := s.Store.Count(ctx, ListFilter{})
		if err != nil {
			return err
		}
		if n > 0 {
			return motcua.Errorf(motcua.KindConflict, ErrFieldStation, "role",
				"Máy này đã có %d hồ sơ của Bộ phận Một cửa: không chuyển thành máy hiện trường (máy hiện trường không giữ dữ liệu của quầy)",
				"this PC holds %d counter dossiers: it cannot become a field station (a field station holds no counter data)", n)
		}
	}
	return s.Store.SetSetting(ctx, KeyStationRole, role,
		AuditEntry{At: s.now(), Actor: by.Username, Action: "station.role", Subject: role})
}
