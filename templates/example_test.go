package templates_test

import (
	"fmt"

	"appstart/templates"
)

// The package doc's example, run.
func Example() {
	src := `{
  "password": "##DB_PASSWORD",
  "url": "postgres://app:##{DB_PASSWORD|url}@db/app",
  "port": ##DB_PORT
##IF CLOUDRON_LDAP_SERVER
  ,"ldap": "##CLOUDRON_LDAP_SERVER"
##END
}
`
	t, err := templates.Parse("config.json", []byte(src))
	if err != nil {
		panic(err)
	}
	env := map[string]string{"DB_PASSWORD": "p@ss'wörd", "DB_PORT": "5432"}
	out, err := t.Render(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, templates.Options{Escape: "json"})
	fmt.Print(string(out), err)
	// Output:
	// {
	//   "password": "p@ss'wörd",
	//   "url": "postgres://app:p%40ss%27w%C3%B6rd@db/app",
	//   "port": 5432
	// }
	// <nil>
}

func ExampleTemplate_Render() {
	t, _ := templates.Parse("config.php", []byte("'password' => '##DB_PASSWORD',\n"))
	out, _ := t.Render(func(string) (string, bool) { return `it's\`, true }, templates.Options{Escape: "php"})
	fmt.Print(string(out))
	// Output: 'password' => 'it\'s\\',
}

func ExampleTemplate_Render_missing() {
	t, _ := templates.Parse("/app/pkg/config.php.template", []byte("a=##DB_PASSWORD\nb=##SMTP_HOST\nc=##LDAP_URL\n"))
	_, err := t.Render(func(string) (string, bool) { return "", false }, templates.Options{Optional: map[string]bool{"SMTP_HOST": true}})
	fmt.Println(err)
	fmt.Println(err.(*templates.Error).Unset())
	// Output:
	// template /app/pkg/config.php.template: line 1: DB_PASSWORD is not set; line 3: LDAP_URL is not set
	// [DB_PASSWORD LDAP_URL]
}

func ExampleParse() {
	t, _ := templates.Parse("db.json", []byte(`{"host": "##DB_HOST", "port": ##DB_PORT}`))
	for _, p := range t.Placeholders() {
		fmt.Println(p.Name, p.Line, p.Escape == "", len(p.When))
	}
	// Output:
	// DB_HOST 1 true 0
	// DB_PORT 1 true 0
}

func ExampleEscape() {
	for _, kind := range []string{"url", "php", "shell", "xml"} {
		s, _ := templates.Escape(kind, "p@ss/wörd's")
		fmt.Println(kind, s)
	}
	// Output:
	// url p%40ss%2Fw%C3%B6rd%27s
	// php p@ss/wörd\'s
	// shell p@ss/wörd'\''s
	// xml p@ss/wörd&apos;s
}
