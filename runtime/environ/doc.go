// Package environ builds the environment every command and program of a
// package gets (issue 5): it expands the ${VAR} expressions of spec
// strings, composes the layers of the environment in order while
// remembering where each variable came from, reads user env files, and
// masks secrets in anything appstart prints (issue 6).
//
// The stage pipeline composes one [Env]:
//
//	env := environ.New(os.Environ())                                   // platform + addon variables
//	err := env.AddDefaults("env_defaults", spec.EnvDefaults)           // only where unset
//	err = env.AddEntries("env", spec.Env, environ.Spec)                // in written order
//	env.Set(environ.Var{Name: "APP_SECRET", Value: hex, Source: environ.Secret, Origin: "secrets.APP_SECRET"})
//	env.Set(environ.Var{Name: "WORKERS", Value: "4", Source: environ.Workers, Origin: "workers"})
//	entries, err := environ.ParseEnvFile("/app/data/env", f)          // each env_file, in order
//	for _, ig := range env.AddOverrides("/app/data/env", entries, spec.Overridable) {
//		log.Print(ig) // "/app/data/env:3: DB_HOST is managed by env.DB_HOST and not overridable; ..."
//	}
//	m := env.Masker() // for plan, logs and errors
//
// With CLOUDRON_POSTGRESQL_PASSWORD=p@ss/w in the container and
//
//	[env_defaults]
//	CLOUDRON_APP_ORIGIN = "http://localhost:3000"
//	[env]
//	DATABASE_URL = "postgres://app:${CLOUDRON_POSTGRESQL_PASSWORD|url}@db/app"
//
// the result holds DATABASE_URL=postgres://app:p%40ss%2Fw@db/app (Source
// Spec, Origin "env.DATABASE_URL") and, when the platform did not set it,
// CLOUDRON_APP_ORIGIN from env_defaults; `appstart plan` prints
// CLOUDRON_POSTGRESQL_PASSWORD as **** and DATABASE_URL as
// postgres://app:****@db/app.
//
// Expansion syntax: see [Expand]. Env file formats: see [ParseEnvFile] and
// [ParseDockerEnvFile]. Which names count as secret: see [IsSecretName].
//
// Every error lists all its problems at once ([Error]), so a package
// started under plain `docker run` with no addons names every missing
// variable in one message, each with the spec key that needs it.
//
// The escapes of ${VAR|kind} are those of package appstart/templates, so
// ${PW|url} in [env] and ##{PW|url} in a template cannot disagree; that is
// this leaf package's one import outside the standard library.
package environ
