<?php
// Shared by the web page and the command-line scripts: connects with the
// settings appstart rendered into /run/app/database.php. A host starting with
// "/" is a Unix-socket directory for libpq.
function db(): PDO
{
    $c = require '/run/app/database.php';
    $dsn = sprintf('pgsql:host=%s;port=%s;dbname=%s', $c['host'], $c['port'], $c['database']);
    return new PDO($dsn, $c['username'], $c['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
}
