<?php
// [[on_start]]: runs before the programs on every start. Migrations are
// recorded in schema_migrations, so each one is applied once; every start is
// also recorded in the starts table.
require __DIR__ . '/db.php';

$migrations = [
    2 => 'ALTER TABLE notes ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()',
    3 => 'CREATE TABLE starts (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())',
];

$pdo = db();
$pdo->exec('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY)');
foreach ($migrations as $version => $sql) {
    $pdo->beginTransaction();
    $done = $pdo->prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
    $done->execute([$version]);
    if (!$done->fetchColumn()) {
        $pdo->exec($sql);
        $pdo->prepare('INSERT INTO schema_migrations (version) VALUES (?)')->execute([$version]);
        echo "migrate: applied $version\n";
    }
    $pdo->commit();
}
$pdo->exec('INSERT INTO starts DEFAULT VALUES');
$n = $pdo->query('SELECT count(*) FROM starts')->fetchColumn();
echo "migrate: start $n\n";
