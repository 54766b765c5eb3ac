package motcua

import (
	"time"
	_ "time/tzdata" // Windows has no zoneinfo database
)

// Location is Asia/Ho_Chi_Minh (UTC+7, no daylight saving), from the
// embedded tz database so it works on Windows too.
var Location = loadLocation()

func loadLocation() *time.Location {
	if l, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return l
	}
	return time.FixedZone("ICT", 7*3600)
}

func vnZone() *time.Location { return Location }
