// Package media checks and stores the files staff upload to the media
// library: photos (JPEG, PNG or WebP, re-encoded as JPEG in a few fixed
// widths, which drops EXIF and anything else hidden in the file) and PDF
// brochures. The type is always read from the content, never from the
// file's name or the request's header.
package media

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // registers PNG for image.Decode
	"net/http"
	"os"
	"path/filepath"
	"regexp"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP for image.Decode
)

// Limits of an upload.
const (
	MaxPhotoBytes    = 15 << 20
	MaxBrochureBytes = 20 << 20
	// MaxSide bounds each side of a photo, in pixels.
	MaxSide = 10000
	// MaxPixels bounds a photo's area: decoding needs about 4 bytes a
	// pixel, so this keeps one decode under 200 MB whatever the file's
	// size (a decompression bomb is small on disk and huge decoded).
	MaxPixels = 50_000_000
	// JPEGQuality is the quality of the stored photos.
	JPEGQuality = 82
)

// Widths are the widths a photo is stored in; a photo narrower than the
// widest is also stored at its own width, and never upscaled.
var Widths = []int{480, 960, 1600}

// Problems with an upload; each is shown to staff as a message.
var (
	ErrType     = errors.New("media: not a JPEG, PNG, WebP or PDF file")
	ErrTooLarge = errors.New("media: file too large")
	ErrPixels   = errors.New("media: image has too many pixels")
	ErrCorrupt  = errors.New("media: file is damaged or truncated")
	ErrEmpty    = errors.New("media: file is empty")
)

// Kind is what a file's content is: "photo", "brochure", or "" when it is
// neither.
func Kind(head []byte) string {
	switch http.DetectContentType(head) {
	case "image/jpeg", "image/png", "image/webp":
		return "photo"
	case "application/pdf":
		return "brochure"
	}
	return ""
}

// Photo is a processed photo: its stored widths and the widest file.
type Photo struct {
	Name   string
	Widths []int
	// File, Width, Height and Bytes describe the widest stored file.
	File   string
	Width  int
	Height int
	Bytes  int64
}

// Brochure is a stored PDF.
type Brochure struct {
	Name  string
	File  string
	Bytes int64
}

var namePattern = regexp.MustCompile(`^[0-9a-f]{32}(-[0-9]{2,5})?\.(jpg|pdf)$`)

// ValidFileName reports whether name is one this package generates, so a
// request can never name another file.
func ValidFileName(name string) bool { return namePattern.MatchString(name) }

// BaseName is the 32-character name a file name starts with.
func BaseName(file string) string {
	if len(file) < 32 {
		return ""
	}
	return file[:32]
}

// PhotoFile is the file name of a photo's width.
func PhotoFile(name string, width int) string { return fmt.Sprintf("%s-%d.jpg", name, width) }

func newName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ProcessPhoto checks data is a JPEG, PNG or WebP image within the limits,
// decodes it, and stores it as JPEG in each of the fixed widths under
// dir, with a generated name. Nothing is stored when it fails.
func ProcessPhoto(data []byte, dir string) (Photo, error) {
	if len(data) == 0 {
		return Photo{}, ErrEmpty
	}
	if len(data) > MaxPhotoBytes {
		return Photo{}, ErrTooLarge
	}
	if Kind(data) != "photo" {
		return Photo{}, ErrType
	}
	// The header first: its size decides whether decoding is safe.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrCorrupt
	}
	if format != "jpeg" && format != "png" && format != "webp" {
		return Photo{}, ErrType
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Photo{}, ErrCorrupt
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return Photo{}, ErrPixels
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrCorrupt
	}
	if b := src.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return Photo{}, ErrCorrupt
	}
	// Re-encoding drops EXIF, and with it the orientation a camera
	// records instead of turning the pixels: turn them now.
	if format == "jpeg" {
		if o := jpegOrientation(data); o > 1 {
			src = orient(src, o)
		}
	}
	b := src.Bounds()
	widths := photoWidths(b.Dx())
	name := newName()
	p := Photo{Name: name}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Photo{}, fmt.Errorf("media: folder: %w", err)
	}
	var written []string
	fail := func(err error) (Photo, error) {
		for _, f := range written {
			_ = os.Remove(filepath.Join(dir, f))
		}
		return Photo{}, err
	}
	// Each width is an area average by a whole factor (which keeps fine
	// detail from aliasing) of the one before, widest from the original,
	// then a bilinear step of less than 2× to the exact width. Scaling kernels such as
	// CatmullRom need a float buffer of 32 bytes per pixel of
	// width × source height (150 MB for a 12-megapixel photo); this needs
	// only the small images it makes.
	var cur image.Image = src
	for i := len(widths) - 1; i >= 0; i-- {
		w := widths[i]
		h := max(1, int(int64(b.Dy())*int64(w)/int64(b.Dx())))
		small := shrink(cur, max(1, cur.Bounds().Dx()/w))
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		// White under transparent pixels: JPEG has no alpha.
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), small, small.Bounds(), draw.Over, nil)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: JPEGQuality}); err != nil {
			return fail(fmt.Errorf("media: encode: %w", err))
		}
		file := PhotoFile(name, w)
		if err := writeFile(dir, file, buf.Bytes()); err != nil {
			return fail(err)
		}
		written = append(written, file)
		if i == len(widths)-1 {
			p.File, p.Width, p.Height, p.Bytes = file, w, h, int64(buf.Len())
		}
		cur = small
	}
	p.Widths = widths
	return p, nil
}

