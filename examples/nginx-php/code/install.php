<?php
// [first_run]: creates the schema once per data volume. appstart writes its
// marker (/app/data/.initialized) only after this exits 0, so a crash here
// runs it again on the next start: IF NOT EXISTS keeps that safe.
require __DIR__ . '/db.php';

$pdo = db();
$pdo->exec('CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text NOT NULL)');
$pdo->exec("INSERT INTO notes (body) SELECT 'welcome' WHERE NOT EXISTS (SELECT 1 FROM notes)");
// A trace on the volume, so a test can count how often first_run ran.
file_put_contents('/app/data/first_run.log', gmdate('c') . " schema created\n", FILE_APPEND);
echo "install: schema created\n";
