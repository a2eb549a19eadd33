package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testJPEG encodes a w×h gradient as JPEG.
func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIF inserts an APP1 Exif segment holding marker after the JPEG's SOI.
func withEXIF(data []byte, marker string) []byte {
	payload := append([]byte("Exif\x00\x00"), []byte(marker)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, data[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, data[2:]...)
}

// pngHeaderOnly is a PNG whose header claims w×h pixels: a decompression
// bomb is exactly this, with a small, very compressible body.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		b.Write(n[:])
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		b.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 1, 0 // 1-bit greyscale
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestProcessPhotoWidthsAndEXIF(t *testing.T) {
	dir := t.TempDir()
	data := withEXIF(testJPEG(t, 2000, 1000), "SECRET-GPS-POSITION")
	p, err := ProcessPhoto(data, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Widths, []int{480, 960, 1600}) {
		t.Errorf("widths %v", p.Widths)
	}
	if p.Width != 1600 || p.Height != 800 || p.File != PhotoFile(p.Name, 1600) || !ValidFileName(p.File) {
		t.Errorf("widest: %+v", p)
	}
	for _, w := range p.Widths {
		raw, err := os.ReadFile(filepath.Join(dir, PhotoFile(p.Name, w)))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("Exif")) || bytes.Contains(raw, []byte("SECRET")) {
			t.Errorf("width %d keeps the EXIF data", w)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(raw))
		if err != nil || cfg.Width != w {
			t.Errorf("width %d: %+v %v", w, cfg, err)
		}
	}
}

func TestProcessPhotoNeverUpscales(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 700, 300))
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p, err := ProcessPhoto(buf.Bytes(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Widths, []int{480, 700}) || p.Width != 700 || p.Height != 300 {
		t.Errorf("got %+v", p)
	}
	if !slices.Equal(SrcsetWidths(700), p.Widths) {
		t.Errorf("SrcsetWidths(700) = %v", SrcsetWidths(700))
	}
}

func TestBadUploadsStoreNothing(t *testing.T) {
	good := testJPEG(t, 64, 64)
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	cases := []struct {
		name  string
		data  []byte
		photo bool
		want  error
	}{
		{"HTML renamed .jpg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), true, ErrType},
		{"SVG with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), true, ErrType},
		{"decompression bomb", pngHeaderOnly(50000, 50000), true, ErrPixels},
		{"within sides, over the pixel budget", pngHeaderOnly(9000, 9000), true, ErrPixels},
		{"truncated JPEG", good[:len(good)/2], true, ErrCorrupt},
		{"empty", nil, true, ErrEmpty},
		{"too large", append(slices.Clone(good), make([]byte, MaxPhotoBytes)...), true, ErrTooLarge},
		{"PDF with a wrong header", append([]byte("%PDX-1.7"), pdf[8:]...), false, ErrType},
		{"truncated PDF", pdf[:20], false, ErrCorrupt},
		{"HTML as PDF", []byte("<html>%PDF-1.7</html>"), false, ErrType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var err error
			if c.photo {
				_, err = ProcessPhoto(c.data, dir)
			} else {
				_, err = ProcessBrochure(c.data, dir)
			}
			if !errors.Is(err, c.want) {
				t.Errorf("err %v, want %v", err, c.want)
			}
			if fs := files(t, dir); len(fs) != 0 {
				t.Errorf("stored %v", fs)
			}
		})
	}
}

func TestProcessBrochure(t *testing.T) {
	dir := t.TempDir()
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	b, err := ProcessBrochure(pdf, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !ValidFileName(b.File) || b.Bytes != int64(len(pdf)) || Kind(pdf) != "brochure" {
		t.Errorf("got %+v", b)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, b.File)); !bytes.Equal(got, pdf) {
		t.Error("stored file differs")
	}
}

func TestValidFileName(t *testing.T) {
	for name, want := range map[string]bool{
		"0123456789abcdef0123456789abcdef-960.jpg": true,
		"0123456789abcdef0123456789abcdef.pdf":     true,
		"../0123456789abcdef0123456789abcdef.pdf":  false,
		"0123456789abcdef0123456789abcdef.html":    false,
		"0123456789ABCDEF0123456789abcdef.pdf":     false,
	} {
		if ValidFileName(name) != want {
			t.Errorf("%q: %v", name, !want)
		}
	}
}

// exifOrientation builds an APP1 Exif segment payload (after "Exif\0\0")
// holding only the orientation tag, little-endian.
func exifOrientation(o uint16) string {
	t := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, byte(o), 0, 0, 0, 0, 0, 0, 0, 0, 0}
	return string(t)
}

func TestProcessPhotoAppliesOrientation(t *testing.T) {
	cases := []struct {
		o    uint16
		w, h int
	}{{1, 400, 200}, {3, 400, 200}, {6, 200, 400}, {8, 200, 400}}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.o), func(t *testing.T) {
			// Left half red, right half blue.
			img := image.NewRGBA(image.Rect(0, 0, 400, 200))
			for y := range 200 {
				for x := range 400 {
					col := color.RGBA{220, 0, 0, 255}
					if x >= 200 {
						col = color.RGBA{0, 0, 220, 255}
					}
					img.Set(x, y, col)
				}
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
				t.Fatal(err)
			}
			data := withEXIF(buf.Bytes(), exifOrientation(c.o))
			if got := jpegOrientation(data); got != int(c.o) {
				t.Fatalf("orientation read %d", got)
			}
			dir := t.TempDir()
			p, err := ProcessPhoto(data, dir)
			if err != nil {
				t.Fatal(err)
			}
			if p.Width != c.w || p.Height != c.h {
				t.Errorf("size %d×%d, want %d×%d", p.Width, p.Height, c.w, c.h)
			}
			raw, _ := os.ReadFile(filepath.Join(dir, p.File))
			out, err := jpeg.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			// Where the red half ends up: top-left for 1 and 6 (90° clockwise
			// puts the left edge on top), bottom-right for 3, bottom-left for 8.
			r, _, bl, _ := out.At(5, 5).RGBA()
			wantRedTopLeft := c.o == 1 || c.o == 6
			if (r > bl) != wantRedTopLeft {
				t.Errorf("top-left pixel r=%d b=%d, want red: %v", r>>8, bl>>8, wantRedTopLeft)
			}
		})
	}
}
