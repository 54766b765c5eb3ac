package provincetest_test

import (
	"testing"

	"motcua/sync/province/provincetest"
)

func TestFakeContract(t *testing.T) {
	provincetest.Contract(t, func(t *testing.T) provincetest.Harness {
		f := provincetest.NewFake("000.00.06.H56")
		f.Clock = provincetest.Clock()
		return provincetest.Harness{Adapter: f, Agency: f.Agency, Act: f.Act}
	})
}
