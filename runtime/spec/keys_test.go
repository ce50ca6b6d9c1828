package spec

import (
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// goTypes is the Go type each scalar kind decodes to; table kinds are
// checked structurally.
var goTypes = map[Kind]reflect.Type{
	KindString:    reflect.TypeFor[string](),
	KindBool:      reflect.TypeFor[bool](),
	KindInt:       reflect.TypeFor[int](),
	KindSeconds:   reflect.TypeFor[time.Duration](),
	KindDuration:  reflect.TypeFor[time.Duration](),
	KindMode:      reflect.TypeFor[fs.FileMode](),
	KindSize:      reflect.TypeFor[int64](),
	KindSignal:    reflect.TypeFor[syscall.Signal](),
	KindSignals:   reflect.TypeFor[[]syscall.Signal](),
	KindOwner:     reflect.TypeFor[string](),
	KindCond:      reflect.TypeFor[Cond](),
	KindPath:      reflect.TypeFor[string](),
	KindWritable:  reflect.TypeFor[string](),
	KindPaths:     reflect.TypeFor[[]string](),
	KindRemove:    reflect.TypeFor[[]string](),
	KindRoots:     reflect.TypeFor[[]string](),
	KindEnvName:   reflect.TypeFor[string](),
	KindEnvNames:  reflect.TypeFor[[]string](),
	KindPrograms:  reflect.TypeFor[[]string](),
	KindCommand:   reflect.TypeFor[Command](),
	KindSteps:     reflect.TypeFor[[]Step](),
	KindEnv:       reflect.TypeFor[[]Pair](),
	KindPatchKeys: reflect.TypeFor[[]Pair](),
	KindExitCodes: reflect.TypeFor[[]int](),
	KindReady:     reflect.TypeFor[Probe](),
	KindCron:      reflect.TypeFor[*Cron](),
	KindInstances: reflect.TypeFor[string](),
	KindURL:       reflect.TypeFor[string](),
	KindAddr:      reflect.TypeFor[string](),
}

// notKeys are the exported fields that are deliberately not keys.
var notKeys = map[string]bool{"Spec.Warnings": true, "Spec.File": true, "Program.StopWaitShared": true, "Spec.Manifest": true}

// TestFieldStability walks the key table and the spec structs together:
// every exported field of every spec struct is named by a key (so a new
// field cannot skip decoding, defaults and validation), and every key
// names a field of the Go type its kind produces.
func TestFieldStability(t *testing.T) {
	var walk func(st reflect.Type, keys []Key, nameField string)
	walk = func(st reflect.Type, keys []Key, nameField string) {
		named := map[string]bool{nameField: nameField != ""}
		for i := range keys {
			k := &keys[i]
			f, ok := st.FieldByName(k.field)
			if !ok {
				t.Errorf("key %q names field %s.%s, which does not exist", k.Name, st.Name(), k.field)
				continue
			}
			named[k.field] = true
			switch k.Kind {
			case KindTable:
				if f.Type.Kind() == reflect.Pointer {
					walk(f.Type.Elem(), k.Keys, "")
				} else {
					t.Errorf("%s.%s: an optional table must be a pointer (nil = absent), is %v", st.Name(), f.Name, f.Type)
				}
			case KindTables:
				walk(f.Type.Elem(), k.Keys, "")
			case KindNamed:
				walk(f.Type.Elem(), k.Keys, k.nameField)
			case KindSteps:
				walk(f.Type.Elem(), k.Keys, "")
				fallthrough
			default:
				want := goTypes[k.Kind]
				if k.Kind == KindEnum {
					if f.Type.Kind() != reflect.String || len(k.Enum) == 0 {
						t.Errorf("%s.%s: enum key %q needs a string type and values", st.Name(), f.Name, k.Name)
					}
				} else if want == nil || f.Type != want {
					t.Errorf("%s.%s: key %q of kind %v wants type %v, field is %v", st.Name(), f.Name, k.Name, k.Kind, want, f.Type)
				}
			}
			if k.Doc == "" {
				t.Errorf("key %q of %s has no Doc", k.Name, st.Name())
			}
			if k.Required && (k.Default != nil || k.Example == "") {
				t.Errorf("required key %q of %s: needs an Example (for the hint) and no Default", k.Name, st.Name())
			}
		}
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			if f.IsExported() && !named[f.Name] && !notKeys[st.Name()+"."+f.Name] {
				t.Errorf("field %s.%s is not named by any key in the key table: add it there, with its default and checks", st.Name(), f.Name)
			}
		}
	}
	walk(reflect.TypeFor[Spec](), topKeys, "")
}

// TestDefaultsConvert: every constant default converts to its kind
// without a problem (a broken default would fail every spec).
func TestDefaultsConvert(t *testing.T) {
	var walk func(path string, keys []Key)
	walk = func(path string, keys []Key) {
		for i := range keys {
			k := &keys[i]
			if k.Default != nil {
				if _, iss := convert(k, k.Default); iss != nil {
					t.Errorf("default of %s.%s (%v): %v", path, k.Name, k.Default, iss)
				}
			}
			walk(path+"."+k.Name, k.Keys)
		}
	}
	walk("", topKeys)
}

func TestKnownKeysIsACopy(t *testing.T) {
	ks := KnownKeys()
	ks[0].Name = "changed"
	prog := findKey(ks, "programs")
	findKey(prog.Keys, "forward").Default.([]any)[0] = "changed"
	findKey(prog.Keys, "autorestart").Enum[0] = "changed"
	again := KnownKeys()
	if again[0].Name != "user" || findKey(findKey(again, "programs").Keys, "forward").Default.([]any)[0] != "HUP" ||
		findKey(findKey(again, "programs").Keys, "autorestart").Enum[0] != "always" {
		t.Error("changing KnownKeys' result changed the key table")
	}
}

// TestFullSpecWritesEveryKey proves testdata/specs/good/full.toml uses
// every key of the table at least once, so TestGoodSpecs decodes them all.
func TestFullSpecWritesEveryKey(t *testing.T) {
	data, err := os.ReadFile(corpus + "/good/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	index := regexp.MustCompile(`\[\d+\]`)
	for p := range locate(data) {
		p = index.ReplaceAllString(p, "")
		segs := strings.Split(p, ".")
		if len(segs) > 1 && (segs[0] == "programs" || segs[0] == "tasks") {
			segs[1] = "*"
		}
		written[strings.Join(segs, ".")] = true
	}
	var walk func(path string, keys []Key)
	walk = func(path string, keys []Key) {
		for i := range keys {
			k := &keys[i]
			p := joinKey(path, k.Name)
			if !written[p] {
				t.Errorf("full.toml never writes %s", p)
			}
			sub := p
			if k.Kind == KindNamed {
				sub += ".*"
			}
			walk(sub, k.Keys)
		}
	}
	walk("", topKeys)
}

func TestKindString(t *testing.T) {
	for k := KindString; k <= KindNamed; k++ {
		if s := k.String(); s == "" || s == "invalid" {
			t.Errorf("Kind(%d) has no name", k)
		}
	}
	if Kind(99).String() != "invalid" {
		t.Error("an unknown kind should print as invalid")
	}
}
