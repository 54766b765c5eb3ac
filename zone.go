package motcua

import "time"

func vnZone() *time.Location { return Location }
