<?php
// healthCheckPath: no session, no data access, nothing to log but the access line.
header('Content-Type: text/plain');
echo "ok\n";
