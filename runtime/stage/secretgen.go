package stage

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"

	"appstart/runtime/spec"
)

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// generate draws n random bytes from r and encodes them:
//
//	hex        2n characters           "9f86d081884c7d65..."
//	base64     4*ceil(n/3), padded     "n4bQgYhMfWU="
//	base64url  unpadded, URL-safe      "n4bQgYhMfWU"
//	alnum      n letters and digits    "q3ZpT0vLx8Ab..."
//
// alnum draws a fresh byte for each character and rejects bytes >= 248
// (4*62), so each of the 62 characters is equally likely (no modulo bias).
func generate(r io.Reader, n int, enc spec.Encoding) ([]byte, error) {
	if enc == spec.EncodingAlnum {
		return generateAlnum(r, n)
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("cannot read random bytes: %w", err)
	}
	switch enc {
	case spec.EncodingHex, "":
		return []byte(hex.EncodeToString(raw)), nil
	case spec.EncodingBase64:
		return []byte(base64.StdEncoding.EncodeToString(raw)), nil
	case spec.EncodingBase64URL:
		return []byte(base64.RawURLEncoding.EncodeToString(raw)), nil
	}
	return nil, fmt.Errorf("unknown encoding %q", enc)
}

func generateAlnum(r io.Reader, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/8+8)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("cannot read random bytes: %w", err)
		}
		for _, b := range buf {
			if b >= 4*byte(len(alnum)) {
				continue
			}
			out = append(out, alnum[int(b)%len(alnum)])
			if len(out) == n {
				break
			}
		}
	}
	return out, nil
}

// encodedLen is the length a generated secret of n bytes has, so a shorter
// file can be called truncated.
func encodedLen(n int, enc spec.Encoding) int {
	switch enc {
	case spec.EncodingBase64:
		return base64.StdEncoding.EncodedLen(n)
	case spec.EncodingBase64URL:
		return base64.RawURLEncoding.EncodedLen(n)
	case spec.EncodingAlnum:
		return n
	default:
		return hex.EncodedLen(n)
	}
}
