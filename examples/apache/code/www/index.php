<?php
// The app: a visit counter and a guest book on the data volume, the seeded
// welcome text, and the hash of the APP_KEY secret. Plain text, for tests and curl.
session_start();
$_SESSION['views'] = ($_SESSION['views'] ?? 0) + 1;

$data = '/app/data';
$fp = fopen("$data/visits", 'c+');
flock($fp, LOCK_EX);
$visits = (int) stream_get_contents($fp) + 1;
ftruncate($fp, 0);
rewind($fp);
fwrite($fp, (string) $visits);
fclose($fp);

if ($_SERVER['REQUEST_METHOD'] === 'POST' && trim($_POST['name'] ?? '') !== '') {
    file_put_contents("$data/guestbook.txt", trim($_POST['name']) . "\n", FILE_APPEND | LOCK_EX);
}

header('Content-Type: text/plain; charset=utf-8');
echo 'visits: ' . $visits . "\n";
echo 'welcome: ' . trim(file_get_contents("$data/welcome.txt")) . "\n";
$guests = is_file("$data/guestbook.txt") ? file("$data/guestbook.txt", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
echo 'guests: ' . implode(', ', $guests) . "\n";
echo 'session views: ' . $_SESSION['views'] . "\n";
echo 'key sha256: ' . hash('sha256', getenv('APP_KEY')) . "\n";
echo 'user: ' . posix_getpwuid(posix_geteuid())['name'] . "\n";