// photoWidths are the widths a photo of width w is stored in, narrowest
// first.
func photoWidths(w int) []int {
	var out []int
	for _, fw := range Widths {
		if fw < w {
			out = append(out, fw)
		}
	}
	top := min(w, Widths[len(Widths)-1])
	if len(out) == 0 || out[len(out)-1] != top {
		out = append(out, top)
	}
	return out
}

// SrcsetWidths are the widths stored for a photo whose widest file is w
// wide (the same rule ProcessPhoto follows).
func SrcsetWidths(w int) []int { return photoWidths(w) }

// ProcessBrochure checks data is a whole PDF within the limit and stores
// it under dir with a generated name.
func ProcessBrochure(data []byte, dir string) (Brochure, error) {
	if len(data) == 0 {
		return Brochure{}, ErrEmpty
	}
	if len(data) > MaxBrochureBytes {
		return Brochure{}, ErrTooLarge
	}
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) && !bytes.HasPrefix(data, []byte("%PDF-2.")) {
		return Brochure{}, ErrType
	}
	// A PDF ends with %%EOF (a line end may follow): a file without it
	// was cut short.
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return Brochure{}, ErrCorrupt
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Brochure{}, fmt.Errorf("media: folder: %w", err)
	}
	name := newName()
	file := name + ".pdf"
	if err := writeFile(dir, file, data); err != nil {
		return Brochure{}, err
	}
	return Brochure{Name: name, File: file, Bytes: int64(len(data))}, nil
}

// writeFile writes through a temporary file and a rename, so a file is
// either whole or absent.
func writeFile(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("media: write: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("media: write: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("media: write: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("media: write: %w", err)
	}
	return nil
}

// Remove deletes a stored file's files: every width of a photo.
func Remove(dir, name, kind string, widths []int) {
	if kind == "brochure" {
		_ = os.Remove(filepath.Join(dir, name+".pdf"))
		return
	}
	for _, w := range widths {
		_ = os.Remove(filepath.Join(dir, PhotoFile(name, w)))
	}
}

// shrink averages each k × k block of src into one pixel (premultiplied
// RGBA); k = 1 copies. YCbCr images (JPEG, WebP) are averaged in YCbCr,
// which is linear in RGB, and converted once per pixel made; others are
// read through their colour model.
func shrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	w, h := max(1, b.Dx()/k), max(1, b.Dy()/k)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(k * k)
	if yc, ok := src.(*image.YCbCr); ok {
		for oy := range h {
			for ox := range w {
				var sy, scb, scr uint32
				for y := b.Min.Y + oy*k; y < b.Min.Y+(oy+1)*k; y++ {
					row := yc.Y[yc.YOffset(b.Min.X+ox*k, y):]
					for dx := range k {
						sy += uint32(row[dx])
						ci := yc.COffset(b.Min.X+ox*k+dx, y)
						scb += uint32(yc.Cb[ci])
						scr += uint32(yc.Cr[ci])
					}
				}
				r, g, bl := color.YCbCrToRGB(uint8(sy/n), uint8(scb/n), uint8(scr/n))
				i := out.PixOffset(ox, oy)
				out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = r, g, bl, 255
			}
		}
		return out
	}
	for oy := range h {
		for ox := range w {
			var r, g, bl, a uint32
			for y := b.Min.Y + oy*k; y < b.Min.Y+(oy+1)*k; y++ {
				for x := b.Min.X + ox*k; x < b.Min.X+(ox+1)*k; x++ {
					pr, pg, pb, pa := src.At(x, y).RGBA()
					r, g, bl, a = r+pr>>8, g+pg>>8, bl+pb>>8, a+pa>>8
				}
			}
			i := out.PixOffset(ox, oy)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(r/n), uint8(g/n), uint8(bl/n), uint8(a/n)
		}
	}
	return out
}

// jpegOrientation reads the EXIF orientation (1–8) of a JPEG; 1 when it
// has none or it cannot be read.
func jpegOrientation(data []byte) int {
	i := 2 // after SOI
	for i+4 <= len(data) && data[i] == 0xFF {
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 { // image data or end: no EXIF before
			return 1
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of a TIFF header's first directory.
func tiffOrientation(t []byte) int {
	var u16 func([]byte) int
	var u32 func([]byte) int
	switch string(t[:2]) {
	case "II":
		u16 = func(b []byte) int { return int(b[0]) | int(b[1])<<8 }
		u32 = func(b []byte) int { return u16(b) | u16(b[2:])<<16 }
	case "MM":
		u16 = func(b []byte) int { return int(b[0])<<8 | int(b[1]) }
		u32 = func(b []byte) int { return u16(b)<<16 | u16(b[2:]) }
	default:
		return 1
	}
	off := u32(t[4:])
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := u16(t[off:])
	for k := range count {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if u16(t[e:]) == 0x0112 {
			if o := u16(t[e+8:]); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// orient turns and flips src as EXIF orientation o says the camera held
// it, so that it shows upright.
func orient(src image.Image, o int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			default:
				dx, dy = x, y
			}
			out.Set(dx, dy, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}
