package schema_test

import (
	"encoding/json"
	"fmt"

	"appstart/runtime/schema"
)

func ExampleGenerate() {
	var s struct {
		Schema     string `json:"$schema"`
		Properties map[string]struct {
			Description string
			Default     any
		}
	}
	if err := json.Unmarshal(schema.Generate(), &s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Schema)
	fmt.Println(s.Properties["user"].Description)
	// Output:
	// http://json-schema.org/draft-07/schema#
	// default user for commands and programs ("user" or "user:group") (default: "cloudron")
}
