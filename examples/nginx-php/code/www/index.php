<?php
// The app: GET lists the notes, POST body=... adds one. Plain text, so a test
// (or curl) can read it. The session counter proves PHP sessions work on a
// read-only root (they live in /run/php/sessions).
require __DIR__ . '/../db.php';

session_start();
$_SESSION['views'] = ($_SESSION['views'] ?? 0) + 1;

$pdo = db();
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $body = trim($_POST['body'] ?? '');
    if ($body === '') {
        http_response_code(400);
        exit("body is empty\n");
    }
    $pdo->prepare('INSERT INTO notes (body) VALUES (?)')->execute([$body]);
}

$app = require '/run/app/app.php';
header('Content-Type: text/plain; charset=utf-8');
$notes = $pdo->query('SELECT body FROM notes ORDER BY id')->fetchAll(PDO::FETCH_COLUMN);
echo 'notes: ' . count($notes) . "\n";
foreach ($notes as $n) {
    echo "- $n\n";
}
echo 'schema: ' . $pdo->query('SELECT max(version) FROM schema_migrations')->fetchColumn() . "\n";
echo 'starts: ' . $pdo->query('SELECT count(*) FROM starts')->fetchColumn() . "\n";
echo 'session views: ' . $_SESSION['views'] . "\n";
echo 'salt sha256: ' . hash('sha256', $app['salt']) . "\n";
echo 'user: ' . posix_getpwuid(posix_geteuid())['name'] . "\n";
