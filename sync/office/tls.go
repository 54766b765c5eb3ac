package office

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"motcua"
)

// Credentials are what provisioning gives a station to join its office:
// the office CA certificate, and this station's certificate (signed by the
// office CA) with its private key, all PEM. Only holders of a certificate
// of the office CA can connect to a station's server, and a station talks
// only to servers presenting one.
type Credentials struct {
	CA   []byte `json:"ca"`
	Cert []byte `json:"cert"`
	Key  []byte `json:"key"`
}

// CA is an office certificate authority: the installer keeps it (the key
// never goes to a counter PC) and issues one certificate per station.
type CA struct {
	Cert []byte // PEM
	Key  []byte // PEM (PKCS#8)
}

// stationName is the name in a station's certificate, which a station
// checks when it connects to that peer.
func stationName(k int) string { return fmt.Sprintf("station-%d.motcua.office", k) }

// NewCA creates the certificate authority of the office agency, valid 20
// years from the clock's today.
func NewCA(agency string, clock motcua.Clock) (CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return CA{}, err
	}
	now := motcua.OrSystem(clock).Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Một Cửa office CA " + agency, Organization: []string{agency}},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return CA{}, err
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return CA{}, err
	}
	return CA{Cert: pemBlock("CERTIFICATE", der), Key: pemBlock("PRIVATE KEY", kb)}, nil
}

// Issue creates station k's credentials, valid 20 years from the clock's
// today, for both ends of a connection (server and client).
func (ca CA) Issue(k int, clock motcua.Clock) (Credentials, error) {
	pair, err := tls.X509KeyPair(ca.Cert, ca.Key)
	if err != nil {
		return Credentials{}, fmt.Errorf("office CA: %w", err)
	}
	caCert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return Credentials{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Credentials{}, err
	}
	now := motcua.OrSystem(clock).Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: stationName(k), Organization: caCert.Subject.Organization},
		DNSNames:     []string{stationName(k)},
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.AddDate(20, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, pair.PrivateKey)
	if err != nil {
		return Credentials{}, err
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{CA: ca.Cert, Cert: pemBlock("CERTIFICATE", der), Key: pemBlock("PRIVATE KEY", kb)}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n
}

func pemBlock(typ string, b []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})
}

// tlsConfigs builds the server side (client certificate of the office CA
// required) and the client side (server certificate of the office CA, named
// as the peer) of station connections. Certificates are checked against the
// program's clock.
func (c Credentials) tlsConfigs(clock motcua.Clock) (server *tls.Config, client func(peer int) *tls.Config, err error) {
	if len(c.CA) == 0 || len(c.Cert) == 0 || len(c.Key) == 0 {
		return nil, nil, motcua.Invalid(motcua.ErrRequired, "office.credentials",
			"Trạm chưa có chứng thư của văn phòng (CA, chứng thư và khoá của trạm): hãy áp dụng hồ sơ cấp phát",
			"the station has no office credentials (CA, station certificate and key): apply the provisioning profile")
	}
	pair, err := tls.X509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, nil, motcua.Invalid(motcua.ErrBadValue, "office.credentials",
			"Chứng thư hoặc khoá của trạm không đọc được: %v", "the station certificate or key cannot be read: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.CA) {
		return nil, nil, motcua.Invalid(motcua.ErrBadValue, "office.credentials",
			"Chứng thư CA của văn phòng không đọc được", "the office CA certificate cannot be read")
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, err
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: motcua.OrSystem(clock).Now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return nil, nil, motcua.Invalid(motcua.ErrBadValue, "office.credentials",
			"Chứng thư của trạm không do CA của văn phòng cấp hoặc đã hết hạn: %v",
			"the station certificate is not from the office CA or has expired: %v", err)
	}
	now := motcua.OrSystem(clock).Now
	server = &tls.Config{
		Certificates: []tls.Certificate{pair},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
		Time:         now,
	}
	client = func(peer int) *tls.Config {
		return &tls.Config{
			Certificates: []tls.Certificate{pair},
			RootCAs:      pool,
			ServerName:   stationName(peer),
			MinVersion:   tls.VersionTLS13,
			Time:         now,
		}
	}
	return server, client, nil
}
