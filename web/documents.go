package web

import (
	"archive/zip"
	"bytes"
	"path/filepath"
	"strings"
)

// defaultMaxDocumentBytes bounds an uploaded proposal document.
const defaultMaxDocumentBytes = 25 << 20

// cfbMagic opens every OLE compound file (legacy .doc and .xls).
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniffDocument decides a document's kind from its content and checks it
// against the file name's extension: a PDF starts with %PDF-; an Office
// Open XML file is a zip with [Content_Types].xml and a word/, xl/ or
// ppt/ part; a legacy .doc or .xls is an OLE compound file. It returns ""
// for anything else, or when the extension claims another kind.
func sniffDocument(name string, data []byte) string {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		if ext == ".pdf" {
			return "pdf"
		}
	case bytes.HasPrefix(data, cfbMagic):
		if ext == ".doc" || ext == ".xls" {
			return ext[1:]
		}
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ""
		}
		var types bool
		dirs := map[string]bool{}
		for _, f := range zr.File {
			if f.Name == "[Content_Types].xml" {
				types = true
			}
			if dir, _, ok := strings.Cut(f.Name, "/"); ok {
				dirs[dir] = true
			}
		}
		if !types {
			return ""
		}
		want := map[string]string{".docx": "word", ".xlsx": "xl", ".pptx": "ppt"}[ext]
		if want != "" && dirs[want] {
			return ext[1:]
		}
	}
	return ""
}

// documentTypes are the Content-Type headers of document kinds.
var documentTypes = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"doc":  "application/msword",
	"xls":  "application/vnd.ms-excel",
}

// safeFileName keeps a document's name readable but harmless: no folders,
// no control characters, at most 150 characters.
func safeFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '"' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			continue
		}
		b.WriteRune(r)
	}
	out := []rune(strings.TrimSpace(b.String()))
	if len(out) > 150 {
		out = out[len(out)-150:]
	}
	if len(out) == 0 || string(out) == "." {
		return "document"
	}
	return string(out)
}
