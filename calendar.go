package motcua

// The working calendar: office hours, public holidays, substitute days off
// and swapped working days, and the due-date arithmetic built on them
// (thời hạn giải quyết counted in working hours or working days).

import (
	"time"
	_ "time/tzdata" // Windows PCs at the counter often have no zone database.
)

// Location is Vietnam's time zone. Every calendar computation happens in it,
// whatever zone the input time carries.
var Location = loadLocation()

func loadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Unreachable with time/tzdata linked in; Vietnam has kept UTC+7
		// without daylight saving since 1975.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}
